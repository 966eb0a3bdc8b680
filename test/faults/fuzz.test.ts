/**
 * The light variant of a fault campaign (sim/faults; `npm run faults` runs the full one): no problem reported, and
 * the campaign really exercised what it claims.
 */
import { describe, expect, it } from "vitest";
import { n, runLight as run } from "./run-light";

describe("fuzzing (light: 20,000 inputs per target)", () => {
  it("no target throws, every buffer stays within its bound, accepted settings validate", () => {
    const figures = run("fuzz");
    expect(figures.length).toBe(6);
    for (const f of figures) {
      expect(f.failures).toEqual([]);
      expect(n(f, "inputs")).toBe(20_000);
      expect(n(f, "crashes")).toBe(0);
    }
    // the mutations reach past the framing into the parsers
    const [gnss, at, rdss, jt808, set, trace] = figures;
    expect(n(gnss, "fixes")).toBeGreaterThan(100);
    expect(n(at, "urcs")).toBeGreaterThan(1000);
    expect(n(rdss, "sentences")).toBeGreaterThan(500);
    expect(n(jt808, "accepted_sets")).toBeGreaterThan(100);
    expect(n(set, "applied")).toBeGreaterThan(50);
    expect(n(trace, "loaded")).toBeGreaterThan(100);
  });
});
