/**
 * The bench's "what the floor prices at nothing" figures: the modem's searches are split by whether a cell was
 * there (a coverage gap, or an attach), idle without PSM is what a modem that rebooted by itself costs until the
 * link sets PSM again, and the ratio without them is the floor ratio of what the floor does price.
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
  return benchRow(trace, simulate(trace));
}

describe("charge the floor does not price", () => {
  const clear = trip({});
  const gap = trip({ network: [{ t: 0, nbiot: "good" }, { t: 7200, nbiot: "none" }, { t: 14400, nbiot: "good" }] });
  const reboot = trip({ faults: [{ t: 9000, kind: "modem-reboot" }] });
  const attachMah = (10 * 60) / 3600; // POWER.md: 10 s at 60 mA

  it("in good coverage: one attach after power-on, no gap search, no idle without PSM", () => {
    expect(clear.unpriced.gapSearch).toBe(0);
    expect(clear.unpriced.attach * clear.days).toBeCloseTo(attachMah, 2);
    expect(clear.unpriced.idleNoPsm).toBeLessThan(0.01);
  });

  it("a 2 h gap: searches counted as the gap's, the attach after it as an attach", () => {
    expect(gap.unpriced.gapSearch).toBeGreaterThan(0);
    expect(gap.unpriced.attach * gap.days).toBeGreaterThanOrEqual(2 * attachMah - 1e-3); // summary figures carry 4 decimals
    expect(gap.pricedRatio).toBeLessThan(gap.floorRatio);
    const u = gap.unpriced;
    expect(u.total).toBeCloseTo(u.gapSearch + u.attach + u.idleNoPsm + u.shortMessages + u.extraSamples, 9);
  });

  it("a modem that reboots by itself: its idle without PSM shows until the modem check catches it", () => {
    expect(reboot.unpriced.idleNoPsm * reboot.days).toBeGreaterThan(0.05);
    // caught within the check interval (30 min at 5 mA is 2.5 mAh)
    expect(reboot.unpriced.idleNoPsm * reboot.days).toBeLessThan(2.6);
  });
});
