/**
 * The position duty's memory and arithmetic. Everything it knows between wakes is in five module snapshots in
 * retained state; dueAt() and run() both derive the plan from them, so nothing lives in RAM across a deep sleep.
 */
import { newHistory, planSearch, type FixHistory, type SearchPlan } from "../gnss/fix-policy";
import type { GnssFix } from "../gnss/gnss-fix";
import type { GnssSnapshot, RunningSearch } from "../gnss/gnss-snapshot";
import { MOVING_SPEED, newMotion, type MotionState } from "../gnss/motion";
import type { LastReport } from "../gnss/report-schedule";
import type { FixSummary } from "../store/track-record";
import type { TimeMemo } from "../gnss/time-check";
import type { App } from "./app";

/** The duty's own bookkeeping (the other four snapshots belong to the GNSS modules). */
export interface PositionMemo {
  /** The report time the duty planned; app.due("position") earlier than this means another duty forced one. */
  next?: number;
  /** Wake to carry on the search in progress (the receiver acquires while the MCU sleeps). */
  resumeAt?: number;
  /** Bytes came from the receiver during the search in progress: the module is alive. */
  heard?: boolean;
  /** `next` is a fix for the platform areas' sake, ahead of the regular report due at `report`. */
  check?: boolean;
  report?: number;
  /** That check needs no fix (a dwell falling due while the engine is off): judge the last one. */
  noFix?: boolean;
  /** Area checks in a row that found the truck standing (each doubles the wait for the next). */
  idle?: number;
  /** What the wall clock's setting from receiver times remembers (gnss/time-check.ts). */
  time?: TimeMemo;
}

export interface PositionMods {
  gnss?: GnssSnapshot;
  history: FixHistory;
  motion: MotionState;
  last?: LastReport;
  memo: PositionMemo;
}

/** Snapshot names in app.state.mods. */
export const MOD = Object.freeze({
  gnss: "gnss",
  history: "fixHistory",
  motion: "motion",
  last: "lastReport",
  memo: "position",
} as const);

function obj<T>(v: unknown): T | undefined {
  return typeof v === "object" && v !== null ? (v as T) : undefined;
}

export function loadMods(app: App): PositionMods {
  return {
    gnss: obj<GnssSnapshot>(app.mod(MOD.gnss)),
    history: obj<FixHistory>(app.mod(MOD.history)) ?? newHistory(),
    motion: obj<MotionState>(app.mod(MOD.motion)) ?? newMotion(app.now(), app.state.acc),
    last: obj<LastReport>(app.mod(MOD.last)),
    memo: obj<PositionMemo>(app.mod(MOD.memo)) ?? {},
  };
}

export function storeMods(app: App, m: PositionMods): void {
  if (m.gnss) app.saveMod(MOD.gnss, m.gnss);
  app.saveMod(MOD.history, m.history);
  app.saveMod(MOD.motion, m.motion);
  if (m.last) app.saveMod(MOD.last, m.last);
  app.saveMod(MOD.memo, m.memo);
}

export interface ReportPlan {
  /** When the next report is due (monotonic ms). */
  reportAt: number;
  /** Another duty asked for a report now (or there is no schedule yet): search at once, whatever the backoff. */
  forced: boolean;
  /** The report reuses the last fix: the truck is parked where it was taken (holdsFix). */
  hold: boolean;
  /** The search that serves it. Its startAt may lie after reportAt while failed searches back off. */
  search: SearchPlan;
}

export function planReport(app: App, m: PositionMods): ReportPlan {
  const now = app.now();
  const due = app.due("position");
  const planned = m.memo.next;
  const forced = planned === undefined || due < planned;
  const reportAt = Math.min(due, planned ?? now);
  const history = forced ? { ...m.history, failures: 0 } : m.history;
  const search = planSearch(now, app.config, history, Math.max(now, reportAt));
  // A receiver kept tracking has its fix one epoch after asking: no early start.
  if (m.gnss?.power === "on") search.startAt = Math.max(search.startAt, reportAt);
  const hold = holdsFix(app, m, Math.max(now, reportAt));
  // A dwell check with the engine off, or a report of a parked truck, uses the last fix: no early start for a
  // search that will not happen.
  if ((m.memo.noFix && !forced) || hold) search.startAt = Math.max(search.startAt, reportAt);
  return { reportAt, forced, search, hold };
}

