/**
 * Setting the wall clock from receiver times: drift is corrected, a jump is taken only once the receiver has kept
 * to it (at once when the clock was never confirmed, after JUMP_CONFIRM_MS when it was), times before
 * EARLIEST_UTC never. Found by the clock fault campaign: one search with a time a day ahead stamped every record
 * after it a day in the future, and a week rollover stamped them 19 years back.
 */
import { describe, expect, it } from "vitest";
import { EARLIEST_UTC, JUMP_CONFIRM_MS, judgeTime, type TimeMemo } from "../../firmware/gnss/time-check";

const T0 = Date.UTC(2026, 6, 1, 6);
const H = 3600_000;

describe("wall time from the receiver", () => {
  it("takes the first time, ignores agreement within 2 s, corrects drift", () => {
    const m: TimeMemo = {};
    expect(judgeTime(T0, 0, undefined, m)).toBe("set");
    expect(judgeTime(T0 + 10 * H + 1500, 10 * H, T0 + 10 * H, m)).toBe("agrees");
    // 8 h at 100 ppm: 2.9 s off, within 2 s + 200 ppm of the time since the clock was set
    expect(judgeTime(T0 + 20 * H, 20 * H, T0 + 20 * H + 2900, m)).toBe("set");
  });

  it("refuses a day-ahead glitch and a week rollover against a confirmed clock", () => {
    const m: TimeMemo = {};
    judgeTime(T0, 0, undefined, m);
    judgeTime(T0 + H, H, T0 + H, m); // confirmed
    const day = 86_400_000;
    expect(judgeTime(T0 + 2 * H + day, 2 * H, T0 + 2 * H, m)).toBe("unconfirmed-jump");
    expect(judgeTime(T0 + 3 * H + day, 3 * H, T0 + 3 * H, m)).toBe("unconfirmed-jump"); // agrees with itself, not long enough
    expect(judgeTime(T0 + 4 * H - 1024 * 7 * day, 4 * H, T0 + 4 * H, m)).toBe("before-earliest");
    expect(judgeTime(EARLIEST_UTC - 1, 4 * H, undefined, {})).toBe("before-earliest");
    // a receiver that keeps to the new time for long enough wins: the clock was the one that was wrong
    expect(judgeTime(T0 + 2 * H + JUMP_CONFIRM_MS + day, 2 * H + JUMP_CONFIRM_MS, T0 + 2 * H + JUMP_CONFIRM_MS, m)).toBe("set");
  });

  it("after a power cut, a second agreeing time is enough to replace a bad first one", () => {
    const m: TimeMemo = {};
    expect(judgeTime(T0 + 3600_000, 0, undefined, m)).toBe("set"); // an hour ahead, nothing to check it against
    expect(judgeTime(T0 + 600_000, 600_000, T0 + 3600_000 + 600_000, m)).toBe("unconfirmed-jump");
    expect(judgeTime(T0 + 900_000, 900_000, T0 + 3600_000 + 900_000, m)).toBe("set");
  });
});
