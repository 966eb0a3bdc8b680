/**
 * The cold-chain section: one chart per probe over the trip, the readings the platform received as a line (broken
 * where the GSP 300 s rule was missed), the configured alarm bands shaded (outside the band is the alarm zone),
 * excursions (temperature alarm raised → cleared) highlighted, the GSP gaps flagged, then min/max/mean/MKT and
 * time out of band per probe from the summary.
 *   inputs:  TripData.temperature, TripData.summary.probes
 *   outputs: HTML (charts, legend, tables)
 */
import { duration } from "./trip-route";
import { chart, dayTime, el, esc, frame, legend, num, text, timeAxes, type Frame } from "./svg";
import type { ProbeSeries, TripData } from "./trip-data";

const W = 760;
const H = 170;

function domain(d: TripData): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of d.temperature.probes) {
    for (const q of p.points) {
      lo = Math.min(lo, q.c);
      hi = Math.max(hi, q.c);
    }
    for (const b of p.bands) {
      lo = Math.min(lo, b.low);
      hi = Math.max(hi, b.high);
    }
  }
  if (!Number.isFinite(lo)) return [0, 10];
  return [Math.floor(lo - 1), Math.ceil(hi + 1)];
}

/** The line through the readings, lifted where consecutive readings are further apart than the rule. */
function readingsPath(p: ProbeSeries, x: (t: number) => number, y: (v: number) => number, ruleS: number): string {
  let d = "";
  for (let i = 0; i < p.points.length; i++) {
    const q = p.points[i];
    const move = i === 0 || q.t - p.points[i - 1].t > ruleS;
    d += `${move ? "M" : "L"}${num(x(q.t))} ${num(y(q.c))}`;
  }
  // a single reading still shows as a dot-length stroke
  return p.points.length === 1 ? d + "h1" : d;
}

function probeChart(d: TripData, p: ProbeSeries, yd: [number, number]): string {
  const f: Frame = frame(W, H);
  const ax = timeAxes(f, 0, d.durationS, yd[0], yd[1], d, `${p.name} °C`, (v) => num(v, 1));
  const { x, y } = ax;
  const top = f.top;
  const bottom = f.h - f.bottom;
  const left = f.left;
  const width = f.w - f.left - f.right;
  const parts: string[] = [];
  for (const b of p.bands) {
    // the alarm zones: above the high limit and below the low one
    if (b.high < yd[1]) parts.push(el("rect", { class: "alarm-zone", x: left, y: top, width, height: Math.max(0, y(b.high) - top) }));
    if (b.low > yd[0]) parts.push(el("rect", { class: "alarm-zone", x: left, y: y(b.low), width, height: Math.max(0, bottom - y(b.low)) }));
    parts.push(el("line", { class: "band-limit", x1: left, x2: left + width, y1: y(b.high), y2: y(b.high) }));
    parts.push(el("line", { class: "band-limit", x1: left, x2: left + width, y1: y(b.low), y2: y(b.low) }));
  }
  parts.push(ax.svg);
  for (const e of p.excursions)
    parts.push(el("rect", { class: "excursion", x: x(e.from), y: top, width: Math.max(1.5, x(e.to) - x(e.from)), height: bottom - top }, el("title", {}, esc(`${e.label} ${duration(e.to - e.from)}`))));
  for (const g of d.temperature.gaps)
    parts.push(el("rect", { class: "gap", x: x(g.from), y: top, width: Math.max(2, x(g.to) - x(g.from)), height: bottom - top }, el("title", {}, esc(`no record for ${g.label}`))));
  if (p.points.length) parts.push(el("path", { class: "reading", d: readingsPath(p, x, y, d.temperature.ruleS) }));
  else parts.push(text(W / 2, H / 2, "no readings received from this probe", { class: "note", "text-anchor": "middle" }));
  const outside = p.points.filter((q) => p.bands.some((b) => q.c < b.low || q.c > b.high));
  parts.push(el("g", { class: "out-of-band" }, ...outside.map((q) => el("circle", { cx: x(q.t), cy: y(q.c), r: 1.6 }))));
  return chart(`temperature-${p.name}`, W, H, `temperature at probe ${p.name}`, parts.join(""));
}

const cell = (key: string, v: number | null, fmt: (n: number) => string = String) =>
  el("td", { "data-key": key }, v === null ? "n/a" : fmt(v));

export function temperatureSection(d: TripData): string {
  const yd = domain(d);
  const t = d.temperature;
  const local0 = d.startUtcMs / 1000 + d.tzOffsetMin * 60;
  const out: string[] = [];
  for (const p of t.probes) out.push(probeChart(d, p, yd));
  out.push(
    legend([
      { cls: "reading", label: "record received" },
      { cls: "alarm-zone", label: "outside the alarm band" },
      { cls: "out-of-band", label: "reading out of band" },
      { cls: "excursion", label: "excursion (alarm raised → cleared)" },
      { cls: "gap", label: `gap over ${t.ruleS} s (GSP rule)` },
    ]),
  );
  const head = el("tr", {}, ...["probe", "min °C", "max °C", "mean °C", "MKT °C", "out of band", "readings", "band °C"].map((h) => el("th", {}, h)));
  const rows = d.summary.probes.map((s, i) => {
    const series = t.probes.find((p) => p.name === s.name);
    return el(
      "tr",
      {},
      el("td", { "data-key": `probes.${i}.name` }, esc(s.name)),
      cell(`probes.${i}.min_c`, s.min_c),
      cell(`probes.${i}.max_c`, s.max_c),
      cell(`probes.${i}.mean_c`, s.mean_c),
      cell(`probes.${i}.mkt_c`, s.mkt_c),
      el("td", {}, el("span", { "data-key": `probes.${i}.out_of_band_s` }, String(s.out_of_band_s)), " s"),
      el("td", {}, String(series?.points.length ?? 0)),
      el("td", {}, esc((series?.bands ?? []).map((b) => `${num(b.low, 1)} – ${num(b.high, 1)}`).join(", ") || "none")),
    );
  });
  out.push(el("table", { class: "figures probes" }, el("thead", {}, head), el("tbody", {}, ...rows)));
  const gaps = t.gaps.length
    ? `${t.gaps.length} gap(s) over ${t.ruleS} s: ` + t.gaps.map((g) => `${duration(g.to - g.from)} from ${dayTime(local0 + g.from)}`).join("; ")
    : `no gap over ${t.ruleS} s between temperature records`;
  out.push(el("p", { class: "note", "data-check": "gsp" }, esc(gaps)));
  return out.join("");
}
