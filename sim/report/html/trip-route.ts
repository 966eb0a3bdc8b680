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

/** A stretch of time (seconds since the trace start). */
export interface Span {
  from: number;
  to: number;
  label: string;
}

export interface Marker {
  kind: string; // start, end, stop, park, door, alarm, rdss — map-legend knows how to draw each
  t: number;
  lat: number;
  lon: number;
  label: string;
  durationS?: number;
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
    else if (l.name === "record" && l.fields.kind === "alarm" && l.fields.raised === "1") out.push(at("alarm", l.t, alarmLabel(Number(l.fields.seq), l.fields.code ?? "alarm")));
  }
  for (const s of rdss)
    if (s.atMs / 1000 <= world.trace.duration) out.push(at("rdss", s.atMs / 1000, `short message (${s.seqs.length} records)`));
  return out.sort((a, b) => a.t - b.t);
}
