/**
 * The trip report's data model: everything the HTML report draws, gathered from one run's observations (the
 * firmware's event lines, the fleet server's store and arrival order, the power meter's charge series, the
 * short-message sends) and the trace itself (route, coverage, the configured bands). No second simulation.
 * Times are seconds since the trace start. Sections read only this model, so a new kind of marker (an area, a
 * geofence crossing) is a new entry in `markers` (and a style in map-legend), not a change to every chart.
 *   inputs:  the trace and what simulate(trace) returned (RunView: summary, transcript, server, series)
 *   outputs: TripData
 */
import { parseBands } from "../../../firmware/coldchain/bands";
import { type EventLine, eventsUntil } from "../transcript-line";
import type { Route } from "../../world/fleet-server";
import { traceConfig } from "../observe";
import type { RunView } from "../trip-series";
import type { Summary } from "../summary";
import type { Trace } from "../../world/trace-types";
import { World } from "../../world/world";
import { coverageSpans, platformAreas, routeMarkers, stopsOf, type MapArea, type Marker, type Span } from "./trip-route";

/** GSP transport rules: a temperature record at least every 5 minutes. */
export const GSP_MAX_GAP_S = 300;

export interface TrackPoint {
  t: number;
  lat: number;
  lon: number;
}

export interface ProbeSeries {
  name: string;
  /** Readings the platform received, at the time the device made them (°C). */
  points: { t: number; c: number }[];
  /** The alarm bands configured for this probe. */
  bands: { low: number; high: number }[];
  /** From a temperature alarm's raise to its clear (or the end of the trace). */
  excursions: Span[];
}

/** One record the firmware created, and what became of it. */
export interface RecordFate {
  seq: number;
  kind: string;
  t: number;
  alarm: boolean; // an alarm raise: the records whose latency is promised
  arrivedT: number | null; // first arrival at the platform
  via: Route | null;
}

export interface TripData {
  summary: Summary;
  name: string;
  startUtcMs: number;
  /** The trace's UTC offset (minutes), so clock times read as the truck's local time. */
  tzOffsetMin: number;
  durationS: number;
  route: {
    track: TrackPoint[];
    /** Where NB-IoT was poor or absent. */
    coverage: Span[];
    /** Positions the platform received (the device's fixes). */
    positions: TrackPoint[];
    /** Areas the platform set on the device (geofences). */
    areas: MapArea[];
  };
  /** Events on the map and the timelines: start, end, stop, park, door, alarm, rdss, … */
  markers: Marker[];
  temperature: { probes: ProbeSeries[]; gaps: Span[]; ruleS: number };
  energy: {
    stepS: number;
    /** Cumulative mAh per component at k × stepS. */
    components: { name: string; mAh: number[] }[];
    /** Cumulative mAh taken from the battery (all components). */
    batteryMah: number[];
    floorMah: number;
    capacityMah: number;
  };
  delivery: {
    records: RecordFate[];
    /** Records created and not yet at the platform, after each change. */
    backlog: { t: number; n: number }[];
    worstAlarm: RecordFate | null;
  };
}

