/**
 * The delivery section: every record the firmware created, placed at its creation time and at how long it took
 * to reach the platform (log scale; NB-IoT and short message apart, alarm raises larger, records never received
 * on top in red), the coverage gaps behind it; then the backlog (created, not yet received) over the trip and
 * the drain period, and the worst alarm latency.
 *   inputs:  TripData.delivery, TripData.route.coverage, TripData.markers (short-message sends)
 *   outputs: HTML (two charts, legend, note)
 */
import { duration } from "./trip-route";
import { chart, dayTime, el, esc, frame, legend, num, path, scale, text, timeAxes } from "./svg";
import type { TripData } from "./trip-data";

const W = 760;

function endOf(d: TripData): number {
  let end = d.durationS;
  for (const r of d.delivery.records) if (r.arrivedT !== null) end = Math.max(end, r.arrivedT);
  return end * 1.02; // room to see the last arrivals land
}

function shade(d: TripData, x: (t: number) => number, top: number, bottom: number): string {
  return d.route.coverage
    .map((c) => el("rect", { class: `cov-band cov-${c.label}`, x: x(c.from), y: top, width: Math.max(1, x(c.to) - x(c.from)), height: bottom - top }))
    .join("");
}

function latencyChart(d: TripData, end: number): string {
  const H = 220;
  const f = frame(W, H);
  const recs = d.delivery.records;
  let worst = 1;
  for (const r of recs) if (r.arrivedT !== null) worst = Math.max(worst, r.arrivedT - r.t);
  const decades = Math.max(2, Math.ceil(Math.log10(worst * 1.5)));
  const ax = timeAxes(f, 0, end, 0, decades, d, "delay s", (v) => (v === 0 ? "≤1" : num(10 ** v, 0)));
  const ly = (s: number) => ax.y(Math.min(decades, Math.log10(Math.max(1, s))));
  const parts: string[] = [shade(d, ax.x, f.top, f.h - f.bottom), ax.svg];
  parts.push(el("line", { class: "trace-end", x1: ax.x(d.durationS), x2: ax.x(d.durationS), y1: f.top, y2: f.h - f.bottom }));
  const dots = { jt808: [] as string[], rdss: [] as string[], lost: [] as string[], alarm: [] as string[] };
  for (const r of recs) {
    if (r.arrivedT === null) {
      dots.lost.push(el("path", { d: `M${num(ax.x(r.t) - 3)} ${num(f.top + 1)}l6 6m0 -6l-6 6` }, el("title", {}, esc(`record ${r.seq} (${r.kind}) never received`))));
      continue;
    }
    const cx = ax.x(r.t);
    const cy = ly(r.arrivedT - r.t);
    if (r.alarm) dots.alarm.push(el("path", { d: `M${num(cx)} ${num(cy - 4)}l4 4l-4 4l-4 -4z` }, el("title", {}, esc(`alarm record ${r.seq}: ${num(r.arrivedT - r.t, 1)} s`))));
    else dots[r.via === "rdss" ? "rdss" : "jt808"].push(el("circle", { cx, cy, r: 1.6 }));
  }
  parts.push(el("g", { class: "dl-jt808" }, ...dots.jt808), el("g", { class: "dl-rdss" }, ...dots.rdss));
  parts.push(el("g", { class: "dl-alarm" }, ...dots.alarm), el("g", { class: "dl-lost" }, ...dots.lost));
  const w = d.delivery.worstAlarm;
  if (w && w.arrivedT !== null) {
    const cx = ax.x(w.t);
    const cy = ly(w.arrivedT - w.t);
    parts.push(el("circle", { class: "worst", cx, cy, r: 6 }));
    parts.push(text(cx + (cx > W * 0.7 ? -8 : 8), cy - 8, `worst alarm ${duration(w.arrivedT - w.t)}`, { class: "tick", "text-anchor": cx > W * 0.7 ? "end" : "start" }));
  }
  return chart("delivery", W, H, "time from creation to arrival of every record", parts.join(""));
}

function backlogChart(d: TripData, end: number): string {
  const H = 150;
  const f = frame(W, H);
  const b = d.delivery.backlog;
  const max = Math.max(1, ...b.map((p) => p.n));
  const ax = timeAxes(f, 0, end, 0, max * 1.1, d, "backlog", (v) => num(v, 0));
  const pts: [number, number][] = [];
  for (let i = 0; i < b.length; i++) {
    if (i) pts.push([ax.x(b[i].t), ax.y(b[i - 1].n)]); // a step: the count holds until the next change
    pts.push([ax.x(b[i].t), ax.y(b[i].n)]);
  }
  pts.push([ax.x(end), ax.y(b[b.length - 1].n)]);
  const area = path([[ax.x(0), ax.y(0)], ...pts, [ax.x(end), ax.y(0)]]) + "Z";
  const parts = [shade(d, ax.x, f.top, f.h - f.bottom), ax.svg, el("path", { class: "backlog", d: area })];
  parts.push(el("line", { class: "trace-end", x1: ax.x(d.durationS), x2: ax.x(d.durationS), y1: f.top, y2: f.h - f.bottom }));
  const sends = d.markers.filter((m) => m.kind === "rdss");
  const xs = scale(0, end, f.left, W - f.right);
  parts.push(el("g", { class: "dl-send" }, ...sends.map((m) => el("path", { d: `M${num(xs(m.t))} ${f.top}v10` }, el("title", {}, esc(m.label))))));
  return chart("backlog", W, H, "records created and not yet received", parts.join(""));
}

export function deliverySection(d: TripData): string {
  const end = endOf(d);
  const s = d.summary;
  const recs = d.delivery.records;
  const viaRdss = recs.filter((r) => r.via === "rdss").length;
  const w = d.delivery.worstAlarm;
  const note =
    `${recs.length} records created, ${recs.length - recs.filter((r) => r.arrivedT === null).length} received ` +
    `(${viaRdss} first by short message), ${s.records_lost} lost. ` +
    (w ? `Worst alarm latency ${num(s.max_alarm_latency_s, 1)} s (record ${w.seq}, raised ${dayTime(d.startUtcMs / 1000 + d.tzOffsetMin * 60 + w.t)}).` : "No alarm raised.") +
    ` The dashed line is the end of the trace; after it the device runs on so the backlog can drain.`;
  return [
    latencyChart(d, end),
    legend([
      { cls: "dl-jt808", label: "received by NB-IoT" },
      { cls: "dl-rdss", label: "received by short message" },
      { cls: "dl-alarm", label: "alarm raise" },
      { cls: "dl-lost", label: "never received" },
      ...(d.route.coverage.some((c) => c.label === "poor") ? [{ cls: "cov-poor", label: "NB-IoT poor" }] : []),
      ...(d.route.coverage.some((c) => c.label === "none") ? [{ cls: "cov-none", label: "no NB-IoT" }] : []),
    ]),
    backlogChart(d, end),
    legend([{ cls: "backlog", label: "records waiting for the platform" }, { cls: "dl-send", label: "short message sent" }]),
    el("p", { class: "note" }, esc(note)),
  ].join("");
}
