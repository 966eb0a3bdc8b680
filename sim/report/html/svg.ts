/**
 * The few SVG/HTML building blocks the report's charts share: escaping, fixed-precision numbers (so the output is
 * byte-identical everywhere), linear scales, round axis ticks, clock-time ticks and the axis frame. Output is
 * XML-well-formed markup (every element closed, every attribute quoted), which is also valid HTML.
 */

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A coordinate or value with at most `d` decimals, no trailing zeros, never "-0" or NaN. */
export function num(x: number, d = 1): string {
  if (!Number.isFinite(x)) return "0";
  const s = x.toFixed(d);
  const t = s.indexOf(".") >= 0 ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
  return t === "-0" ? "0" : t;
}

export type Attrs = Record<string, string | number | undefined>;

/** Elements written as `<x/>` when empty: SVG shapes (foreign content) and HTML void elements. Others always close. */
const SELF_CLOSING = ["line", "rect", "circle", "path", "polyline", "polygon", "ellipse", "meta", "br"];

/** One element; children are already-built markup. */
export function el(tag: string, attrs: Attrs = {}, ...children: string[]): string {
  let a = "";
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    if (v === undefined) continue;
    a += ` ${k}="${esc(typeof v === "number" ? num(v, 2) : v)}"`;
  }
  return children.length || SELF_CLOSING.indexOf(tag) < 0 ? `<${tag}${a}>${children.join("")}</${tag}>` : `<${tag}${a}/>`;
}

export function text(x: number, y: number, s: string, attrs: Attrs = {}): string {
  return el("text", { x, y, ...attrs }, esc(s));
}

/** A linear map from [d0, d1] onto [r0, r1]. */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

/** Round tick values covering [lo, hi], about `n` of them. */
export function ticks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Math.round(v / step) * step || 0); // never -0
  return out;
}

/** A polyline path through points (already in pixels); a point that lands on the previous one is left out. */
export function path(pts: readonly [number, number][]): string {
  let d = "";
  let last = "";
  for (let i = 0; i < pts.length; i++) {
    const p = `${num(pts[i][0])} ${num(pts[i][1])}`;
    if (p !== last || i === pts.length - 1) d += `${i ? "L" : "M"}${p}`;
    last = p;
  }
  return d;
}

/** The plot area of a chart, in pixels inside its SVG. */
export interface Frame {
  w: number;
  h: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export const frame = (w: number, h: number, left = 52, right = 12, top = 18, bottom = 28): Frame => ({ w, h, left, right, top, bottom });

/** Clock ticks for trace seconds [0, endS] in the trace's local time: round minutes, hours, or days for long trips. */
export function timeTicks(endS: number, startUtcMs: number, tzOffsetMin: number): { t: number; label: string }[] {
  const steps = [600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 259200, 604800];
  const step = steps.find((s) => endS / s <= 9) ?? steps[steps.length - 1];
  const local0 = startUtcMs / 1000 + tzOffsetMin * 60; // local seconds at t = 0
  const first = Math.ceil(local0 / step) * step - local0;
  const out: { t: number; label: string }[] = [];
  for (let t = first; t <= endS + 1e-6; t += step) out.push({ t, label: clock(local0 + t, step >= 86400) });
  return out;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "06:00", or "01 Jul" at midnight / for day ticks; local seconds since 1970 in, no host time zone involved. */
export function clock(localS: number, dayOnly = false): string {
  const d = new Date(Math.round(localS) * 1000);
  const hh = String(d.getUTCHours()).padStart(2, "0");
  const mm = String(d.getUTCMinutes()).padStart(2, "0");
  const day = `${String(d.getUTCDate()).padStart(2, "0")} ${MONTHS[d.getUTCMonth()]}`;
  if (dayOnly || (hh === "00" && mm === "00")) return day;
  return `${hh}:${mm}`;
}

/** "01 Jul 06:10": a moment in full, for lists. */
export function dayTime(localS: number): string {
  const d = new Date(Math.round(localS) * 1000);
  return `${clock(localS, true)} ${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

/** Axes, grid and labels of a time chart; returns the markup and the scales. */
export function timeAxes(
  f: Frame,
  t0: number,
  t1: number,
  y0: number,
  y1: number,
  time: { startUtcMs: number; tzOffsetMin: number },
  yLabel: string,
  yFmt: (v: number) => string = (v) => num(v, 2),
): { svg: string; x: (t: number) => number; y: (v: number) => number } {
  const x = scale(t0, t1, f.left, f.w - f.right);
  const y = scale(y0, y1, f.h - f.bottom, f.top);
  const parts: string[] = [];
  for (const v of ticks(y0, y1, 5)) {
    parts.push(el("line", { class: "grid", x1: f.left, x2: f.w - f.right, y1: y(v), y2: y(v) }));
    parts.push(text(f.left - 4, y(v) + 3, yFmt(v), { class: "tick", "text-anchor": "end" }));
  }
  for (const tk of timeTicks(t1, time.startUtcMs, time.tzOffsetMin)) {
    if (tk.t < t0) continue;
    parts.push(el("line", { class: "grid", x1: x(tk.t), x2: x(tk.t), y1: f.top, y2: f.h - f.bottom }));
    const anchor = x(tk.t) > f.w - f.right - 14 ? "end" : x(tk.t) < f.left + 14 ? "start" : "middle";
    parts.push(text(x(tk.t), f.h - f.bottom + 12, tk.label, { class: "tick", "text-anchor": anchor }));
  }
  parts.push(el("rect", { class: "axis", x: f.left, y: f.top, width: f.w - f.left - f.right, height: f.h - f.top - f.bottom }));
  parts.push(text(4, 3, yLabel, { class: "unit", "dominant-baseline": "hanging" }));
  return { svg: parts.join(""), x, y };
}

/** An SVG chart element with its size as a viewBox, so it scales to the page (and to A4 in print). */
export function chart(name: string, w: number, h: number, label: string, body: string): string {
  return el("svg", { class: "chart", "data-chart": name, viewBox: `0 0 ${w} ${h}`, role: "img", "aria-label": label, xmlns: "http://www.w3.org/2000/svg" }, body);
}

/** A legend row: swatch and label per entry (HTML, so it wraps). */
export function legend(entries: { cls: string; label: string }[]): string {
  return el("p", { class: "legend" }, ...entries.map((e) => el("span", {}, el("i", { class: `sw ${e.cls}` }), esc(e.label))));
}
