/**
 * The HTML trip report of one run: the data model from what the run observed, then the page. Platform-free (a
 * string out); the command line writes it to a file.
 *   inputs:  the trace and its SimResult
 *   outputs: the HTML document
 */
import type { SimResult } from "../../simulation";
import type { Trace } from "../../world/trace-types";
import { reportHtml } from "./report-page";
import { tripData } from "./trip-data";

export function tripReportHtml(trace: Trace, result: SimResult): string {
  return reportHtml(tripData(trace, result));
}
