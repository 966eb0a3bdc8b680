/**
 * The fault campaigns' light variant (`npm run faults` runs the full one): each campaign must report no problem,
 * and must really have exercised what it claims (cuts fired, outages overflowed, inputs fuzzed).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CAMPAIGNS } from "../../sim/faults/campaigns";
import { type Figures, formatFigures } from "../../sim/faults/figures";
import { loadTrace } from "../../sim/world/trace-loader";
import { fileCorpus } from "../../sim/cli/fuzz-corpus";

const trace = (name: string) => loadTrace(readFileSync(new URL(`../../sim/traces/${name}.json`, import.meta.url), "utf8"));

function run(name: string): Figures[] {
  const c = CAMPAIGNS.find((x) => x.name === name);
  if (!c) throw new Error(`no campaign ${name}`);
  const figures = c.run({ trace, size: "light", corpus });
  for (const f of figures) console.log(formatFigures(f).join("\n"));
  return figures;
}

const corpus = fileCorpus();
const n = (f: Figures, key: string) => Number(f.counts[key]);

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
