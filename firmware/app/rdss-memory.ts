/**
 * What the short-message duty remembers across deep sleep (app.mod("rdss")) and how it turns that, the NB-IoT
 * link health and the record log into one fallback-policy question. dueAt() and run() ask the same question
 * (gate()), so a wake the duty asks for is a wake in which it acts.
 */
import { REPORT_AUTH_BITS } from "../rdss/short-message-auth";
import type { CardInfo } from "../rdss/card-limits";
import {
  decide,
  LEDGER_RANGES,
  ledgerToday,
  newLedger,
  noteOldestPending,
  RDSS_MESSAGE_J,
  RDSS_STANDBY_W,
  type PolicyDecision,
  type PolicyInput,
  type RdssLedger,
} from "../rdss/fallback-policy";
import type { RdssSnapshot } from "../rdss/rdss-driver";
import { checkRanges, countSeqs } from "../rdss/seq-ranges";
import type { TrackRecord } from "../store/track-record";
import type { App } from "./app";
import type { LinkHealth } from "./duty";
import type { MotionState } from "../gnss/motion";
import { loadDurable, storeDurable } from "./rdss-durable";

export const RDSS_MOD = "rdss";

/** After a try that failed without a retry time (no card, refused, no feedback), leave the module off this long. */
export const HOLD_MS = 15 * 60_000;
/** The least powered time worth a try (boot, card, burst, feedback); the cap keeps this much in reserve. */
export const MIN_TRY_MS = 5000;
/**
 * A parked unit that has not moved since the position the platform has: that position is not stale however old,
 * so a short message goes for it only once a day (proof of life with the latest records); alarms go at once.
 */
export const PARKED_STALE_MS = 86_400_000;
/** Records offered to the policy per question, besides those already sent by short message. */
export const PEEK_MAX = 128;

export interface RdssMemory {
  drv: RdssSnapshot; // the driver's: card, last and next allowed send
  ledger: RdssLedger; // today's energy and the seqs sent by short message
  beams?: { usable: number; atMs: number; misses?: number }; // what the module saw on its last try (misses: tries in a row with no beam)
  holdUntil?: number; // monotonic ms; set after a try that failed without a retry time
  posAt?: number; // creation time of the newest record sent by short message (each carries the last known fix)
  cmds: { applied: number; rejected: number }; // text commands from the centre
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;

function card(x: unknown): CardInfo | undefined {
  if (!isObj(x)) return undefined;
  const ok =
    typeof x.id === "string" &&
    isNum(x.intervalS) &&
    isNum(x.level) &&
    isNum(x.capacityBits) &&
    (x.version === "2.1" || x.version === "4.0");
  return ok ? { id: x.id as string, intervalS: x.intervalS as number, level: x.level as number, capacityBits: x.capacityBits as number, version: x.version as CardInfo["version"] } : undefined;
}

const optNum = (x: unknown): number | undefined => (isNum(x) ? x : undefined);

/**
 * The saved memory, checked field by field: RTC memory may hold an older firmware's shape, and a field that
 * does not check out is forgotten rather than trusted (forgetting costs at most one card read). With RTC memory
 * empty (a power cut), the energy, the seqs sent, the card's send times and the newest position sent come from
 * NVS (rdss-durable.ts); the card is read again, the beams and any hold are forgotten.
 */
export function loadMemory(app: App): RdssMemory {
  const m = app.mod<unknown>(RDSS_MOD);
  if (m === undefined) {
    const d = loadDurable(app.ports.settings, app.now());
    if (d) return { drv: strip({ lastSendMs: d.lastSendMs, nextSendMs: d.nextSendMs }), ledger: d.ledger, posAt: d.posAt, cmds: { applied: 0, rejected: 0 } };
  }
  const o = isObj(m) ? m : {};
  const d = isObj(o.drv) ? o.drv : {};
  const l = isObj(o.ledger) ? o.ledger : {};
  const b = isObj(o.beams) ? o.beams : undefined;
  const c = isObj(o.cmds) ? o.cmds : {};
  return {
    drv: { card: card(d.card), lastSendMs: optNum(d.lastSendMs), nextSendMs: optNum(d.nextSendMs) },
    ledger: isNum(l.day) && isNum(l.usedJ) ? { day: l.day, usedJ: l.usedJ, sent: checkRanges(l.sent, LEDGER_RANGES) } : newLedger(),
    beams: b && isNum(b.usable) && isNum(b.atMs) ? { usable: b.usable, atMs: b.atMs, ...(isNum(b.misses) ? { misses: b.misses } : {}) } : undefined,
    holdUntil: optNum(o.holdUntil),
    posAt: optNum(o.posAt),
    cmds: { applied: optNum(c.applied) ?? 0, rejected: optNum(c.rejected) ?? 0 },
  };
}

/** Saves without undefined fields and with energy in 0.1 J (rounded up), so the retained JSON stays small. */
export function saveMemory(app: App, m: RdssMemory): void {
  const ledger: RdssLedger = { day: m.ledger.day, usedJ: Math.ceil(m.ledger.usedJ * 10 - 1e-9) / 10, sent: m.ledger.sent };
  const out: Record<string, unknown> = { drv: strip(m.drv), ledger, cmds: m.cmds };
  if (m.beams) out.beams = m.beams;
  if (m.holdUntil !== undefined) out.holdUntil = m.holdUntil;
  if (m.posAt !== undefined) out.posAt = m.posAt;
  app.saveMod(RDSS_MOD, out);
}

/**
 * Keeps what must outlive a power cut in NVS (written only when it changed). `aheadMs`: the module is about to be
 * powered until then, so what that may cost is counted now (a message and standby, the card's interval after a
 * send at the last moment); the try's end stores what it really cost.
 */
export function persistMemory(app: App, m: RdssMemory, aheadMs?: number): void {
  const now = app.now();
  let ledger = ledgerToday(m.ledger, now);
  let next = m.drv.nextSendMs;
  if (aheadMs !== undefined) {
    ledger = { day: ledger.day, usedJ: ledger.usedJ + RDSS_MESSAGE_J + (RDSS_STANDBY_W * Math.max(0, aheadMs - now)) / 1000, sent: ledger.sent };
    if (m.drv.card) next = Math.max(next ?? -Infinity, aheadMs + m.drv.card.intervalS * 1000);
  }
  storeDurable(app.ports.settings, { ledger, lastSendMs: m.drv.lastSendMs, nextSendMs: next, posAt: m.posAt }, now);
}

function strip<T extends object>(o: T): T {
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(o)) if ((o as Record<string, unknown>)[k] !== undefined) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}