/**
 * Whether a report at `at` reuses the last fix instead of searching: the ignition has been off for longer than
 * park_after_s, the last fix was taken after it went off and showed the truck standing, and it is younger than
 * parked_fix_s. A truck does not drive with its engine off, so the position that fix gave is still the truck's;
 * every record carries its age (vendor item), and a fresh fix comes once per parked_fix_s to see that the truck
 * was not towed or loaded onto a ferry. The ignition coming on, a power cut (the retained fix is gone) and a
 * failed last search (the history no longer holds its time) all end the hold.
 */
export function holdsFix(app: App, m: PositionMods, at: number): boolean {
  const limit = app.config.parked_fix_s * 1000;
  const s = app.state;
  const fixAt = m.history.lastFixAt;
  if (limit <= 0 || s.acc || !s.lastFix || fixAt === undefined || m.history.failures > 0) return false;
  if (fixAt <= s.accOffAt || at - s.accOffAt <= app.config.park_after_s * 1000) return false;
  return at - fixAt < limit && s.lastFix.speedKmh < MOVING_SPEED * 3.6;
}

/** When the duty next needs the MCU. */
export function positionWakeAt(app: App, m: PositionMods): number {
  const g = m.gnss;
  if (g?.search) return m.memo.resumeAt ?? app.now();
  const p = planReport(app, m);
  let at = Math.min(p.search.startAt, p.reportAt);
  // A receiver that leaves standby by itself while nobody needs it must not burn 35 mA until the next wake.
  if (g && (g.power === "standby" || g.power === "backup") && g.wakeAt !== undefined) at = Math.min(at, g.wakeAt);
  // Left tracking for truck power, and the truck power is gone: rest it now.
  if (g && g.power === "on" && !app.ports.power.externalPower()) at = Math.min(at, app.now());
  return at;
}

/** Below this a nap costs more than it saves (a boot is 0.15 s at 30 mA; awake idle with NMEA parsing ~1.8 mA). */
export const NAP_MIN_MS = 3000;

/**
 * Resume well before the learned time to fix: the receiver's 35 mA dwarfs the MCU's idle 1.5 mA, so a second of
 * receiver left tracking after an unseen fix costs as much as 23 s of the MCU waiting awake. A fix seen coming,
 * rather than found already there, is also what keeps the learned time honest (see PositionSession.fixed).
 */
export const RESUME_FRACTION = 0.6;

/**
 * Where a search in progress next needs the MCU: well before the predicted fix, or the no-signal check when it
 * comes first. "now" means stay awake: the fix is about due or the receiver is judging the sky. Never beyond the
 * cap. A hot start is never napped through: it fixes within seconds (POWER.md: 1 s datasheet, 5-10 s measured),
 * less than the nap break-even, and a learned time inflated by a stretch of urban sky would otherwise sleep
 * through every quick fix that follows it with the receiver on.
 */
export function checkpoint(now: number, sr: RunningSearch, ttf: FixHistory["ttf"]): number {
  if (sr.start === "hot") return now;
  if (!sr.abortChecked && sr.abortAt <= now) return now;
  const predicted = sr.startedAt + Math.round(ttf[sr.start] * RESUME_FRACTION);
  if (predicted <= now) return now;
  let at = predicted;
  if (!sr.abortChecked) at = Math.min(at, sr.abortAt);
  return Math.min(at, sr.capAt);
}

export function fixSummary(f: GnssFix, wallUtc: number): FixSummary | undefined {
  if (f.lat === undefined || f.lon === undefined) return undefined;
  return {
    lat: f.lat,
    lon: f.lon,
    alt: Math.round(f.altMSL ?? 0),
    speedKmh: (f.speed ?? 0) * 3.6,
    course: f.course ?? 0,
    sats: f.satsUsed,
    gps: f.usedBySystem.gps > 0,
    bds: f.bdsUsed > 0 || f.usedBySystem.bds > 0,
    utc: f.utcMs ?? wallUtc,
  };
}
