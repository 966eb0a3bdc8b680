/**
 * Clock fault campaigns: the device's RTC running 100 ppm fast or slow for three parked days, the receiver
 * reporting a wrong time with its fix for a while (a day ahead, an hour behind, a GPS week rollover 1024 weeks
 * behind), and wall time lost at every power cut of the fault-storm day (no network time to fall back on).
 *
 * Judged on what the platform received, against the true time each record was made (the simulator's clock):
 * no record stamped in the future or wrong by more than the RTC's drift since the clock was last set allows;
 * stamps in seq order never go backwards by more than that; the temperature log keeps its interval; nothing lost.
 *
 * Inputs: traces. Outputs: Figures.
 */
import { runEvents } from "./transcript-events";
import { type SimOptions, simulate } from "../simulation";
import type { Trace } from "../world/trace-types";
import { type Figures, Failures } from "./figures";
import type { Size } from "./power-cuts";

const H = 3600;
const WEEK_MS = 7 * 86_400_000;
/** What a stamp may be off by: the 2 s the firmware ignores, a second of epoch latency, and 100 ppm of drift since the clock was last set. */
const tolerance = (sinceSetS: number) => 3 + 1e-4 * sinceSetS;
/** A record may carry the moment its event happened (a door edge), written up to this long after it. */
const EVENT_SLACK_S = 60;

interface Variant {
  name: string;
  trace: string;
  opts: SimOptions;
}

export function clockVariants(size: Size): Variant[] {
  const all: Variant[] = [
    { name: "RTC 100 ppm fast", trace: "tianjin-port-parked-72h", opts: { rtcPpm: 100 } },
    { name: "RTC 100 ppm slow", trace: "tianjin-port-parked-72h", opts: { rtcPpm: -100 } },
    { name: "GNSS time a day ahead for 2 h", trace: "beijing-tianjin-reefer", opts: { gnssTimeFaults: [{ from: 6 * H, to: 8 * H, offsetMs: 86_400_000 }] } },
    { name: "GNSS time an hour behind for 2 h", trace: "beijing-tianjin-reefer", opts: { gnssTimeFaults: [{ from: 2 * H, to: 4 * H, offsetMs: -H * 1000 }] } },
    { name: "GNSS week rollover for 4 h", trace: "beijing-tianjin-reefer", opts: { gnssTimeFaults: [{ from: 12 * H, to: 16 * H, offsetMs: -1024 * WEEK_MS }] } },
    { name: "wall time lost at 144 power cuts", trace: "fault-storm", opts: {} },
  ];
  return size === "full" ? all : all.filter((_, i) => i !== 1);
}

export function clockCampaign(v: Variant, trace: Trace): Figures {
  const fail = new Failures();
  const r = simulate(trace, v.opts);
  const s = r.summary;
  const madeAt = new Map<number, number>(); // seq -> true time made, s
  const setAt: number[] = []; // true times the wall clock was set, s
  let refused = 0;
  for (const { t, name, f } of runEvents(r.transcript)) {
    if (name === "record" && Number(f.seq) > 0) madeAt.set(Number(f.seq), t);
    if (name === "wall-time") setAt.push(t);
    if (name === "wall-time-refused") refused++;
  }
  let worstFuture = 0;
  let worstError = 0;
  let unknown = 0;
  let inversions = 0;
  let prev: { seq: number; utc: number } | undefined;
  for (const { rec } of r.server.records()) {
    const made = madeAt.get(rec.seq);
    if (made === undefined) continue;
    if (rec.utc === 0) {
      unknown++;
      continue;
    }
    const lastSet = Math.max(0, ...setAt.filter((x) => x <= made));
    const err = (rec.utc - (trace.startUtcMs + made * 1000)) / 1000;
    const tol = tolerance(made - lastSet);
    if (err > worstFuture) worstFuture = err;
    if (Math.abs(err) > Math.abs(worstError)) worstError = err;
    if (err > tol) fail.add(`${rec.kind} seq ${rec.seq} stamped ${err.toFixed(1)} s in the future`);
    else if (-err > tol + EVENT_SLACK_S) fail.add(`${rec.kind} seq ${rec.seq} stamped ${(-err).toFixed(1)} s in the past`);
    if (prev && rec.utc < prev.utc - tol * 1000) {
      inversions++;
      fail.add(`seq ${rec.seq} stamped ${((prev.utc - rec.utc) / 1000).toFixed(1)} s before seq ${prev.seq}`);
    }
    prev = { seq: rec.seq, utc: rec.utc };
  }
  // the GSP interval, slow by the RTC's error at most; a power cut (the device off) may stretch one gap by its length
  const longestCut = Math.max(0, ...trace.faults.filter((f) => f.kind === "power-cut").map((f) => f.for));
  const gapBound = 300 * (1 + 1e-4) + 1 + longestCut;
  if (s.max_temp_gap_s > gapBound) fail.add(`temperature gap ${s.max_temp_gap_s} s`);
  if (s.records_lost > 0) fail.add(`${s.records_lost} records lost`);
  if (s.crashes + s.firmware_faults > 0) fail.add(`${s.crashes} crashes, ${s.firmware_faults} firmware faults`);
  return {
    campaign: `clock: ${v.name}`,
    counts: {
      records: s.records_delivered,
      stamp_unknown: unknown,
      worst_future_s: Math.round(worstFuture * 10) / 10,
      worst_error_s: Math.round(worstError * 10) / 10,
      order_inversions: inversions,
      gnss_times_refused: refused,
      max_temp_gap_s: s.max_temp_gap_s,
      lost: s.records_lost,
    },
    failures: fail.done(),
  };
}
