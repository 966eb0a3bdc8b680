/**
 * The route as a map: the trace's track projected (equirectangular around the trip's mid latitude, so distances
 * read true at this scale), a graticule, a scale bar, the stretches without good NB-IoT coverage drawn over the
 * track, the positions the platform received as dots and every marker in its kind's style.
 *   inputs:  TripData.route, TripData.markers
 *   outputs: an SVG chart and its legend
 */
import { chart, dayTime, el, esc, legend, num, path, text, ticks } from "./svg";
import type { TrackPoint, TripData } from "./trip-data";
import { MARKER_STYLES, markerShape } from "./map-legend";

const W = 760;
const H = 440;
const PAD = 28;
const M_PER_DEG = 111_320;

/** Position on the track at time t (linear between points, held at the ends). */
export function pointAt(track: readonly TrackPoint[], t: number): TrackPoint {
  if (t <= track[0].t) return track[0];
  for (let i = 1; i < track.length; i++) {
    const a = track[i - 1];
    const b = track[i];
    if (b.t >= t) {
      const f = b.t > a.t ? (t - a.t) / (b.t - a.t) : 1;
      return { t, lat: a.lat + (b.lat - a.lat) * f, lon: a.lon + (b.lon - a.lon) * f };
    }
  }
  return track[track.length - 1];
}

/** The track between two times, ends interpolated. */
function stretch(track: readonly TrackPoint[], from: number, to: number): TrackPoint[] {
  return [pointAt(track, from), ...track.filter((p) => p.t > from && p.t < to), pointAt(track, to)];
}

export interface Projection {
  x: (lon: number) => number;
  y: (lat: number) => number;
  pxPerM: number;
  lat: [number, number];
  lon: [number, number];
}

/** Fits the points (with a floor of about 2 km, so a parked trip still shows its place) into the map box. */
export function project(pts: readonly { lat: number; lon: number }[]): Projection {
  let la0 = Infinity, la1 = -Infinity, lo0 = Infinity, lo1 = -Infinity;
  for (const p of pts) {
    la0 = Math.min(la0, p.lat);
    la1 = Math.max(la1, p.lat);
    lo0 = Math.min(lo0, p.lon);
    lo1 = Math.max(lo1, p.lon);
  }
  const k = Math.cos((((la0 + la1) / 2) * Math.PI) / 180);
  const minDeg = 0.02;
  const grow = (a: number, b: number, min: number): [number, number] => (b - a >= min ? [a, b] : [(a + b) / 2 - min / 2, (a + b) / 2 + min / 2]);
  [la0, la1] = grow(la0, la1, minDeg);
  [lo0, lo1] = grow(lo0, lo1, minDeg / k);
  // one pixel per unit in both axes: the scale that fits the wider of the two
  const s = Math.min((W - 2 * PAD) / ((lo1 - lo0) * k), (H - 2 * PAD) / (la1 - la0));
  const cx = (lo0 + lo1) / 2;
  const cy = (la0 + la1) / 2;
  const x = (lon: number) => W / 2 + (lon - cx) * k * s;
  const y = (lat: number) => H / 2 - (lat - cy) * s;
  const halfLon = (W / 2 / (k * s));
  const halfLat = H / 2 / s;
  return { x, y, pxPerM: s / M_PER_DEG, lat: [cy - halfLat, cy + halfLat], lon: [cx - halfLon, cx + halfLon] };
}

/** Decimals that tell neighbouring ticks apart. */
const decimals = (t: number[]) => (t.length > 1 ? Math.max(0, Math.ceil(-Math.log10(t[1] - t[0]) - 1e-9)) : 2);

function graticule(p: Projection): string {
  const parts: string[] = [];
  const lons = ticks(p.lon[0], p.lon[1], 6);
  const lats = ticks(p.lat[0], p.lat[1], 5);
  const hemi = (v: number, pos: string, neg: string) => (v < 0 ? neg : pos);
  for (const lon of lons) {
    parts.push(el("line", { class: "grat", x1: p.x(lon), x2: p.x(lon), y1: 0, y2: H }));
    parts.push(text(p.x(lon) + 2, H - 4, `${num(Math.abs(lon), decimals(lons))}°${hemi(lon, "E", "W")}`, { class: "tick" }));
  }
  for (const lat of lats) {
    parts.push(el("line", { class: "grat", x1: 0, x2: W, y1: p.y(lat), y2: p.y(lat) }));
    parts.push(text(2, p.y(lat) - 2, `${num(Math.abs(lat), decimals(lats))}°${hemi(lat, "N", "S")}`, { class: "tick" }));
  }
  return parts.join("");
}

function scaleBar(p: Projection): string {
  const targetM = W / 5 / p.pxPerM;
  const pow = 10 ** Math.floor(Math.log10(targetM));
  const m = [5, 2, 1].map((k) => k * pow).find((v) => v <= targetM) ?? pow; // the roundest length that fits
  const len = m * p.pxPerM;
  const x0 = W - PAD - len;
  const y0 = H - 14;
  const label = m >= 1000 ? `${num(m / 1000, 1)} km` : `${num(m, 0)} m`;
  return el("g", { class: "scalebar" },
    el("path", { d: `M${num(x0)} ${y0 - 4}V${y0}H${num(x0 + len)}V${y0 - 4}` }),
    text(x0 + len / 2, y0 - 6, label, { class: "tick", "text-anchor": "middle" }),
    text(W - 14, 20, "N", { class: "north", "text-anchor": "middle" }),
    el("path", { class: "north-arrow", d: `M${W - 14} 24l-4 10h8z` }));
}

