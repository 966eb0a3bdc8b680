/**
 * Whether to set the wall clock from a receiver's time. The RTC keeps wall time across deep sleep to within its
 * drift (100 ppm on the reference board's crystal); a receiver can be wrong by far more: a GPS week rollover
 * (1024 weeks back), a glitch, a time from a bad almanac. A time that disagrees with a running clock by more than
 * drift explains is a jump, and a jump is taken only once the receiver has said the same for a while:
 *
 * - before EARLIEST_UTC: never (no device of this firmware ran then; catches week rollovers);
 * - no wall time (first boot, power cut): take it;
 * - within 2 s of the clock: nothing to do (the clock is confirmed: trusted);
 * - within 2 s plus 200 ppm of the time since the clock was last set: drift, corrected;
 * - further off: a candidate; taken when later times agree with it (same offset to the monotonic clock within
 *   2 s), at once on the next one when the clock itself was never confirmed, else only after JUMP_CONFIRM_MS.
 *
 * State (plain numbers, kept in RTC memory with the position duty): when the clock was set, whether a later time
 * confirmed it, and the candidate jump. Pure: the caller sets the clock.
 */
export interface TimeMemo {
  setAt?: number; // monotonic ms the clock was last set
  trusted?: boolean;
  cand?: { off: number; since: number; seen: number }; // utc - monotonic, first seen at, times seen
}

/** 2024-01-01T00:00:00Z. */
export const EARLIEST_UTC = 1_704_067_200_000;
const AGREE_MS = 2000;
const DRIFT = 200e-6;
export const JUMP_CONFIRM_MS = 6 * 3600_000;

export type TimeVerdict = "set" | "agrees" | "before-earliest" | "unconfirmed-jump";

export function judgeTime(utcMs: number, nowMs: number, wall: number | undefined, m: TimeMemo): TimeVerdict {
  if (!(utcMs >= EARLIEST_UTC)) return "before-earliest";
  if (wall === undefined) {
    m.setAt = nowMs;
    m.trusted = false;
    m.cand = undefined;
    return "set";
  }
  const d = Math.abs(utcMs - wall);
  if (d <= AGREE_MS) {
    m.trusted = true;
    m.cand = undefined;
    return "agrees";
  }
  if (d <= AGREE_MS + DRIFT * Math.max(0, nowMs - (m.setAt ?? nowMs))) {
    m.setAt = nowMs;
    m.cand = undefined;
    return "set";
  }
  const off = utcMs - nowMs;
  const c = m.cand;
  if (c && Math.abs(off - c.off) <= AGREE_MS) {
    c.seen++;
    if (!m.trusted || nowMs - c.since >= JUMP_CONFIRM_MS) {
      m.setAt = nowMs;
      m.trusted = true; // two times agreeing with each other
      m.cand = undefined;
      return "set";
    }
    return "unconfirmed-jump";
  }
  m.cand = { off, since: nowMs, seen: 1 };
  return "unconfirmed-jump";
}
