/**
 * The light variant of a fault campaign (sim/faults; `npm run faults` runs the full one): no problem reported, and
 * the campaign really exercised what it claims.
 */
import { describe, expect, it } from "vitest";
import { n, runLight as run } from "./run-light";

describe("fault campaigns (light)", () => {
  it("power cuts inside flash writes and erases of a whole day: nothing lost, altered or handed out twice", () => {
    const [day, small, reruns] = run("power cuts");
    for (const f of [day, small, reruns]) expect(f.failures).toEqual([]);
    expect(n(day, "cuts")).toBeGreaterThan(150);
    expect(n(day, "in_erases")).toBeGreaterThan(0);
    expect(n(day, "boots_resumed")).toBe(n(day, "cuts"));
    expect(n(small, "erases")).toBeGreaterThan(4); // the small partition wraps
    expect(n(small, "recovery_cuts")).toBeGreaterThan(0);
    expect(n(reruns, "cuts_fired")).toBe(n(reruns, "reruns"));
  });

  it("72 h outages moving and parked: everything arrives once coverage is back, nothing dropped", () => {
    const figures = run("outage");
    for (const f of figures) {
      expect(f.failures).toEqual([]);
      expect(n(f, "backlog")).toBeGreaterThan(500);
    }
  });

  it("an outage that overflows the partition: drops are counted by kind and follow the policy", () => {
    const [f] = run("overflow outage");
    expect(f.failures).toEqual([]);
    expect(String(f.counts.dropped)).toMatch(/temperature=\d+/);
  });
});
