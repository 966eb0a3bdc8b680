/**
 * When the next temperature record is due. Pure functions of a small state, the configuration and the time.
 *
 * Normal: every temp_log_s (GSP transport rule: at most 300 s; storage allows 1800 s).
 * During an excursion (any band pending, raised or clearing — a value outside its band, even before the alarm
 * delay has run): every f = min(temp_fast_s, temp_log_s), so the evidence around the alarm is dense.
 * After it clears, a staircase back down, in the manner of battery loggers that report "every 10 min for 1 h,
 * then hourly for 5 h" after an excursion (Controlant and similar):
 *   0 ≤ e < F        : f                         (F = temp_fast_for_s, e = time since the excursion ended)
 *   k·F ≤ e < (k+1)·F: min(temp_log_s, f·2^k)    (k = 1, 2, …)
 *   With the defaults (f 60 s, F 1 h, temp_log_s 300 s): 60 s for 1 h, 120 s for 1 h, 240 s for 1 h, then 300 s.
 *   F = 0 returns straight to temp_log_s.
 * A new excursion during the decay restarts at f. The gap after a record is the shorter of the interval in force
 * at that record and the one in force now, so an excursion that starts mid-gap brings the next record forward.
 *
 * Supply cuts: no record can be taken while the supply is gone, and the first one after it comes a boot and a
 * conversion after the supply returns. A cut that covers a record's due time therefore stretches that gap by the
 * cut's length, whatever the log's phase. A supply that dropped under a running unit tends to drop again (a loose
 * connector, the cranking dip at each engine start), so for CUT_WATCH_MS after such a power-on every gap is
 * shortened so that it plus CUT_MARGIN_MS fits in temp_log_s: a cut of up to CUT_MARGIN_MS minus the post-boot
 * record's latency (≈ 2 s) then keeps the gap within temp_log_s wherever it falls. Outside that window nothing
 * changes (the power-on at installation finds an empty log).
 */
import type { Millis } from "../../hal/ports";

export interface LogConfig {
  temp_log_s: number;
  temp_fast_s: number;
  temp_fast_for_s: number;
}

export interface LogState {
  last?: Millis; // time of the last temperature record
  excursion: boolean;
  clearedAt?: Millis; // end of the last excursion
  cutAt?: Millis; // a power-on that found the log running (the supply dropped under it)
}

/** Slack kept in every gap after a supply cut: cuts up to about this long (less the post-boot record's ~2 s). */
export const CUT_MARGIN_MS = 30_000;
/** How long after a supply cut the slack is kept (a new cut in it starts the window again). */
export const CUT_WATCH_MS = 3_600_000;

/** Notes a power-on that found records in the log: the supply was cut under a running unit at about t. */
export function logSupplyCut(s: LogState, t: Millis): LogState {
  return { ...s, cutAt: t };
}

export function emptyLogState(): LogState {
  return { excursion: false };
}

/** Notes whether an excursion is in progress at t (call after each alarm-engine step). */
export function logObserve(s: LogState, t: Millis, excursion: boolean): LogState {
  if (excursion) return withCut({ last: s.last, excursion: true }, s);
  if (s.excursion) return withCut({ last: s.last, excursion: false, clearedAt: t }, s);
  return s;
}

/** Notes that a temperature record was written at t. */
export function logRecorded(s: LogState, t: Millis): LogState {
  const out: LogState = { last: t, excursion: s.excursion };
  if (s.clearedAt !== undefined) out.clearedAt = s.clearedAt;
  return withCut(out, s);
}

function withCut(out: LogState, s: LogState): LogState {
  if (s.cutAt !== undefined) out.cutAt = s.cutAt;
  return out;
}

/**
 * The slack kept in the gap after a record taken at `last` (see the header: supply cuts): just enough that the gap
 * plus a cut of CUT_MARGIN_MS stays within temp_log_s. The fast log of an excursion (60 s) needs none.
 */
function cutMargin(s: LogState, cfg: LogConfig, last: Millis, gapMs: number): number {
  if (s.cutAt === undefined || last - s.cutAt >= CUT_WATCH_MS) return 0;
  return Math.min(CUT_MARGIN_MS, Math.max(0, gapMs + CUT_MARGIN_MS - cfg.temp_log_s * 1000));
}

/** The record interval in force at t, in seconds. */
export function logInterval(s: LogState, cfg: LogConfig, t: Millis): number {
  const fast = Math.min(cfg.temp_fast_s, cfg.temp_log_s);
  if (s.excursion) return fast;
  if (s.clearedAt === undefined || t < s.clearedAt) return cfg.temp_log_s;
  const F = cfg.temp_fast_for_s * 1000;
  if (F <= 0) return cfg.temp_log_s;
  const k = Math.floor((t - s.clearedAt) / F);
  // 2^k overflows nothing: past the cap the answer is temp_log_s anyway.
  return k >= 31 ? cfg.temp_log_s : Math.min(cfg.temp_log_s, fast * 2 ** k);
}

/** When the next temperature record is due: never before `now`, and now when none was written yet. */
export function nextRecordAt(s: LogState, cfg: LogConfig, now: Millis): Millis {
  if (s.last === undefined) return now;
  const gap = Math.min(logInterval(s, cfg, s.last), logInterval(s, cfg, now)) * 1000;
  return Math.max(now, s.last + gap - cutMargin(s, cfg, s.last, gap));
}

/**
 * A position report the tracker will wake for anyway: its time, how long after the previous report it comes, and
 * (when known) the earliest time a record shares the report's wake (its search starts early by the time to fix).
 */
export interface ReportHint {
  at: Millis;
  periodMs: number;
  wakeAt?: Millis;
}

/**
 * The next record brought forward to a report wake, so both share one boot: when the report falls inside the
 * current gap and comes at most once per gap (its period is at least the gap), the record is taken with it. An
 * early record only shortens the gap, and the log's grid then follows the report's: with report intervals that
 * are multiples of the log interval (300 s moving, 1800 s stopped, 14,400 s parked against 300 s) every later
 * report lands on a record time and the record costs no boot of its own. Reports more frequent than records (on
 * truck power, by distance) are never followed: that would multiply the records.
 */
export function alignedRecordAt(s: LogState, cfg: LogConfig, now: Millis, report?: ReportHint): Millis {
  const due = nextRecordAt(s, cfg, now);
  if (!report || s.last === undefined || !(report.at < due)) return due;
  // A record already in the report's wake (the search starts early by the time to fix): another one for the
  // same report would only add a record. One in a wake of its own just before is no reason: left there, every
  // later record keeps its own boot a few seconds before every report.
  if (s.last >= (report.wakeAt ?? report.at - ALIGN_MIN_MS)) return due;
  if (report.periodMs < due - s.last) return due;
  return Math.max(now, report.at);
}

/**
 * See alignedRecordAt, for a report whose wake time is not known: longer than a report wake's lead on its report
 * time for a hot start (about 7 s).
 */
export const ALIGN_MIN_MS = 30_000;

/** The staircase after an excursion as [seconds after it cleared, interval s] steps, for reports and checks. */
export function decaySteps(cfg: LogConfig): [number, number][] {
  const s: LogState = { excursion: false, clearedAt: 0 };
  const out: [number, number][] = [];
  const F = cfg.temp_fast_for_s;
  for (let k = 0; k < 32; k++) {
    const at = k * F;
    const iv = logInterval(s, cfg, at * 1000);
    if (out.length === 0 || out[out.length - 1][1] !== iv) out.push([at, iv]);
    if (iv >= cfg.temp_log_s || F === 0) break;
  }
  return out;
}
