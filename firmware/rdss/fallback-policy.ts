/**
 * When to spend a Beidou short message (a pure function of now, configuration and history; the app asks it once
 * per wake and drives RdssDriver with the answer). A message costs on the order of 100 NB-IoT sends, so it is the
 * last resort: only when NB-IoT has failed for rdss_after_s or has no coverage, and only for an undelivered alarm
 * raise or a delivered position older than rdss_stale_s; never before the card's interval, never within the backoff
 * after tries that saw no beam (noBeamWaitMs), and never past the daily energy cap rdss_daily_j. An alarm's clear is good news that does not
 * call for a message of its own (20 J, a third of a parked day's charge): it rides first in the next message that
 * goes (another raise, the stale position), or over NB-IoT when that is back. Records sent this way stay in the log until an
 * NB-IoT ack (the server dedupes by sequence); the ledger remembers them so they do not go twice by short message.
 */
import type { Config } from "../config/config";
import type { TrackRecord } from "../store/track-record";
import type { CardInfo } from "./card-limits";
import { encode } from "./compact-codec";
import { addSeqs, dropBelow, hasSeq, removeSeqs, type SeqRanges } from "./seq-ranges";

/** The firmware's copy of POWER.md's estimate for one message (beam wait plus a several-watt burst). */
export const RDSS_MESSAGE_J = 20;
/** Standby receive while powered (200 mA at 3.3 V), for charging power-on time against the cap. */
export const RDSS_STANDBY_W = 0.66;
/**
 * After a try that found no usable beam, wait this long before powering the module again, twice as long after
 * every further such try in a row, up to NO_BEAM_MAX_MS. Each try keeps the module in standby for its beam wait
 * (about 40 J, twice a message): under a roof or a blocked antenna, retries every 15 min spent the day's cap
 * within the hour and left nothing for when the sky opens.
 */
export const NO_BEAM_RETRY_MS = 15 * 60_000;
export const NO_BEAM_MAX_MS = 4 * 3600_000;

/** The wait after `misses` tries in a row that found no usable beam (1 = the first). */
export function noBeamWaitMs(misses = 1): number {
  let ms = NO_BEAM_RETRY_MS;
  for (let i = 1; i < misses && ms < NO_BEAM_MAX_MS; i++) ms *= 2;
  return Math.min(ms, NO_BEAM_MAX_MS);
}
/** The cap's day, counted on the monotonic clock. */
export const RDSS_DAY_MS = 86_400_000;
const DAY_MS = RDSS_DAY_MS;
/** Ranges of sent seqs the ledger keeps (seq-ranges.ts): 32 pairs of numbers, a few hundred bytes at most. */
export const LEDGER_RANGES = 32;

/** Saved across deep sleep with the driver's snapshot. Days are counted on the monotonic clock. */
export interface RdssLedger {
  day: number;
  usedJ: number;
  sent: SeqRanges; // seqs sent by short message, not yet acknowledged over NB-IoT (bounded, oldest forgotten)
}

export function newLedger(): RdssLedger {
  return { day: 0, usedJ: 0, sent: [] };
}

export interface PolicyInput {
  nowMs: number; // monotonic
  config: Pick<Config, "rdss_after_s" | "rdss_stale_s" | "rdss_daily_j">;
  nbiot: {
    coverage: "good" | "poor" | "none";
    failingSinceMs?: number; // first failed delivery since the last success; undefined = last one succeeded
  };
  lastDeliveredPositionMs?: number; // monotonic creation time of the newest position the server has (undefined = none)
  undelivered: readonly TrackRecord[]; // the record log's unacknowledged records (any order: the policy sorts)
  card?: CardInfo; // from the driver's snapshot; undefined = never read
  nextSendMs?: number; // from the driver's snapshot
  beams?: { usable: number; atMs: number; misses?: number }; // the last beam report, if any; misses: tries in a row with none
  ledger: RdssLedger;
  /** Bits the caller appends to the payload (the authentication of a provisioned device): left free. */
  reserveBits?: number;
}

export type PolicyReason =
  | "nbiot-ok" // NB-IoT works or has not failed long enough
  | "nothing-due" // no undelivered alarm and the last position is fresh
  | "interval" // the card's interval has not passed
  | "no-beams" // the module saw no usable beam recently
  | "energy-cap" // today's short-message energy is spent
  | "no-record"; // nothing left that was not already sent by short message

export type PolicyDecision =
  | { action: "wait"; reason: PolicyReason; retryAtMs?: number }
  | { action: "read-card" } // power the module to learn the card's interval and size, then ask again
  | { action: "send"; records: TrackRecord[]; bytes: Uint8Array };

function isAlarm(r: TrackRecord): boolean {
  return r.kind === "alarm" || (r.detail !== undefined && r.detail.code !== undefined);
}

