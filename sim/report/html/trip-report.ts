/**
 * The HTML trip report of one run: the data model from what the run observed, then the page. Platform-free (a
 * string out); the command line writes it to a file.
 *   inputs:  the trace and what simulate(trace) returned
 *   outputs: the HTML document
 */
import type { RunView } from "../trip-series";
import type { Trace } from "../../world/trace-types";
import { reportHtml } from "./report-page";
import { tripData } from "./trip-data";

export function tripReportHtml(trace: Trace, result: RunView): string {
  return reportHtml(tripData(trace, result));
}
