/**
 * The light variant of a fault campaign (sim/faults; `npm run faults` runs the full one): no problem reported, and
 * the campaign really exercised what it claims.
 */
import { describe, expect, it } from "vitest";
import { n, runLight as run } from "./run-light";

describe("modem faults (light: one model per fault)", () => {
  it("hangs, reboots, noise, split replies, CME storms, no SIM, no network: nothing lost, the link comes back", () => {
    const figures = run("modem faults");
    expect(figures.length).toBe(7);
    for (const f of figures) {
      expect(f.failures).toEqual([]);
      expect(n(f, "lost")).toBe(0);
      expect(n(f, "duplicates")).toBe(0);
    }
    const hang = figures.find((f) => f.campaign.includes("hang"))!;
    expect(n(hang, "power_cycles")).toBeGreaterThan(0);
  });
});