/** An alarm that calls for a message now: a raise (a clear waits for the next message, see above). */
export function isRaise(r: TrackRecord): boolean {
  return isAlarm(r) && r.detail?.raised !== false;
}

/**
 * The ledger rolled to today's day (pure). A ledger dated ahead of today is kept as it is: after a power cut its
 * day may be moved one on, so that the day's window does not end sooner than it did before the cut (rdss-durable).
 */
export function ledgerToday(l: RdssLedger, nowMs: number): RdssLedger {
  const day = Math.floor(nowMs / DAY_MS);
  return day <= l.day ? l : { day, usedJ: 0, sent: l.sent };
}

export function decide(i: PolicyInput): PolicyDecision {
  const { nowMs, config } = i;
  const failedLong = i.nbiot.failingSinceMs !== undefined && nowMs - i.nbiot.failingSinceMs >= config.rdss_after_s * 1000;
  if (i.nbiot.coverage !== "none" && !failedLong) return { action: "wait", reason: "nbiot-ok" };

  const sent = i.ledger.sent;
  const fresh = i.undelivered.filter((r) => !hasSeq(sent, r.seq));
  const alarms = fresh.filter(isAlarm);
  const stale =
    i.lastDeliveredPositionMs === undefined || nowMs - i.lastDeliveredPositionMs >= config.rdss_stale_s * 1000;
  if (!alarms.some(isRaise) && !stale) {
    return { action: "wait", reason: "nothing-due", retryAtMs: i.lastDeliveredPositionMs! + config.rdss_stale_s * 1000 };
  }
  if (i.nextSendMs !== undefined && nowMs < i.nextSendMs) return { action: "wait", reason: "interval", retryAtMs: i.nextSendMs };
  if (i.beams && i.beams.usable === 0 && nowMs - i.beams.atMs < noBeamWaitMs(i.beams.misses)) {
    return { action: "wait", reason: "no-beams", retryAtMs: i.beams.atMs + noBeamWaitMs(i.beams.misses) };
  }
  const ledger = ledgerToday(i.ledger, nowMs);
  if (ledger.usedJ + RDSS_MESSAGE_J > config.rdss_daily_j) {
    return { action: "wait", reason: "energy-cap", retryAtMs: (ledger.day + 1) * DAY_MS };
  }
  if (!i.card) return { action: "read-card" };

  const chosen = order(fresh, alarms);
  if (chosen.length === 0) return { action: "wait", reason: "no-record" };
  const { bytes, count } = encode(chosen, i.card.capacityBits - (i.reserveBits ?? 0));
  if (count === 0) return { action: "wait", reason: "no-record" };
  return { action: "send", records: chosen.slice(0, count), bytes };
}

/** Alarms oldest first (none skipped), then the newest record with a position, then the rest newest first. */
function order(fresh: readonly TrackRecord[], alarms: readonly TrackRecord[]): TrackRecord[] {
  const out = alarms.slice().sort((a, b) => a.seq - b.seq);
  const rest = fresh.filter((r) => !isAlarm(r)).sort((a, b) => b.seq - a.seq);
  const withFix = rest.findIndex((r) => r.fix !== undefined);
  if (withFix > 0) rest.unshift(rest.splice(withFix, 1)[0]);
  return out.concat(rest);
}

/** The ledger after a message went out carrying these records (pure). */
export function noteSent(l: RdssLedger, nowMs: number, records: readonly TrackRecord[]): RdssLedger {
  const t = ledgerToday(l, nowMs);
  const sent = addSeqs(t.sent, records.map((r) => r.seq), LEDGER_RANGES);
  return { day: t.day, usedJ: t.usedJ + RDSS_MESSAGE_J, sent };
}

/** Charges standby time (module powered for `poweredMs`) against the day's cap (pure). */
export function noteStandby(l: RdssLedger, nowMs: number, poweredMs: number): RdssLedger {
  const t = ledgerToday(l, nowMs);
  return { day: t.day, usedJ: t.usedJ + (RDSS_STANDBY_W * Math.max(0, poweredMs)) / 1000, sent: t.sent };
}

/** Forgets records the server acknowledged over NB-IoT (pure). */
export function noteAcked(l: RdssLedger, ackedSeqs: readonly number[]): RdssLedger {
  return { day: l.day, usedJ: l.usedJ, sent: removeSeqs(l.sent, ackedSeqs) };
}

/** Forgets everything older than the oldest undelivered record: seqs only grow, so those were acknowledged. */
export function noteOldestPending(l: RdssLedger, oldestSeq: number): RdssLedger {
  const sent = dropBelow(l.sent, oldestSeq);
  return sent.length === l.sent.length && sent.every((v, k) => v === l.sent[k]) ? l : { day: l.day, usedJ: l.usedJ, sent };
}
