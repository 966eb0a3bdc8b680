/**
 * Where things happened on the trip: the stretches without good NB-IoT coverage, the stops and parks the route
 * implies, and the events the device saw (door openings, alarm raises, short-message sends) placed at the truck's
 * position at that moment. Each is a Marker with a kind; the map and the timelines draw every kind the same way.
 *   inputs:  the World of the trace, the firmware's event lines, the short-message sends
 *   outputs: Span[] (coverage), Marker[]
 */
import { distanceM, type World } from "../../world/world";
import type { RdssSend } from "../trip-series";
import type { Trace } from "../../world/trace-types";
import type { Area } from "../../../firmware/config/area";

/** A stretch of time (seconds since the trace start). */
export interface Span {
  from: number;
  to: number;
  label: string;
}

export interface Marker {
  kind: string; // start, end, stop, park, door, alarm, area, rdss — map-legend knows how to draw each
  t: number;
  lat: number;
  lon: number;
  label: string;
  durationS?: number;
}

/** An area the platform set on the device, as an outline to draw. */
export interface MapArea {
  id: number;
  label: string;
  outline: { lat: number; lon: number }[];
}

/** A circle as a 48-gon (small circles on the sphere: an equirectangular offset is exact enough at this scale). */
function circle(lat: number, lon: number, radiusM: number): { lat: number; lon: number }[] {
  const out: { lat: number; lon: number }[] = [];
  const dLat = radiusM / 111_320;
  const dLon = dLat / Math.cos((lat * Math.PI) / 180);
  for (let i = 0; i < 48; i++) {
    const a = (2 * Math.PI * i) / 48;
    out.push({ lat: lat + dLat * Math.sin(a), lon: lon + dLon * Math.cos(a) });
  }
  return out;
}

function outline(a: Area): { lat: number; lon: number }[] {
  if (a.type === 1) return circle(a.center.lat, a.center.lon, a.radiusM);
  if (a.type === 2) return [a.nw, { lat: a.nw.lat, lon: a.se.lon }, a.se, { lat: a.se.lat, lon: a.nw.lon }];
  return a.points;
}

/** The areas the trace's platform sends (set-areas), the latest of each shape and id, minus those it deletes. */
export function platformAreas(trace: Trace): MapArea[] {
  const byKey = new Map<string, MapArea>();
  for (const d of trace.downlinks) {
    const a = d.area;
    if (!a) continue;
    const type = a.shape === "circle" ? 1 : a.shape === "rectangle" ? 2 : 3;
    if (d.message === "delete-areas") {
      for (const k of [...byKey.keys()]) if (k.startsWith(`${type}:`) && (!a.areaIds || a.areaIds.some((id) => k === `${type}:${id}`))) byKey.delete(k);
    } else if (d.message === "set-areas") {
      if (a.action === "update") for (const k of [...byKey.keys()]) if (k.startsWith(`${type}:`)) byKey.delete(k);
      for (const x of a.areas ?? []) byKey.set(`${type}:${x.id}`, { id: x.id, label: x.name ? `${x.name} (${x.id})` : `area ${x.id}`, outline: outline(x) });
    }
  }
  return [...byKey.values()];
}

/** A stop shorter than this is traffic, not a stop worth a mark. */
const MIN_STOP_S = 300;
/** Route points closer than this are the same place (GNSS jitter in a trace is below it). */
const SAME_PLACE_M = 30;

/** Where NB-IoT coverage was poor or absent. */
export function coverageSpans(trace: Trace): Span[] {
  const out: Span[] = [];
  const net = trace.network;
  for (let i = 0; i < net.length; i++) {
    if (net[i].v === "good") continue;
    const to = i + 1 < net.length ? net[i + 1].t : trace.duration;
    if (to > net[i].t) out.push({ from: net[i].t, to: Math.min(to, trace.duration), label: net[i].v });
  }
  return out;
}

/** Stretches where the route stays in one place for MIN_STOP_S or more; a park when the ignition is off long enough. */
export function stopsOf(world: World, parkAfterS: number): Marker[] {
  const r = world.trace.route;
  const out: Marker[] = [];
  let i = 0;
  while (i < r.length) {
    let j = i;
    while (j + 1 < r.length && distanceM(r[i].lat, r[i].lon, r[j + 1].lat, r[j + 1].lon) < SAME_PLACE_M) j++;
    const from = r[i].t;
    const to = j + 1 < r.length ? r[j].t : Math.max(r[j].t, world.trace.duration);
    const dur = to - from;
    if (dur >= MIN_STOP_S) {
      let accOff = 0;
      for (const s of world.edges(world.trace.ignition, false)) if (s.t > from && s.t < to && !s.v) accOff = Math.max(accOff, to - s.t);
      if (!world.ignitionOn(from)) accOff = Math.max(accOff, dur);
      const park = accOff >= parkAfterS;
      out.push({ kind: park ? "park" : "stop", t: from, lat: r[i].lat, lon: r[i].lon, label: `${park ? "parked" : "stopped"} ${duration(dur)}`, durationS: dur });
    }
    i = j + 1;
  }
  return out;
}

export function duration(s: number): string {
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86400).toFixed(1)} d`;
}

interface EventLine {
  t: number;
  name: string;
  fields: Record<string, string>;
}

/** Start, end, stops and parks, then the device's events at the truck's position when they happened, in time order. */
export function routeMarkers(
  world: World,
  stops: Marker[],
  lines: readonly EventLine[],
  rdss: readonly RdssSend[],
  alarmLabel: (seq: number, code: string) => string = (_seq, code) => code,
): Marker[] {
  const at = (kind: string, t: number, label: string): Marker => {
    const p = world.position(t);
    return { kind, t, lat: p.lat, lon: p.lon, label };
  };
  const out: Marker[] = [at("start", 0, "start"), at("end", world.trace.duration, "end"), ...stops];
  for (const l of lines) {
    if (l.name === "door-edge" && l.fields.level === "1") out.push(at("door", l.t, "door opened"));
    else if (l.name === "area" && l.fields.raised === "1") out.push(at("area", l.t, `${l.fields.code} ${l.fields.id}`));
    else if (l.name === "record" && l.fields.kind === "alarm" && l.fields.raised === "1" && !(l.fields.code ?? "").startsWith("area-"))
      out.push(at("alarm", l.t, alarmLabel(Number(l.fields.seq), l.fields.code ?? "alarm")));
  }
  for (const s of rdss)
    if (s.atMs / 1000 <= world.trace.duration) out.push(at("rdss", s.atMs / 1000, `short message (${s.seqs.length} records)`));
  return out.sort((a, b) => a.t - b.t);
}
