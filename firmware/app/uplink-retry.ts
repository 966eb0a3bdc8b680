/**
 * When the uplink tries again after a failed session, and how long the modem may search for a network then.
 *
 * A search costs attach current (tens of mA) for as long as the link waits for registration, so in a coverage
 * gap every attempt is the expensive part of the day. The policy:
 *  - after a failure, routine records wait; the next attempt comes after a backoff that doubles with every failure
 *    in a row (RETRY_FIRST_MS, 2×, 4× ... up to RETRY_MAX_MS, or up to the parked report interval while parked
 *    on battery: a trailer in a long gap need not look for the network more often than it reports). Alarms still
 *    go at once (the caller decides that), and the short-message fallback covers them in a gap;
 *  - any wake in the last quarter of the backoff carries the attempt (the boot is paid already; while moving, a
 *    position report due later in that quarter carries it instead, with the report in the same session), and a duty's
 *    wake soon after the backoff's end carries it instead of a wake of its own — except parked on battery after a
 *    missing network: there the attempt waits the whole backoff. Each such attempt is a search at attach current
 *    (~0.5 mAh) against a boot saved (about 1 µAh), and a quarter off every backoff of a long parked gap adds a
 *    search in four; a moving truck keeps the early window, its gaps are short and its data watched live;
 *  - a no-coverage retry never comes sooner than the unit's report interval (or heartbeat, when shorter):
 *    standing where the search failed (parked, stopped), only the network can bring coverage back, and searching
 *    more often than the unit reports finds it no sooner than the platform expects to hear; a moving truck keeps
 *    the doubling backoff;
 *  - parked on battery, no-coverage retries double from that report interval on, up to PARKED_GAP_REPORTS parked
 *    intervals (at most RETRY_PARKED_MAX_MS): a truck standing in a dead spot finds the network no sooner by
 *    probing every report, each probe is a search at attach current, and the short message carries its alarms
 *    (and a daily position) meanwhile. The cost: the backlog may land up to that long after the network is back;
 *  - a search waits for registration twice as long as attaches have lately taken here (the link learns it,
 *    LinkSnapshot.attachMs), at least REGISTER_MIN_MS; before anything was learned, REGISTER_SHORT_MS after a
 *    no-coverage failure (an attach in deep coverage, CE2) and the link's full wait otherwise. Every
 *    REGISTER_FULL_EVERY-th no-coverage attempt in a row waits the full time, so a network slower than what was
 *    learned is still found;
 *  - the attempt never comes after the short message a stale position would send (rdss-memory.ts): uplink runs
 *    before the short message in a wake, a search costs a third of a message, and a delivery makes it moot;
 *  - every no-coverage failure marks the place (coverage-holes.ts) and the gap (cut-memory.ts: after a power cut
 *    in a gap, the attach time learned before it still bounds the next search).
 *
 * State (app.mod("uplink-retry"), small JSON): streak of failed sessions, when the backoff window opens and ends,
 * whether the last failure was a missing network.
 */
import type { LinkSnapshot } from "../modem/link-types";
import { DEFAULT_TIMINGS } from "../modem/link-types";
import { reportIntervalMs } from "../gnss/report-schedule";
import type { MotionState } from "../gnss/motion";
import type { App } from "./app";
import { markHole } from "./coverage-holes";
import { attachInGap, rememberGap } from "./cut-memory";
import { SHARE_MS } from "./duty";
import { stalePositionAt } from "./rdss-memory";

export const RETRY_FIRST_MS = 10 * 60_000;
export const RETRY_MAX_MS = 2 * 3600_000;
/** Parked on battery in a gap, the backoff may grow to this many parked report intervals... */
export const PARKED_GAP_REPORTS = 4;
/** ...but no longer than a day. */
export const RETRY_PARKED_MAX_MS = 24 * 3600_000;
/** Registration wait while the network was recently missing: an attach in CE2 takes ~40 s, plus modem boot. */
export const REGISTER_SHORT_MS = 60_000;
export const REGISTER_FULL_EVERY = 4;
/** A search waits this many times the slowest recent attach. */
export const ATTACH_MARGIN = 2;
/**
 * The least registration wait however fast attaches have been: the same margin on POWER.md's 10 s attach. A
 * network slower than that (CE2 takes ~40 s) is found by the periodic full wait (REGISTER_FULL_EVERY).
 */
export const REGISTER_MIN_MS = ATTACH_MARGIN * 10_000;

const MOD = "uplink-retry";

export interface RetryState {
  streak: number; // failed sessions in a row
  from: number; // monotonic ms: a wake from here on carries the attempt
  at: number; // monotonic ms: the attempt's own wake, unless another wake carries it
  noCoverage: boolean; // the last failure found no network
}

function isState(x: unknown): x is RetryState {
  const s = x as RetryState;
  return typeof s === "object" && s !== null && typeof s.streak === "number" && typeof s.from === "number" && typeof s.at === "number";
}

export function retryState(app: App): RetryState | undefined {
  const s = app.mod<unknown>(MOD);
  return isState(s) && s.streak > 0 ? s : undefined;
}