/**
 * Forgets seqs the server acknowledged over NB-IoT (no longer in the log). Seqs only grow, so everything older
 * than the oldest undelivered record is gone; one acked out of order stays until the ledger forgets it, which
 * only means it is not offered to the policy, and it is not in the log anyway.
 */
export function pruneLedger(app: App, l: RdssLedger): RdssLedger {
  if (l.sent.length === 0) return l;
  const oldest = app.records.oldestSeq() ?? Infinity;
  return oldest === Infinity ? { day: l.day, usedJ: l.usedJ, sent: [] } : noteOldestPending(l, oldest);
}

/**
 * The records the policy chooses from: alarms first (none skipped), then door and trip events, then the rest
 * newest first, PEEK_MAX of them past those already sent by short message (the log reads those too: it has no way
 * to skip them, so the cost grows with what went by short message and is still unacknowledged, only while NB-IoT
 * fails). Newest first, because a message carries the position now and what fits after it: the oldest of a long
 * gap's backlog would give the platform a position hours old, and leave it stale for the next message.
 * `eventsOnly`: alarms, door and trip events alone, the records that decide whether a message is due (the policy
 * reads the routine ones only to fill a message that goes anyway); the routine records are not read nor decrypted.
 */
export function undelivered(app: App, l: RdssLedger, eventsOnly = false): TrackRecord[] {
  const pending = app.records.pending();
  return pending === 0 ? [] : app.records.peekPriority(Math.min(pending, PEEK_MAX + countSeqs(l.sent)), eventsOnly ? 1 : 2, true);
}

/** The NB-IoT side as the policy sees it; no health record (after a power loss) reads as "working". */
export function nbiotView(app: App): PolicyInput["nbiot"] {
  const h = app.mod<LinkHealth>("nbiot");
  const coverage = h?.coverage === "none" ? "none" : h?.coverage === "good" ? "good" : "poor";
  return { coverage, failingSinceMs: isNum(h?.failingSince) ? h!.failingSince : undefined };
}

