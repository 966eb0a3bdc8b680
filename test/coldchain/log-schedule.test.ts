import { describe, expect, it } from "vitest";
import { decaySteps, emptyLogState, logInterval, logObserve, logRecorded, nextRecordAt } from "../../firmware/coldchain/log-schedule";

const S = 1000;
const cfg = { temp_log_s: 300, temp_fast_s: 60, temp_fast_for_s: 3600 };

describe("temperature log schedule", () => {
  it("decays 60 → 120 → 240 → 300 s in steps of temp_fast_for_s after an excursion", () => {
    expect(decaySteps(cfg)).toEqual([
      [0, 60],
      [3600, 120],
      [7200, 240],
      [10800, 300],
    ]);
    expect(decaySteps({ ...cfg, temp_fast_for_s: 0 })).toEqual([[0, 300]]);
    expect(decaySteps({ temp_log_s: 1800, temp_fast_s: 600, temp_fast_for_s: 3600 })).toEqual([
      [0, 600],
      [3600, 1200],
      [7200, 1800],
    ]);
  });

  it("walks a day: normal, excursion, decay, and a new excursion restarting the fast rate", () => {
    let s = logRecorded(emptyLogState(), 0);
    expect(nextRecordAt(s, cfg, 10 * S)).toBe(300 * S);
    // An excursion starts at 100 s: the next record is due 60 s after the last one, i.e. now.
    s = logObserve(s, 100 * S, true);
    expect(nextRecordAt(s, cfg, 100 * S)).toBe(100 * S);
    s = logRecorded(s, 100 * S);
    expect(nextRecordAt(s, cfg, 100 * S)).toBe(160 * S);
    s = logObserve(s, 1000 * S, false); // cleared at 1000 s
    s = logRecorded(s, 1000 * S);
    expect(logInterval(s, cfg, 1000 * S + 3599 * S)).toBe(60);
    expect(logInterval(s, cfg, 1000 * S + 3600 * S)).toBe(120);
    expect(logInterval(s, cfg, 1000 * S + 3 * 3600 * S)).toBe(300);
    s = logRecorded(s, 1000 * S + 7300 * S);
    expect(nextRecordAt(s, cfg, 1000 * S + 7300 * S)).toBe(1000 * S + 7540 * S);
    s = logObserve(s, 1000 * S + 7400 * S, true);
    expect(nextRecordAt(s, cfg, 1000 * S + 7400 * S)).toBe(1000 * S + 7400 * S);
  });

  it("never schedules in the past and records at once when nothing was recorded", () => {
    expect(nextRecordAt(emptyLogState(), cfg, 42)).toBe(42);
    const s = logRecorded(emptyLogState(), 0);
    expect(nextRecordAt(s, cfg, 10_000 * S)).toBe(10_000 * S);
  });

  it("the fast rate is capped by temp_log_s", () => {
    const s = logObserve(emptyLogState(), 0, true);
    expect(logInterval(s, { ...cfg, temp_fast_s: 900 }, 0)).toBe(300);
  });
});
