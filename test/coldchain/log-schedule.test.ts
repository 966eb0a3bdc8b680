import { describe, expect, it } from "vitest";
import {
  alignedRecordAt,
  ALIGN_MIN_MS,
  CUT_MARGIN_MS,
  CUT_WATCH_MS,
  decaySteps,
  emptyLogState,
  logInterval,
  logObserve,
  logRecorded,
  logSupplyCut,
  nextRecordAt,
} from "../../firmware/coldchain/log-schedule";

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

describe("a record shares the wake of a position report", () => {
  it("is brought forward to a report inside its gap that comes at most once per gap, never after its own time", () => {
    // Seeded walk over last-record times, report times and report periods.
    let x = 12345;
    const rnd = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let i = 0; i < 2000; i++) {
      const last = Math.round(rnd() * 1e6);
      const now = last + Math.round(rnd() * 400 * S);
      const report = { at: now + Math.round((rnd() * 2 - 0.5) * 400 * S), periodMs: Math.round(rnd() * 1000 * S) };
      const s = { last, excursion: rnd() < 0.2 };
      const due = nextRecordAt(s, cfg, now);
      const got = alignedRecordAt(s, cfg, now, report);
      expect(got).toBeGreaterThanOrEqual(now);
      expect(got).toBeLessThanOrEqual(due); // the gap rule: only ever earlier
      const pulled =
        report.at < due && report.at - last >= ALIGN_MIN_MS && report.periodMs >= due - last;
      expect(got).toBe(pulled ? Math.max(now, report.at) : due);
    }
  });

  it("with reports every 300 s the records fall on the report times after one early record, and stay there", () => {
    // Reports out of phase with the records by 137 s: one short gap to come into phase, then every record on a report.
    expectJoinsReports(137 * S);
  });

  it("never follows reports more frequent than records (truck power, distance strategy)", () => {
    const s = { last: 0, excursion: false };
    expect(alignedRecordAt(s, cfg, 10 * S, { at: 100 * S, periodMs: 30 * S })).toBe(300 * S);
    expect(alignedRecordAt(s, cfg, 10 * S, { at: 100 * S, periodMs: 299 * S })).toBe(300 * S);
    expect(alignedRecordAt(s, cfg, 10 * S, { at: 100 * S, periodMs: 300 * S })).toBe(100 * S);
    // A record just taken for this report is not taken again for it.
    expect(alignedRecordAt({ last: 95 * S, excursion: false }, cfg, 96 * S, { at: 100 * S, periodMs: 300 * S })).toBe(395 * S);
  });

  it("with the report's wake known: a record in a wake of its own 20 s before the report still comes into phase", () => {
    // The report at 100 s wakes at 93 s (a hot start's lead), so a record shares it from 88 s on (SHARE_MS).
    const hint = { at: 100 * S, periodMs: 300 * S, wakeAt: 88 * S };
    expect(alignedRecordAt({ last: 80 * S, excursion: false }, cfg, 81 * S, hint)).toBe(100 * S);
    // Taken in the report's wake: not again for the same report.
    expect(alignedRecordAt({ last: 95 * S, excursion: false }, cfg, 96 * S, hint)).toBe(395 * S);
    expect(alignedRecordAt({ last: 88 * S, excursion: false }, cfg, 89 * S, hint)).toBe(388 * S);
    // Without it, the fixed ALIGN_MIN_MS: 20 s before the report counted as the report's own, and stayed so.
    expect(alignedRecordAt({ last: 80 * S, excursion: false }, cfg, 81 * S, { at: 100 * S, periodMs: 300 * S })).toBe(380 * S);
  });

  it("records 20 s before every report (each in its own wake) join the reports after one early record", () => {
    expectJoinsReports(20 * S, 12 * S); // the report wake's lead (time to fix) plus the sharing window
  });
});

/**
 * An hour of records against reports every 300 s from `phase` on (their wakes `lead` early when given): gaps never
 * above 300 s, exactly one shorter gap to come into phase, and every record after it on a report time.
 */
