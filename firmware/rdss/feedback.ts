/**
 * What a module's `$BDFKI` says about a send, in the same words for both protocol versions: 2.1 reports
 * executed / interval-ok / suppression cause / wait (mmss); 4.0 reports Y/N and a reason code 1-6 / remaining s.
 */
import type { RdssSentence, RdssVersion } from "./sentences";

/** Outcome of a send as the module reported it, the same words for both protocol versions. */
export type FeedbackReason =
  | "ok"
  | "interval" // the card's service interval has not passed
  | "suppressed" // transmission suppressed by the system
  | "low-battery" // 2.1: suppressed for low battery
  | "silence" // radio silence ordered
  | "power-not-locked" // 4.0: no beam locked, nothing transmitted
  | "no-card" // 4.0: no IC card / card module detected
  | "no-permission" // 4.0: the card may not send this
  | "refused" // 2.1: not executed, no cause given
  | "unknown"; // a reason code this firmware does not know

export const FEEDBACK_REASONS: readonly FeedbackReason[] = Object.freeze([
  "ok",
  "interval",
  "suppressed",
  "low-battery",
  "silence",
  "power-not-locked",
  "no-card",
  "no-permission",
  "refused",
  "unknown",
]);

const REASONS_40: readonly FeedbackReason[] = Object.freeze([
  "unknown",
  "interval",
  "suppressed",
  "silence",
  "power-not-locked",
  "no-card",
  "no-permission",
]);
const SUPPRESSION_21: readonly FeedbackReason[] = Object.freeze(["refused", "suppressed", "low-battery", "silence"]);

export function feedbackReason(s: Extract<RdssSentence, { type: "BDFKI" }>): FeedbackReason {
  // A 4.0 "Y" with a reason code contradicts itself (seen in a driver's doc comment); the reason wins, because
  // a send wrongly taken for failed costs one repeat while one wrongly taken for sent would not be repeated.
  if (s.version === "4.0") return s.ok && s.code === 0 ? "ok" : (REASONS_40[s.code] ?? "unknown");
  if (s.ok) return "ok";
  if (!s.freqOk) return "interval";
  return SUPPRESSION_21[s.code] ?? "unknown";
}

/** The feedback sentence a module answers with, for a reason (the simulator's side of feedbackReason). */
export function feedbackSentence(
  version: RdssVersion,
  reason: FeedbackReason,
  waitS: number,
  time: string,
): Extract<RdssSentence, { type: "BDFKI" }> {
  const ok = reason === "ok";
  if (version === "4.0") {
    const code = ok ? 0 : Math.max(0, REASONS_40.indexOf(reason));
    return { type: "BDFKI", version, time, command: "TCQ", ok, freqOk: reason !== "interval", code, waitS };
  }
  const code = ok || reason === "interval" ? 0 : Math.max(0, SUPPRESSION_21.indexOf(reason));
  return { type: "BDFKI", version, time: "", command: "TXA", ok, freqOk: reason !== "interval", code, waitS };
}
