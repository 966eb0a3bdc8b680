/**
 * The alarm engine's and the trip statistics' snapshots in the form kept in RTC memory. Their own JSON states
 * are written for reading (named fields, full floats); with 8 probes and 2 bands each, mid-excursion, they take
 * over 2 KB, and the RTC block also holds the GNSS, modem, session and RDSS snapshots. Here the per-band and
 * per-probe entries become rows, readings keep 4 decimals (DS18B20 steps are 1/16 °C = 0.0625), MKT sums keep
 * 10 significant digits, and the UTC of a condition's start is dropped: the engine derives it from the
 * monotonic start when it reports, as exactly (both clocks survive deep sleep; a power cut loses both).
 *
 * A packed snapshot that does not have the expected shape unpacks to undefined: the module then starts fresh.
 */
import type { DetPhase, EngineState } from "../coldchain/alarm-engine";
import type { Since } from "../coldchain/alarm-sink";
import type { TripPhase, TripState } from "../coldchain/trip-stats";

const DET_PHASES: readonly DetPhase[] = Object.freeze(["pending", "raised", "clearing", "held"] as DetPhase[]);
const TRIP_PHASES: readonly TripPhase[] = Object.freeze(["idle", "on", "ending"] as TripPhase[]);

/** [phase, worst °C, t0, tc | null, acked 1] — trailing entries omitted when absent. */
type DetRow = (number | null)[];
/** [readings, weight ms, Σ w·v, Σ w·e^(−ΔH/RT), out ms per band, min | null, max | null, last t, last °C]. */
type ProbeRow = [number, number, number, number, number[], number | null, number | null, number?, number?];

export interface PackedEngine extends Omit<EngineState, "det"> {
  det: Record<string, DetRow>;
}

export interface PackedTrip extends Omit<TripState, "phase" | "probes"> {
  phase: number;
  probes: ProbeRow[];
}

const r4 = (v: number) => Math.round(v * 1e4) / 1e4;
const sig10 = (v: number) => Number(v.toPrecision(10));
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function since<T extends Since>(s: T | undefined): T | undefined {
  if (!s) return undefined;
  const out = { ...s };
  delete out.u0;
  return out;
}

export function packEngine(s: EngineState): PackedEngine {
  const det: Record<string, DetRow> = {};
  for (const k of Object.keys(s.det)) {
    const d = s.det[k];
    const row: DetRow = [DET_PHASES.indexOf(d.ph), r4(d.ext), d.t0];
    if (d.tc !== undefined || d.acked) row.push(d.tc ?? null);
    if (d.acked) row.push(1);
    det[k] = row;
  }
  const fault: Record<string, Since> = {};
  for (const k of Object.keys(s.fault)) fault[k] = since(s.fault[k])!;
  const out: PackedEngine = { ...s, det, fault };
  for (const k of ["door", "powerLost", "battLow"] as const) {
    if (out[k]) out[k] = since(out[k]);
    else delete out[k];
  }
  return out;
}

export function unpackEngine(x: unknown): EngineState | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const p = x as PackedEngine;
  if (typeof p.det !== "object" || p.det === null || typeof p.fault !== "object" || p.fault === null) return undefined;
  const det: EngineState["det"] = {};
  for (const k of Object.keys(p.det)) {
    const row = p.det[k];
    if (!Array.isArray(row) || !isNum(row[0]) || !DET_PHASES[row[0]] || !isNum(row[1]) || !isNum(row[2])) return undefined;
    const d: EngineState["det"][string] = { ph: DET_PHASES[row[0]], ext: row[1], t0: row[2] };
    if (isNum(row[3])) d.tc = row[3];
    if (row[4] === 1) d.acked = true;
    det[k] = d;
  }
  return { ...p, det };
}

export function packTrip(s: TripState): PackedTrip {
  const probes = s.probes.map((a): ProbeRow => {
    const row: ProbeRow = [a.n, Math.round(a.w), Math.round(a.sum), sig10(a.mk), a.out.map(Math.round), a.min ?? null, a.max ?? null];
    if (row[5] !== null) row[5] = r4(row[5]);
    if (row[6] !== null) row[6] = r4(row[6]);
    if (a.last) row.push(a.last[0], r4(a.last[1]));
    return row;
  });
  return { ...s, phase: TRIP_PHASES.indexOf(s.phase), probes };
}

export function unpackTrip(x: unknown): TripState | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const p = x as PackedTrip;
  if (!isNum(p.phase) || !TRIP_PHASES[p.phase] || !Array.isArray(p.probes)) return undefined;
  const probes: TripState["probes"] = [];
  for (const row of p.probes) {
    if (!Array.isArray(row) || !row.slice(0, 4).every(isNum) || !Array.isArray(row[4]) || !row[4].every(isNum)) return undefined;
    const a: TripState["probes"][number] = { n: row[0], w: row[1], sum: row[2], mk: row[3], out: row[4].slice() };
    if (isNum(row[5])) a.min = row[5];
    if (isNum(row[6])) a.max = row[6];
    if (isNum(row[7]) && isNum(row[8])) a.last = [row[7], row[8]];
    probes.push(a);
  }
  return { ...p, phase: TRIP_PHASES[p.phase], probes };
}
