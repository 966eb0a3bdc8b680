/**
 * The raw frames an integrator feeds to a platform's own decoder: every frame of every reference trip, both ways,
 * checked here by arithmetic of our own (not the firmware's parser) — delimiters, escaping, header size for the
 * edition and sub-packaging, the 10-bit body length and the XOR check code — and then decoded without error. One
 * trip goes through the command line: `tracker run --out` writes the files, `tracker jt808 decode` reads them back.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toHex } from "../../firmware/core/bytes";
import { simCrypto } from "../../sim/devices/crypto-sim";
import { decodeReport } from "../../sim/report/jt808-report";
import { testRootKey } from "../../sim/world/test-keys";
import { simulate } from "../../sim/simulation";
import { parseWireLine, wireLines } from "../../sim/report/wire-log";
import { referenceTrace } from "./trip-log";

const CLI = new URL("../../sim/cli/tracker.js", import.meta.url).pathname;
const TRACES = new URL("../../sim/traces/", import.meta.url);

/** Why a wire frame (hex, escaped, with delimiters) is not sound, or undefined. */
function frameProblem(hex: string): string | undefined {
  if (!/^(7E)([0-9A-F]{2})+$/.test(hex) || !hex.endsWith("7E")) return "not 7E-delimited upper-case hex";
  const wire = hex.match(/../g)!.map((b) => parseInt(b, 16));
  const inner = wire.slice(1, -1);
  const c: number[] = [];
  for (let i = 0; i < inner.length; i++) {
    if (inner[i] === 0x7e) return "unescaped 7E inside";
    if (inner[i] === 0x7d) {
      const n = inner[++i];
      if (n !== 0x01 && n !== 0x02) return "bad escape";
      c.push(n === 0x02 ? 0x7e : 0x7d);
    } else c.push(inner[i]);
  }
  const attr = (c[2] << 8) | c[3];
  const v2019 = (attr & 0x4000) !== 0;
  const sub = (attr & 0x2000) !== 0;
  const header = (v2019 ? 17 : 12) + (sub ? 4 : 0);
  if (c.length !== header + (attr & 0x3ff) + 1) return `length ${c.length} != header ${header} + body ${attr & 0x3ff} + 1`;
  let x = 0;
  for (let i = 0; i < c.length - 1; i++) x ^= c[i];
  if (x !== c[c.length - 1]) return "check code";
  return undefined;
}

const names = readdirSync(TRACES).filter((f) => f.endsWith(".json")).map((f) => f.replace(/\.json$/, "")).sort();

describe("raw frames of every reference trip", () => {
  it("has the reference trips to check", () => {
    expect(names).toContain("two-customers-areas");
    expect(names.length).toBeGreaterThanOrEqual(5);
  });

  for (const name of names) {
    it(`${name}: every frame both ways has a header, body length and check code that agree`, () => {
      const r = simulate(referenceTrace(name));
      for (const dir of ["up", "down"] as const) {
        const lines = wireLines(r.server, dir);
        expect(lines.length).toBeGreaterThan(0);
        const bad: string[] = [];
        let last = -1;
        for (const line of lines) {
          const w = parseWireLine(line)!;
          expect(w.t).toBeGreaterThanOrEqual(last);
          last = w.t!;
          const problem = frameProblem(w.hex);
          const decoded = JSON.parse(decodeReport(w.hex)) as Record<string, unknown>;
          if (problem || decoded.error || decoded.bccOk !== true || decoded.lengthOk === false) bad.push(`${line}: ${problem ?? JSON.stringify(decoded)}`);
        }
        expect(bad.slice(0, 3)).toEqual([]);
      }
    }, 60_000);
  }
});

describe("tracker run --out writes uplink.hex and downlink.hex; tracker jt808 decode reads them back", () => {
  it("decodes every line of both files with its time, area messages and area items included", () => {
    const dir = mkdtempSync(join(tmpdir(), "frames-"));
    const run = spawnSync(process.execPath, [CLI, "run", new URL("two-customers-areas.json", TRACES).pathname, "--out", dir], { encoding: "utf8", timeout: 120_000 });
    expect(run.status).toBe(0);
    for (const file of ["uplink.hex", "downlink.hex"]) {
      const lines = readFileSync(join(dir, file), "utf8").split("\n").filter((l) => l !== "");
      // the run's device is provisioned (sealed frames): the decoder opens them with its (test) root key
      const key = toHex(testRootKey(simCrypto, JSON.parse(readFileSync(new URL("two-customers-areas.json", TRACES), "utf8")).device.id));
      const dec = spawnSync(process.execPath, [CLI, "jt808", "decode", "--key", key, join(dir, file)], { encoding: "utf8", timeout: 60_000 });
      expect(dec.status).toBe(0);
      const out = dec.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(out.length).toBe(lines.length);
      expect(out.every((o) => o.bccOk === true && o.error === undefined && typeof o.t === "number")).toBe(true);
      if (file === "downlink.hex") {
        // the circles, then the append with a radius of 0 that the terminal refuses: the decoder says why
        expect(out.filter((o) => o.msgId === "0x8600").map((o) => o.body)).toMatchObject([
          { shape: "circle", action: "update", areas: [{ id: 101 }, { id: 102 }] },
          { error: "circle 103: radius must be 1..1000000 m" },
        ]);
        expect(out.some((o) => o.msgId === "0x8604")).toBe(true);
      } else {
        const areaItems = out.flatMap((o) => {
          const items = (o.body as { items?: Record<string, unknown> }).items;
          return items?.["0x12"] ? [items["0x12"]] : [];
        });
        expect(areaItems).toContainEqual({ area: "circle", area_id: 102, direction: "out" });
      }
    }
  }, 180_000);
});
