/**
 * How each kind of marker is drawn, on the map and on the timelines: one table, so a new kind (an area entered,
 * a geofence crossed) is one entry here. A kind without an entry is still drawn, as a plain dot.
 *   inputs:  a marker kind, a position in pixels, a label
 *   outputs: SVG markup with the label as its tooltip
 */
import { el, esc, num } from "./svg";

export interface MarkerStyle {
  label: string; // in the legend
  shape: "circle" | "square" | "diamond" | "triangle" | "ring" | "star";
  size: number;
}

export const MARKER_STYLES: Record<string, MarkerStyle> = {
  start: { label: "start", shape: "circle", size: 6 },
  end: { label: "end", shape: "square", size: 6 },
  stop: { label: "stop", shape: "ring", size: 6 },
  park: { label: "park", shape: "square", size: 7 },
  door: { label: "door opened", shape: "triangle", size: 6 },
  alarm: { label: "alarm raised", shape: "diamond", size: 6 },
  area: { label: "area event", shape: "circle", size: 6 },
  rdss: { label: "short message sent", shape: "star", size: 7 },
};

function star(x: number, y: number, r: number): string {
  let d = "";
  for (let i = 0; i < 10; i++) {
    const a = (Math.PI * i) / 5 - Math.PI / 2;
    const rr = i % 2 ? r * 0.45 : r;
    d += `${i ? "L" : "M"}${num(x + rr * Math.cos(a))} ${num(y + rr * Math.sin(a))}`;
  }
  return d + "Z";
}

export function markerShape(kind: string, x: number, y: number, label: string): string {
  const st = MARKER_STYLES[kind] ?? { label: kind, shape: "circle", size: 4 };
  const r = st.size;
  const cls = `mk mk-${kind}`;
  const title = el("title", {}, esc(label));
  switch (st.shape) {
    case "circle":
      return el("circle", { class: cls, cx: x, cy: y, r: r * 0.8 }, title);
    case "ring":
      return el("circle", { class: `${cls} ring`, cx: x, cy: y, r }, title);
    case "square":
      return el("rect", { class: cls, x: x - r * 0.75, y: y - r * 0.75, width: r * 1.5, height: r * 1.5 }, title);
    case "diamond":
      return el("path", { class: cls, d: `M${num(x)} ${num(y - r)}L${num(x + r)} ${num(y)}L${num(x)} ${num(y + r)}L${num(x - r)} ${num(y)}Z` }, title);
    case "triangle":
      return el("path", { class: cls, d: `M${num(x)} ${num(y - r)}L${num(x + r)} ${num(y + r * 0.8)}L${num(x - r)} ${num(y + r * 0.8)}Z` }, title);
    case "star":
      return el("path", { class: cls, d: star(x, y, r) }, title);
  }
}
