/**
 * When to search for a fix and for how long: pure functions of (now, config, history). The history is a small
 * JSON object the app keeps across deep sleep. Times are monotonic ms.
 *
 * - Learned time to fix per start kind (moving average), so a search starts early enough to land on schedule.
 * - Start kind from ephemeris age: last fix <= 2 h ago with backup kept = hot; <= 4 h = warm; older, or after a
 *   power loss (no backup) = cold. Old ephemeris buys extra on-time on top of the per-try cap.
 * - Capped exponential backoff after failed searches.
 */
import type { Config } from "../config/config";
import type { GnssFix } from "./gnss-fix";

export type StartKind = "hot" | "warm" | "cold";
export type FailReason = "cap" | "no-signal";

export interface FixHistory {
  /** Learned time to fix per start kind, ms. */
  ttf: { hot: number; warm: number; cold: number };
  lastFixAt?: number;
  /** Consecutive failed searches. */
  failures: number;
  lastFailAt?: number;
  /** The receiver lost its backup supply since the last fix: the next start is cold. */
  backupLost: boolean;
}

export interface SearchPlan {
  startAt: number;
  capMs: number;
  abortMs: number;
  start: StartKind;
}

export type FixOutcome =
  | { ok: true; at: number; start: StartKind; ttfMs: number }
  | { ok: false; at: number; reason: FailReason };

export type PolicyConfig = Pick<Config, "fix_cap_s" | "fix_abort_s" | "fix_backoff_s">;
export type AcceptConfig = Pick<Config, "fix_hdop_max" | "fix_min_sats" | "fix_settle">;

const HOUR = 3600000;
export const HOT_MAX_AGE_MS = 2 * HOUR;
export const WARM_MAX_AGE_MS = 4 * HOUR;
/** Weight of the newest time to fix in the moving average. */
const TTF_WEIGHT = 0.3;
const BACKOFF_BASE_MS = 60000;
/** Extra on-time per start kind: a warm or cold start must download ephemeris before it can fix. */
const EXTRA_MS: Readonly<Record<StartKind, number>> = Object.freeze({ hot: 0, warm: 30000, cold: 60000 });
/** Margin on the learned time to fix, so the fix is ready slightly before it is due. */
const EARLY_MARGIN = 1.2;

export function newHistory(): FixHistory {
  return { ttf: { hot: 6000, warm: 30000, cold: 45000 }, failures: 0, backupLost: true };
}

export function startKind(at: number, lastFixAt: number | undefined, backupLost: boolean): StartKind {
  if (backupLost || lastFixAt === undefined) return "cold";
  const age = at - lastFixAt;
  return age <= HOT_MAX_AGE_MS ? "hot" : age <= WARM_MAX_AGE_MS ? "warm" : "cold";
}

export function backoffMs(cfg: PolicyConfig, failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(cfg.fix_backoff_s * 1000, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
}

/**
 * Plans the next search for a fix wanted at `dueAt` (default: now). The start kind is judged at the start time,
 * and the start moves earlier by the learned time to fix for that kind, never before now or the backoff.
 */
export function planSearch(now: number, cfg: PolicyConfig, history: FixHistory, dueAt = now): SearchPlan {
  let start = startKind(dueAt, history.lastFixAt, history.backupLost);
  let startAt = dueAt - history.ttf[start] * EARLY_MARGIN;
  // Starting earlier can only make the ephemeris younger, so one re-check settles the kind.
  const early = startKind(Math.max(now, startAt), history.lastFixAt, history.backupLost);
  if (early !== start) {
    start = early;
    startAt = dueAt - history.ttf[start] * EARLY_MARGIN;
  }
  startAt = Math.max(now, Math.round(startAt));
  if (history.failures > 0 && history.lastFailAt !== undefined) {
    startAt = Math.max(startAt, history.lastFailAt + backoffMs(cfg, history.failures));
  }
  start = startKind(startAt, history.lastFixAt, history.backupLost);
  return { startAt, capMs: cfg.fix_cap_s * 1000 + EXTRA_MS[start], abortMs: cfg.fix_abort_s * 1000, start };
}

export function recordOutcome(history: FixHistory, outcome: FixOutcome): FixHistory {
  if (outcome.ok) {
    const ttf = { ...history.ttf };
    ttf[outcome.start] = Math.round(ttf[outcome.start] + TTF_WEIGHT * (outcome.ttfMs - ttf[outcome.start]));
    return { ttf, lastFixAt: outcome.at, failures: 0, backupLost: false };
  }
  return { ...history, ttf: { ...history.ttf }, failures: history.failures + 1, lastFailAt: outcome.at };
}

/** The app saw a power-on wake: the receiver's backup domain was lost with the supply. */
export function noteBackupLost(history: FixHistory): FixHistory {
  return { ...history, ttf: { ...history.ttf }, backupLost: true };
}

/** A fix good enough to report: 3D, HDOP within the limit, enough satellites. */
export function acceptable(fix: GnssFix, cfg: AcceptConfig): boolean {
  return (
    fix.mode === 3 &&
    fix.lat !== undefined &&
    fix.hdop !== undefined &&
    fix.hdop <= cfg.fix_hdop_max &&
    fix.satsUsed >= cfg.fix_min_sats
  );
}