function expectJoinsReports(phase: number, lead?: number): void {
  let s = { last: 0, excursion: false } as { last?: number; excursion: boolean };
  const reportAt = (k: number) => phase + k * 300 * S;
  const records: number[] = [0];
  let k = 0;
  for (let t = 1; t < 3600 * S; ) {
    while (reportAt(k) < t) k++;
    const hint = { at: reportAt(k), periodMs: 300 * S, wakeAt: lead === undefined ? undefined : reportAt(k) - lead };
    const at = alignedRecordAt(s, cfg, t, hint);
    records.push(at);
    s = { last: at, excursion: false };
    t = at + 1;
  }
  const gaps = records.slice(1).map((r, i) => r - records[i]);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(300 * S);
  expect(gaps.filter((g) => g < 300 * S).length).toBe(1);
  expect(records.slice(2).every((r) => (r - phase) % (300 * S) === 0)).toBe(true);
}

describe("after a supply cut under a running log", () => {
  it("leaves CUT_MARGIN_MS of slack in each 300 s gap for CUT_WATCH_MS, and keeps it through records and excursions", () => {
    let s = logRecorded(logSupplyCut(emptyLogState(), 1000 * S), 1002 * S);
    expect(nextRecordAt(s, cfg, 1010 * S)).toBe(1002 * S + 300 * S - CUT_MARGIN_MS);
    s = logRecorded(s, 1272 * S);
    expect(nextRecordAt(s, cfg, 1280 * S)).toBe(1272 * S + 300 * S - CUT_MARGIN_MS);
    // an excursion's 60 s log plus a cut already fits in 300 s: no slack there
    const ex = logRecorded(logObserve(s, 1300 * S, true), 1300 * S);
    expect(nextRecordAt(ex, cfg, 1300 * S)).toBe(1360 * S);
    // the staircase's 240 s step needs none either; the 300 s step does
    const cleared = logObserve(ex, 1400 * S, false);
    expect(nextRecordAt(logRecorded(cleared, 1400 * S + 7200 * S), cfg, 1400 * S + 7200 * S)).toBe((1400 + 7200 + 240) * S);
    // an hour after the cut the log is back on its own interval
    const late = logRecorded(s, 1000 * S + CUT_WATCH_MS);
    expect(nextRecordAt(late, cfg, 1000 * S + CUT_WATCH_MS)).toBe(1000 * S + CUT_WATCH_MS + 300 * S);
    // a log interval under the slack keeps most of its spacing: 120 s becomes 90 s
    const short = { ...cfg, temp_log_s: 120 };
    expect(nextRecordAt(logRecorded(logSupplyCut(emptyLogState(), 0), 0), short, 0)).toBe(120 * S - CUT_MARGIN_MS);
  });

  it("a cut of up to 28 s that starts anywhere in a gap leaves no gap over 300 s; without the slack one does", () => {
    // Records land when due; the first one after a cut lands 1.65 s after the supply is back (boot and conversion).
    const worst = (cut: boolean, start: number, len: number) => {
      let s = logRecorded(cut ? logSupplyCut(emptyLogState(), 0) : emptyLogState(), 0);
      let t = 0;
      let max = 0;
      for (let i = 0; i < 4; i++) {
        let next = nextRecordAt(s, cfg, t);
        if (next >= start && next < start + len) next = start + len + 1650;
        else if (t < start && next >= start + len) next = Math.min(next, start + len + 1650);
        max = Math.max(max, next - t);
        s = logRecorded(s, next);
        t = next;
      }
      return max;
    };
    let without = 0;
    for (let start = 1 * S; start < 600 * S; start += 7 * S)
      for (const len of [2 * S, 10 * S, 20 * S, 28 * S]) {
        expect(worst(true, start, len), `cut at ${start} ms for ${len} ms`).toBeLessThanOrEqual(300 * S);
        without = Math.max(without, worst(false, start, len));
      }
    expect(without).toBeGreaterThan(300 * S);
  });

  it("still shares a report wake inside the gap, and the gap after it keeps the slack", () => {
    let s = logRecorded(logSupplyCut(emptyLogState(), 0), 10 * S);
    expect(alignedRecordAt(s, cfg, 20 * S, { at: 200 * S, periodMs: 300 * S })).toBe(200 * S);
    s = logRecorded(s, 200 * S);
    expect(alignedRecordAt(s, cfg, 210 * S, { at: 500 * S, periodMs: 300 * S })).toBe(470 * S);
  });
});