export function backoffMs(streak: number, capMs = RETRY_MAX_MS): number {
  let ms = RETRY_FIRST_MS;
  for (let i = 1; i < streak && ms < capMs; i++) ms *= 2;
  return Math.min(ms, capMs);
}

function parkedOnBattery(app: App): boolean {
  return app.mod<{ kind?: string }>("motion")?.kind === "parked" && !app.state.external;
}

/**
 * The longest backoff now: longer while parked on battery, where reports are hours apart anyway, and longer still
 * when the network is missing there.
 */
export function backoffCapMs(app: App, noCoverage = false): number {
  if (!parkedOnBattery(app)) return RETRY_MAX_MS;
  const parked = app.config.rep_parked_s * 1000;
  const gap = noCoverage ? Math.min(RETRY_PARKED_MAX_MS, PARKED_GAP_REPORTS * parked) : parked;
  return Math.max(RETRY_MAX_MS, gap);
}

/** A session delivered everything it had: the next failure starts a fresh backoff. */
export function noteSuccess(app: App): void {
  app.saveMod(MOD, undefined);
  rememberGap(app, false);
}

/**
 * How often the platform expects to hear from the unit now: the report interval of its motion state, or the
 * heartbeat when that is shorter. A retry need not come sooner (0 before any motion is known).
 */
export function reportFloorMs(app: App): number {
  const m = app.mod<MotionState>("motion");
  if (!m || typeof m.kind !== "string") return 0;
  const report = reportIntervalMs(app.config, m, app.state.external);
  return app.config.heartbeat_s > 0 ? Math.min(report, app.config.heartbeat_s * 1000) : report;
}

/** A session failed: schedules the next attempt. */
export function noteFailure(app: App, noCoverage: boolean): RetryState {
  const now = app.now();
  const streak = (retryState(app)?.streak ?? 0) + 1;
  const cap = backoffCapMs(app, noCoverage);
  let least = noCoverage ? reportFloorMs(app) : 0;
  const parkedGap = noCoverage && parkedOnBattery(app);
  if (parkedGap) least *= 2 ** Math.min(streak - 1, 10);
  const b = Math.min(cap, Math.max(backoffMs(streak, cap), least));
  if (noCoverage) {
    markHole(app);
    rememberGap(app, true);
  }
  // Not after the short message that a stale position would send: the search comes first, in the same wake
  // (one already due and not sent, held by the card's interval, beams or the energy cap, changes nothing).
  const stale = stalePositionAt(app);
  const at = stale > now ? Math.min(now + b, Math.max(now + RETRY_FIRST_MS, stale)) : now + b;
  const s: RetryState = { streak, from: parkedGap ? at : Math.min(now + (b * 3) / 4, at), at, noCoverage };
  app.saveMod(MOD, s);
  return s;
}

/**
 * Whether a routine session may run in this wake: no failure pending, or its window is open — and, while moving,
 * no position report falls due later in the window. That report's wake carries the attempt then: its session
 * sends the backlog with the report, where an attempt in an earlier wake (a temperature record) makes a session
 * of its own and the report another one a minute later. Standing (stopped, parked) the window stays as it was:
 * there a later attempt shifts the doubling backoff of a long gap (the position report updates the motion first),
 * and the backlog could land hours later after the network is back.
 */
export function mayTry(app: App): boolean {
  const s = retryState(app);
  if (s === undefined) return true;
  const now = app.now();
  if (now < s.from) return false;
  if (app.mod<MotionState>("motion")?.kind !== "moving") return true;
  const report = app.due("position");
  return !(report > now + SHARE_MS && report <= s.at);
}

/**
 * The attempt's own wake: the backoff's end, unless another duty has booked a wake in the carrying window (that
 * one carries it) or within a quarter backoff after its end (the attempt waits for it).
 */
export function retryWake(app: App, s: RetryState): number {
  const span = s.at - s.from;
  let later = Infinity;
  for (const name of Object.keys(app.state.due)) {
    if (name === "uplink") continue;
    const d = app.state.due[name];
    if (typeof d !== "number" || d < s.from || d > s.at + span) continue;
    // Inside the window: that wake comes first and carries the attempt.
    if (d <= s.at) return s.at;
    later = Math.min(later, d);
  }
  return later < Infinity ? later : s.at;
}

/** The registration wait for this attempt (undefined: the link's default). */
export function registerWaitMs(app: App): number | undefined {
  const s = retryState(app);
  const gap = !!s && s.noCoverage;
  if (gap && s!.streak % REGISTER_FULL_EVERY === 0) return undefined;
  // After a power cut in a coverage gap the link starts blank: the attach time learned before it still bounds a
  // search there (cut-memory.ts).
  const learned = app.mod<LinkSnapshot>("link")?.attachMs ?? attachInGap(app);
  if (typeof learned === "number" && learned >= 0) {
    return Math.min(DEFAULT_TIMINGS.registerMs, Math.max(REGISTER_MIN_MS, ATTACH_MARGIN * learned));
  }
  return gap ? REGISTER_SHORT_MS : undefined;
}
