/**
 * Regression vectors: inputs a fuzzer once found to crash a parser or grow a buffer past its bound, one hex input
 * per line in test/faults/vectors/<target>--<what>.hex (`npm run faults` appends new finds as found-<target>.hex).
 * Each is replayed through its target: no exception, every buffer within its bound.
 */
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/core/bytes";
import { fuzzTargets } from "../../sim/faults/fuzz-targets";
import { Rng } from "../../sim/world/rng";

const DIR = new URL("./vectors/", import.meta.url);
const slug = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");

describe("fuzz regression vectors", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".hex"));

  it("has vectors, each naming a target", () => {
    expect(files.length).toBeGreaterThan(0);
    const slugs = fuzzTargets().map((t) => slug(t.name));
    for (const f of files) expect(slugs.some((s) => f.replace(/^found-/, "").startsWith(s)), f).toBe(true);
  });

  for (const f of files) {
    it(`replays ${f}`, () => {
      const target = fuzzTargets().find((t) => f.replace(/^found-/, "").startsWith(slug(t.name)))!;
      const inputs = readFileSync(new URL(f, DIR), "utf8").split("\n").filter((l) => l.trim()).map((l) => fromHex(l.trim())!);
      const rng = new Rng(1);
      for (const input of inputs) {
        expect(target.run(input, rng)).toBeUndefined();
        const bufs = target.buffers();
        for (const k of Object.keys(bufs)) expect(bufs[k].now, `${k} after ${f}`).toBeLessThanOrEqual(bufs[k].max);
      }
    });
  }
});
