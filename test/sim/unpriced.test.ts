/**
 * The bench's "what the floor prices at nothing" figures: the modem's searches are split by whether a cell was
 * there (a coverage gap, or an attach beyond the one the floor prices per power-on), idle without PSM is what a
 * modem that rebooted by itself costs until the link sets PSM again, the receiver's start without backup is
 * counted beyond the cold fix the floor prices per power-on, and the ratio without them is the floor ratio of
 * what the floor does price.
 */
import { describe, expect, it } from "vitest";
import { benchRow } from "../../sim/cli/bench-figures";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";

function trip(extra: Record<string, unknown>) {
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: 8 * 3600,
    seed: 4,
    device: { id: "13800138000", rdss: "none" },
    route: [{ t: 0, lat: 39.9, lon: 116.4 }],
    config: { heartbeat_s: 900 },
    ...extra,
  });
  const r = simulate(trace);
  return { ...benchRow(trace, r), summary: r.summary };
}

describe("charge the floor does not price", () => {
  const clear = trip({});
  const gap = trip({ network: [{ t: 0, nbiot: "good" }, { t: 7200, nbiot: "none" }, { t: 14400, nbiot: "good" }] });
  const reboot = trip({ faults: [{ t: 9000, kind: "modem-reboot" }] });
  const cut = trip({ faults: [{ t: 9000, kind: "power-cut", for: 5 }] });
  const attachMah = (10 * 60) / 3600; // POWER.md: 10 s at 60 mA

  it("in good coverage: the power-on's attach is the floor's, no gap search, no idle without PSM", () => {
    expect(clear.summary.floor_power_ons).toBe(1);
    expect(clear.summary.modem_search_mAh).toBeCloseTo(attachMah, 2);
    expect(clear.unpriced.gapSearch).toBe(0);
    expect(clear.unpriced.attach * clear.days).toBeLessThan(0.01);
    expect(clear.unpriced.idleNoPsm).toBeLessThan(0.01);
    expect(clear.summary.floor_formula_ratio).toBeGreaterThan(clear.summary.floor_ratio);
  });

  it("a 2 h gap: searches counted as the gap's, the attach after it as an attach", () => {
    expect(gap.unpriced.gapSearch).toBeGreaterThan(0);
    expect(gap.unpriced.attach * gap.days).toBeGreaterThanOrEqual(attachMah - 1e-3); // summary figures carry 4 decimals
    expect(gap.pricedRatio).toBeLessThan(gap.floorRatio);
    const u = gap.unpriced;
    expect(u.total).toBeCloseTo(u.gapSearch + u.attach + u.coldStart + u.idleNoPsm + u.shortMessages + u.extraSamples, 9);
  });

  it("a modem that reboots by itself: its idle without PSM shows until the modem check catches it", () => {
    expect(reboot.unpriced.idleNoPsm * reboot.days).toBeGreaterThan(0.05);
    // caught within the check interval (30 min at 5 mA is 2.5 mAh)
    expect(reboot.unpriced.idleNoPsm * reboot.days).toBeLessThan(2.6);
  });

  it("a start without backup: the power-on's cold start, and one more after a power cut, priced cold each", () => {
    // POWER.md: cold 45 s at 35 mA; the simulator spreads a time to fix by +-25 % (plus boot and epoch)
    const coldFix = (45 * 35) / 3600;
    expect(clear.summary.gnss_no_backup_fixes).toBe(1);
    expect(clear.summary.gnss_no_backup_mAh).toBeGreaterThan(0.7 * coldFix);
    expect(clear.unpriced.coldStart * clear.days).toBeLessThan(0.35 * coldFix);
    expect(cut.summary.gnss_no_backup_fixes).toBe(2);
    expect(cut.summary.floor_power_ons).toBe(2);
    expect(cut.summary.gnss_no_backup_mAh).toBeGreaterThan(1.4 * coldFix);
    expect(cut.unpriced.coldStart * cut.days).toBeLessThan(0.7 * coldFix);
    // the cut's own cold fix and attach are in the floor, not left over
    expect(cut.summary.floor_mAh - cut.summary.floor_formula_mAh).toBeCloseTo(2 * ((40 * 35) / 3600 + attachMah), 3);
  });
});
