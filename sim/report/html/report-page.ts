/**
 * The trip report as one self-contained HTML page: inline CSS and SVG only (no script, no font, no image, nothing
 * fetched), laid out for a screen and for A4 paper. The page is a list of sections, each rendered from TripData;
 * a new section (geofences, say) is one more entry in SECTIONS. Same data in, same bytes out.
 *   inputs:  TripData
 *   outputs: the HTML document as a string
 */
import { deliverySection } from "./delivery-chart";
import { energySection } from "./energy-chart";
import { figuresTable } from "./figures-table";
import { routeMap } from "./route-map";
import { REPORT_CSS } from "./report-style";
import { clock, el, esc } from "./svg";
import { temperatureSection } from "./temperature-chart";
import type { TripData } from "./trip-data";
import { duration } from "./trip-route";

export interface Section {
  id: string;
  title: string;
  render: (d: TripData) => string;
}

export const SECTIONS: readonly Section[] = [
  { id: "figures", title: "Figures", render: (d) => figuresTable(d.summary) },
  { id: "route", title: "Route", render: routeMap },
  { id: "temperature", title: "Temperatures", render: temperatureSection },
  { id: "energy", title: "Energy", render: energySection },
  { id: "delivery", title: "Delivery", render: deliverySection },
];

function header(d: TripData): string {
  const local0 = d.startUtcMs / 1000 + d.tzOffsetMin * 60;
  const date = new Date(Math.round(local0) * 1000).toISOString().slice(0, 10);
  const sign = d.tzOffsetMin < 0 ? "-" : "+";
  const off = Math.abs(d.tzOffsetMin);
  const tz = `UTC${sign}${String(Math.floor(off / 60)).padStart(2, "0")}:${String(off % 60).padStart(2, "0")}`;
  const probes = d.temperature.probes.map((p) => p.name).join(", ") || "none";
  return el(
    "header",
    {},
    el("h1", {}, `Trip report: ${esc(d.name)}`),
    el("p", { class: "sub" }, esc(`${date} ${clock(local0)} ${tz}, ${duration(d.durationS)} simulated; probes ${probes}. Times are the truck's local time.`)),
  );
}

export function reportHtml(d: TripData): string {
  const body = SECTIONS.map((s) => el("section", { id: s.id }, el("h2", {}, esc(s.title)), s.render(d))).join("\n");
  return (
    "<!DOCTYPE html>\n" +
    el(
      "html",
      { lang: "en" },
      el("head", {}, el("meta", { charset: "utf-8" }), el("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }), el("title", {}, esc(`Trip report: ${d.name}`)), el("style", {}, REPORT_CSS)),
      el("body", {}, header(d), "\n", body, "\n", el("footer", {}, "Simulated trip: figures from the tracker simulator's own observations of this run.")),
    ) +
    "\n"
  );
}