function tzOffsetMin(start: string): number {
  const m = /([+-])(\d\d):?(\d\d)$/.exec(start);
  return m ? (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

function fates(lines: readonly EventLine[], r: RunView): RecordFate[] {
  const out: RecordFate[] = [];
  for (const l of lines) {
    if (l.name !== "record" || !(Number(l.fields.seq) > 0)) continue;
    const s = r.server.record(Number(l.fields.seq));
    out.push({
      seq: Number(l.fields.seq),
      kind: l.fields.kind,
      t: l.t,
      alarm: l.fields.kind === "alarm" && l.fields.raised === "1",
      arrivedT: s ? s.firstAtMs / 1000 : null,
      via: s ? s.via : null,
    });
  }
  return out;
}

function backlogOf(records: readonly RecordFate[]): { t: number; n: number }[] {
  const steps: { t: number; d: number }[] = [];
  for (const f of records) {
    steps.push({ t: f.t, d: 1 });
    if (f.arrivedT !== null) steps.push({ t: f.arrivedT, d: -1 });
  }
  steps.sort((a, b) => a.t - b.t || a.d - b.d);
  const out: { t: number; n: number }[] = [{ t: 0, n: 0 }];
  let n = 0;
  for (const s of steps) {
    n += s.d;
    if (out[out.length - 1].t === s.t) out[out.length - 1].n = n;
    else out.push({ t: s.t, n });
  }
  return out;
}

function probeSeries(trace: Trace, r: RunView, records: readonly RecordFate[]): ProbeSeries[] {
  const bands = parseBands(traceConfig(trace).bands, trace.device.probes);
  const endS = trace.duration;
  return trace.device.probes.map((name, i) => {
    const points: { t: number; c: number }[] = [];
    const excursions: Span[] = [];
    const open = new Map<string, number>();
    for (const f of records) {
      const rec = r.server.record(f.seq)?.rec;
      if (!rec) continue;
      if (f.kind === "temperature") {
        const v = rec.temps[i];
        if (v !== null && v !== undefined) points.push({ t: f.t, c: v / 10 });
      }
      const d = rec.detail;
      if (f.kind !== "alarm" || !d || d.probe !== i || (d.code !== "temp-high" && d.code !== "temp-low")) continue;
      if (d.raised) {
        // The excursion began with the first reading out of range, before the raise's delay ran out.
        const from = d.startUtc ? (d.startUtc - trace.startUtcMs) / 1000 : f.t;
        if (!open.has(d.code)) open.set(d.code, Math.max(0, Math.min(from, f.t)));
      } else if (open.has(d.code)) {
        excursions.push({ from: open.get(d.code)!, to: f.t, label: d.code });
        open.delete(d.code);
      }
    }
    for (const [code, from] of open) excursions.push({ from, to: endS, label: code });
    excursions.sort((a, b) => a.from - b.from);
    return { name, points, bands: (bands[i] ?? []).map((b) => ({ low: b.low, high: b.high })), excursions };
  });
}

/** Stretches longer than the GSP rule without a temperature record created (as the summary's longest gap counts). */
function tempGaps(records: readonly RecordFate[], endS: number): Span[] {
  const gaps: Span[] = [];
  let last = 0;
  let any = false;
  for (const f of records) {
    if (f.kind !== "temperature") continue;
    if (f.t - last > GSP_MAX_GAP_S) gaps.push({ from: last, to: f.t, label: `${Math.round(f.t - last)} s` });
    last = f.t;
    any = true;
  }
  if (any && endS - last > GSP_MAX_GAP_S) gaps.push({ from: last, to: endS, label: `${Math.round(endS - last)} s` });
  return gaps;
}

/** "temp-high rear 10.6 °C": the alarm as the platform received it, its probe by name. */
function alarmLabel(trace: Trace, r: RunView, seq: number, code: string): string {
  const d = r.server.record(seq)?.rec.detail;
  if (!d) return code;
  const probe = d.probe !== undefined ? trace.device.probes[d.probe] : undefined;
  const extreme = d.extreme !== undefined ? `${(d.extreme / 10).toFixed(1)} °C` : undefined;
  return [code, probe, extreme].filter((x) => x !== undefined).join(" ");
}

export function tripData(trace: Trace, r: RunView): TripData {
  const world = new World(trace);
  const endS = trace.duration;
  const lines = eventsUntil(r.transcript, endS);
  const records = fates(lines, r);
  const positions: TrackPoint[] = [];
  for (const f of records) {
    const fix = f.kind === "position" ? r.server.record(f.seq)?.rec.fix : undefined;
    if (fix) positions.push({ t: f.t, lat: fix.lat, lon: fix.lon });
  }
  let worstAlarm: RecordFate | null = null;
  for (const f of records)
    if (f.alarm && f.arrivedT !== null && (!worstAlarm || f.arrivedT - f.t > worstAlarm.arrivedT! - worstAlarm.t)) worstAlarm = f;
  const ch = r.series.charge;
  const comps = Object.keys(ch.mAh);
  const n = comps.length ? ch.mAh[comps[0]].length : 0;
  const batteryMah: number[] = [];
  for (let k = 0; k < n; k++) batteryMah.push(comps.reduce((a, c) => a + ch.batteryMah[c][k], 0));
  return {
    summary: r.summary,
    name: trace.name,
    startUtcMs: trace.startUtcMs,
    tzOffsetMin: tzOffsetMin(trace.start),
    durationS: endS,
    route: {
      track: trace.route.map((p) => ({ t: p.t, lat: p.lat, lon: p.lon })),
      coverage: coverageSpans(trace),
      positions,
      areas: platformAreas(trace),
    },
    markers: routeMarkers(world, stopsOf(world, traceConfig(trace).park_after_s), lines, r.series.rdssSends, (seq, code) => alarmLabel(trace, r, seq, code)),
    temperature: { probes: probeSeries(trace, r, records), gaps: tempGaps(records, endS), ruleS: GSP_MAX_GAP_S },
    energy: {
      stepS: ch.stepMs / 1000,
      components: comps.map((c) => ({ name: c, mAh: ch.mAh[c] })),
      batteryMah,
      floorMah: r.summary.floor_mAh,
      capacityMah: trace.device.battery.capacity_mAh,
    },
    delivery: { records, backlog: backlogOf(records), worstAlarm },
  };
}
