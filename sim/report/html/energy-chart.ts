/**
 * The energy section: the charge drawn so far, stacked by component (mcu, gnss, modem, rdss, probes, board) as
 * the power meter sampled it, with the energy floor drawn as a line rising at the floor's average rate to its
 * trip total; then the battery projection (what is left of the capacity if trips like this one went on at the
 * same average current) and the per-component figures of the summary.
 *   inputs:  TripData.energy, TripData.summary
 *   outputs: HTML (two charts, legend, table)
 */
import { chart, el, esc, frame, legend, num, path, scale, text, ticks, timeAxes } from "./svg";
import type { TripData } from "./trip-data";

const W = 760;
const H = 230;

function stacked(d: TripData): string {
  const e = d.energy;
  const f = frame(W, H);
  const n = e.components.length ? e.components[0].mAh.length : 0;
  const tOf = (k: number) => Math.min(k * e.stepS, d.durationS);
  const total = n ? e.components.reduce((a, c) => a + c.mAh[n - 1], 0) : 0;
  const ax = timeAxes(f, 0, d.durationS, 0, Math.max(total, e.floorMah, 1e-3) * 1.08, d, "mAh", (v) => num(v, 2));
  const parts: string[] = [ax.svg];
  const base = new Array<number>(n).fill(0);
  for (const c of e.components) {
    const lower = base.slice();
    for (let k = 0; k < n; k++) base[k] += c.mAh[k];
    if (!(c.mAh[n - 1] > 0)) continue; // a part that drew nothing (no module fitted) adds no band
    const up: [number, number][] = base.map((v, k) => [ax.x(tOf(k)), ax.y(v)]);
    const down: [number, number][] = lower.map((v, k) => [ax.x(tOf(k)), ax.y(v)] as [number, number]).reverse();
    parts.push(el("path", { class: `area c-${c.name}`, d: path(up.concat(down)) + "Z" }, el("title", {}, esc(`${c.name} ${num(c.mAh[n - 1], 3)} mAh`))));
  }
  parts.push(el("path", { class: "floor", d: path([[ax.x(0), ax.y(0)], [ax.x(d.durationS), ax.y(e.floorMah)]]) }));
  parts.push(text(ax.x(d.durationS) - 4, ax.y(e.floorMah) - 4, `floor ${num(e.floorMah, 3)} mAh`, { class: "tick floor-label", "text-anchor": "end" }));
  return chart("energy", W, H, "charge drawn over the trip by component", parts.join(""));
}

/** Battery left (mAh) against days: the trip as measured, then its average rate carried on to empty. */
function projection(d: TripData): string {
  const e = d.energy;
  const life = d.summary.battery_life_days;
  const days = d.durationS / 86400;
  const W2 = W;
  const H2 = 150;
  const f = frame(W2, H2);
  const span = Math.max(days, life ?? days) * 1.05;
  const x = scale(0, span, f.left, W2 - f.right);
  const y = scale(0, e.capacityMah, H2 - f.bottom, f.top);
  const parts: string[] = [];
  for (const v of ticks(0, e.capacityMah, 4)) {
    parts.push(el("line", { class: "grid", x1: f.left, x2: W2 - f.right, y1: y(v), y2: y(v) }));
    parts.push(text(f.left - 4, y(v) + 3, num(v, 0), { class: "tick", "text-anchor": "end" }));
  }
  for (const v of ticks(0, span, 8)) {
    parts.push(el("line", { class: "grid", x1: x(v), x2: x(v), y1: f.top, y2: H2 - f.bottom }));
    parts.push(text(x(v), H2 - f.bottom + 12, `${num(v, 1)} d`, { class: "tick", "text-anchor": "middle" }));
  }
  parts.push(el("rect", { class: "axis", x: f.left, y: f.top, width: W2 - f.left - f.right, height: H2 - f.top - f.bottom }));
  parts.push(text(4, 3, "battery mAh", { class: "unit", "dominant-baseline": "hanging" }));
  const measured = e.batteryMah.map((q, k) => [x(Math.min(k * e.stepS, d.durationS) / 86400), y(e.capacityMah - q)] as [number, number]);
  if (measured.length) parts.push(el("path", { class: "battery", d: path(measured) }));
  const used = d.summary.battery_mAh;
  if (life !== null) {
    parts.push(el("path", { class: "projection", d: path([[x(days), y(e.capacityMah - used)], [x(life), y(0)]]) }));
    parts.push(el("circle", { class: "empty", cx: x(life), cy: y(0), r: 3 }));
    parts.push(text(x(life) - 4, y(0) - 16, `empty after ${num(life, 1)} days`, { class: "tick", "text-anchor": "end" }));
  } else parts.push(text(W2 / 2, H2 / 2, "on truck power throughout: the battery was not drawn", { class: "note", "text-anchor": "middle" }));
  return chart("battery", W2, H2, "battery left, measured and projected", parts.join(""));
}

export function energySection(d: TripData): string {
  const s = d.summary;
  const comps = d.energy.components.map((c) => c.name);
  const rows = comps.map((c) => {
    const v = (s.by_component as Record<string, number>)[c] ?? 0;
    return el("tr", {}, el("td", {}, el("i", { class: `sw c-${c}` }), esc(c)), el("td", {}, num(v, 4)), el("td", {}, `${num((100 * v) / (s.energy_mAh || 1), 1)} %`));
  });
  const life = s.battery_life_days === null ? "not drawn (truck power)" : `${num(s.battery_life_days, 1)} days (${num(s.battery_life_days / 365, 1)} years)`;
  return [
    stacked(d),
    legend([...comps.map((c) => ({ cls: `c-${c}`, label: c })), { cls: "floor", label: "energy floor (trip total at its average rate)" }]),
    el("p", { class: "note" }, esc(`${num(s.energy_mAh, 3)} mAh in all, ${num(s.battery_mAh, 3)} from the battery; used ÷ floor = ${num(s.floor_ratio, 2)}. Battery ${num(d.energy.capacityMah, 0)} mAh: ${life} at ${num(s.avg_current_uA, 1)} µA average.`)),
    projection(d),
    legend([{ cls: "battery", label: "this trip" }, { cls: "projection", label: "projection at the trip's average current" }]),
    el("table", { class: "figures components" }, el("thead", {}, el("tr", {}, el("th", {}, "component"), el("th", {}, "mAh"), el("th", {}, "share"))), el("tbody", {}, ...rows)),
  ].join("");
}
