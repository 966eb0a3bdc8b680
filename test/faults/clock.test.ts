/**
 * The light variant of a fault campaign (sim/faults; `npm run faults` runs the full one): no problem reported, and
 * the campaign really exercised what it claims.
 */
import { describe, expect, it } from "vitest";
import { n, runLight as run } from "./run-light";

describe("clock faults (light)", () => {
  it("RTC drift, wrong receiver times, wall time lost at power cuts: no stamp in the future, none out of order", () => {
    const figures = run("clock faults");
    expect(figures.length).toBe(5);
    for (const f of figures) {
      expect(f.failures).toEqual([]);
      expect(n(f, "order_inversions")).toBe(0);
    }
    // the wrong receiver times were seen and refused, not just missed
    expect(figures.filter((f) => n(f, "gnss_times_refused") > 0).length).toBeGreaterThanOrEqual(2);
  });
});