/** Markers closer than this (px) would hide each other: they are fanned out in a row above their place. */
const CLUSTER_PX = 7;
const ROW_GAP = 13;

/** Draws markers; those at one place go in a row above it, joined to it by a leader line, in time order. */
function spread(pts: { x: number; y: number; m: { kind: string; label: string; t: number } }[]): { svg: string }[] {
  const groups: (typeof pts)[] = [];
  for (const q of pts) {
    const g = groups.find((gr) => Math.hypot(gr[0].x - q.x, gr[0].y - q.y) < CLUSTER_PX);
    if (g) g.push(q);
    else groups.push([q]);
  }
  const out: { svg: string }[] = [];
  for (const g of groups) {
    if (g.length === 1) {
      out.push({ svg: markerShape(g[0].m.kind, g[0].x, g[0].y, g[0].m.label) });
      continue;
    }
    const { x, y } = g[0];
    const perRow = 12;
    const rows = Math.ceil(g.length / perRow);
    const up = y - 16 - (rows - 1) * ROW_GAP < 8; // no room above: the row goes below
    const rowY = (r: number) => (up ? y + 16 + r * ROW_GAP : y - 16 - r * ROW_GAP);
    const width = (Math.min(g.length, perRow) - 1) * ROW_GAP;
    const x0 = Math.min(Math.max(x - width / 2, 10), W - 10 - width);
    out.push({ svg: el("path", { class: "leader", d: `M${num(x)} ${num(y)}V${num(rowY(0))}` }) + el("circle", { class: "place", cx: x, cy: y, r: 2.5 }) });
    g.forEach((q, i) => out.push({ svg: markerShape(q.m.kind, x0 + (i % perRow) * ROW_GAP, rowY(Math.floor(i / perRow)), q.m.label) }));
  }
  return out;
}

export function routeMap(d: TripData): string {
  const track = d.route.track;
  const p = project([...track, ...d.route.positions, ...d.markers, ...d.route.areas.flatMap((a) => a.outline)]);
  const xy = (q: { lat: number; lon: number }): [number, number] => [p.x(q.lon), p.y(q.lat)];
  const parts: string[] = [el("rect", { class: "land", x: 0, y: 0, width: W, height: H }), graticule(p)];
  for (const a of d.route.areas) {
    const pts = a.outline.map(xy);
    const top = pts.reduce((b, q) => (q[1] < b[1] ? q : b), pts[0]);
    parts.push(el("path", { class: "area-outline", d: path(pts) + "Z" }, el("title", {}, esc(a.label))));
    parts.push(text(top[0], top[1] - 3, a.label, { class: "tick area-label", "text-anchor": "middle" }));
  }
  parts.push(el("path", { class: "track", d: path(track.map(xy)) }));
  for (const c of d.route.coverage)
    parts.push(el("path", { class: `cov cov-${c.label}`, d: path(stretch(track, c.from, c.to).map(xy)) }, el("title", {}, esc(`NB-IoT ${c.label}`))));
  parts.push(el("g", { class: "fixes" }, ...d.route.positions.map((q) => el("circle", { cx: p.x(q.lon), cy: p.y(q.lat), r: 1.5 }))));
  parts.push(el("g", { class: "markers" }, ...spread(d.markers.map((m) => ({ x: p.x(m.lon), y: p.y(m.lat), m }))).map((q) => q.svg)));
  parts.push(scaleBar(p));
  const present = new Set(d.markers.map((m) => m.kind));
  const count = (k: string) => d.markers.filter((m) => m.kind === k).length;
  const entries = [
    { cls: "track", label: "route" },
    { cls: "fix", label: `position received (${d.route.positions.length})` },
    ...(d.route.areas.length ? [{ cls: "area-outline", label: `area set by the platform (${d.route.areas.length})` }] : []),
    ...(d.route.coverage.some((c) => c.label === "poor") ? [{ cls: "cov-poor", label: "NB-IoT poor" }] : []),
    ...(d.route.coverage.some((c) => c.label === "none") ? [{ cls: "cov-none", label: "no NB-IoT coverage" }] : []),
    ...Object.keys(MARKER_STYLES)
      .filter((k) => present.has(k))
      .map((k) => ({ cls: `mk-${k}`, label: `${MARKER_STYLES[k].label} (${count(k)})` })),
  ];
  const scaleKm = num(1 / p.pxPerM / 1000 * 100, 1);
  return chart("route", W, H, `route of ${d.name}, 100 px ≈ ${scaleKm} km`, parts.join("")) + legend(entries) + eventList(d);
}

/** The markers as a list with local times, for print (where tooltips do not show) and for audits. */
function eventList(d: TripData): string {
  const local0 = d.startUtcMs / 1000 + d.tzOffsetMin * 60;
  const items = d.markers
    .filter((m) => m.kind !== "start" && m.kind !== "end")
    .map((m) => {
      return el("li", {}, el("i", { class: `sw mk-${m.kind}` }), el("span", { class: "when" }, esc(dayTime(local0 + m.t))), " ", esc(m.label));
    });
  return items.length ? el("ol", { class: "events" }, ...items) : "";
}