/** When NB-IoT will have failed long enough for the policy (Infinity while it works). */
export function fallbackFrom(app: App): number {
  const n = nbiotView(app);
  if (n.coverage === "none") return -Infinity;
  return n.failingSinceMs === undefined ? Infinity : n.failingSinceMs + app.config.rdss_after_s * 1000;
}

/**
 * The policy's answer at nowMs, with the duty's own holds: a try that failed without a retry time; a parked unit
 * whose last try found no beam and that has not moved since (its ignition off from before that try: under a roof,
 * the sky does not change until it drives) tries again a day later, not at the policy's shorter backoff; and an
 * energy reserve so that a try always has at least MIN_TRY_MS of powered time left under the daily cap.
 */
export function gate(app: App, m: RdssMemory, records: readonly TrackRecord[], nowMs: number): PolicyDecision {
  if (m.holdUntil !== undefined && nowMs < m.holdUntil) return { action: "wait", reason: "no-beams", retryAtMs: m.holdUntil };
  const b = m.beams;
  const parkedSince = parkedOffSince(app);
  if (b && b.usable === 0 && parkedSince <= b.atMs && nowMs < b.atMs + PARKED_STALE_MS) {
    return { action: "wait", reason: "no-beams", retryAtMs: b.atMs + PARKED_STALE_MS };
  }
  const { lastPos, staleS } = staleness(app, m);
  return decide({
    nowMs,
    config: {
      rdss_after_s: app.config.rdss_after_s,
      rdss_stale_s: staleS,
      rdss_daily_j: app.config.rdss_daily_j - (RDSS_STANDBY_W * MIN_TRY_MS) / 1000,
    },
    nbiot: nbiotView(app),
    lastDeliveredPositionMs: lastPos > -Infinity ? lastPos : undefined,
    undelivered: records,
    card: m.drv.card,
    nextSendMs: m.drv.nextSendMs,
    beams: m.beams,
    ledger: m.ledger,
    reserveBits: app.security ? REPORT_AUTH_BITS : 0,
  });
}

/** Since when a parked unit's ignition has been off (monotonic ms), or Infinity when it is not parked. */
function parkedOffSince(app: App): number {
  const motion = app.mod<MotionState>("motion");
  if (motion?.kind !== "parked") return Infinity;
  const off = isNum(motion.accOffAt) ? motion.accOffAt : motion.since;
  return isNum(off) ? off : Infinity;
}

/**
 * The newest position the platform has (NB-IoT ack or short message) and how old it may grow before a message goes:
 * a day while the unit is parked and its ignition has been off since before that position (a truck does not drive
 * with its engine off, and a parked fix that moved ends "parked"), rdss_stale_s otherwise.
 */
function staleness(app: App, m: RdssMemory): { lastPos: number; staleS: number } {
  const h = app.mod<LinkHealth>("nbiot");
  const lastPos = Math.max(isNum(h?.lastPositionAckAt) ? h!.lastPositionAckAt : -Infinity, m.posAt ?? -Infinity);
  // Off since: the ignition edge, not when "parked" began (park_after_s later): a position sent in between is
  // still where the unit stands.
  const unmoved = parkedOffSince(app) <= lastPos;
  return { lastPos, staleS: unmoved ? Math.max(app.config.rdss_stale_s, PARKED_STALE_MS / 1000) : app.config.rdss_stale_s };
}

/**
 * When a short message would go for the position alone (no alarm): the platform's newest position reaches the
 * stale limit. Infinity without a short-message module or before any position was delivered. The uplink retries
 * no later than this (uplink-retry.ts): a network search costs a third of a message, and a delivery makes it moot.
 */
export function stalePositionAt(app: App): number {
  if (!app.ports.rdss) return Infinity;
  const { lastPos, staleS } = staleness(app, loadMemory(app));
  return lastPos > -Infinity ? lastPos + staleS * 1000 : Infinity;
}

/** Powered time the day's cap still allows after reserving one message's energy (ms, never negative). */
export function standbyBudgetMs(app: App, m: RdssMemory, nowMs: number): number {
  const left = app.config.rdss_daily_j - ledgerToday(m.ledger, nowMs).usedJ - RDSS_MESSAGE_J;
  return Math.max(0, Math.floor((left / RDSS_STANDBY_W) * 1000));
}
