/**
 * A power cut while parked in a coverage gap (firmware/app/cut-memory.ts): the unit comes back knowing how long an
 * attach takes here, that it has been parked since the ignition went off hours before, and how fresh the platform's
 * position is, so it searches for the network as briefly and as seldom as before the cut and sends no short
 * message for a position the platform still has. A unit moved while its power was off starts afresh.
 */
import { describe, expect, test } from "vitest";
import { parseEvent } from "../../firmware/core/events";
import { CUT_MEMORY_SETTING } from "../../firmware/app/cut-memory";
import { DEFAULT_TIMINGS } from "../../firmware/modem/link-types";
import { CONFIG_SPEC } from "../../firmware/config/config";
import type { Ports } from "../../hal/ports";
import { boot } from "../../firmware/app/main";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";

const H = 3600;
const CUT = 14 * H;

interface Ev {
  t: number;
  name: string;
  f: Record<string, string>;
}

const GAP = [{ t: 0, nbiot: "good" }, { t: 10 * H, nbiot: "none" }, { t: 26 * H, nbiot: "good" }];

function run(route: unknown[], network: unknown[] = GAP) {
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: 30 * H,
    seed: 3,
    device: { id: "13800138000", rdss: "bds3-4.0" },
    route,
    network,
    rdssSky: [{ t: 0, beams: 2 }],
    faults: [{ t: CUT, kind: "power-cut", for: 5 }],
  });
  let settings: Ports["settings"] | undefined;
  const r = simulate(trace, {
    boot: (p) => {
      settings = p.settings;
      boot(p);
    },
  });
  const evs: Ev[] = [];
  for (const line of r.transcript) {
    const parts = line.split(" ");
    const ev = parseEvent(parts.slice(2).join(" "));
    if (ev) evs.push({ t: Number(parts[0]), name: ev.name, f: ev.fields });
  }
  return { r, evs, settings: settings! };
}

const failed = (evs: Ev[]) => evs.filter((e) => e.name === "uplink" && e.f.ok === "0" && e.f.reason === "no-coverage");
const parkedMs = CONFIG_SPEC.rep_parked_s.def * 1000;

describe("a power cut while parked in a coverage gap", () => {
  const still = run([{ t: 0, lat: 39.0, lon: 117.7 }]);

  test("NVS keeps the learned attach, the gap flag, the ignition-off time and place, and the platform's position", () => {
    const m = JSON.parse(still.settings.get(CUT_MEMORY_SETTING)!);
    expect(m.attach).toBeGreaterThan(0);
    expect(m.attach).toBeLessThan(DEFAULT_TIMINGS.registerMs / 2);
    expect(Number.isFinite(m.off)).toBe(true);
    expect(m.lat).toBeCloseTo(39.0, 3);
    expect(m.lon).toBeCloseTo(117.7, 3);
    expect(Number.isFinite(m.pos)).toBe(true);
    expect(m.gap).toBeUndefined(); // the network came back and a session delivered
  });

  test("the first search after the cut waits as long as before it, not the link's full wait", () => {
    const after = failed(still.evs).filter((e) => e.t > CUT);
    expect(after.length).toBeGreaterThan(0);
    const before = failed(still.evs).filter((e) => e.t < CUT);
    expect(before.length).toBeGreaterThan(0);
    expect(Number(after[0].f.ms)).toBeLessThanOrEqual(Number(before[0].f.ms) + 1000);
    expect(Number(after[0].f.ms)).toBeLessThan(DEFAULT_TIMINGS.registerMs / 2);
  });

  test("still parked after the cut: the next search waits at least a parked report interval", () => {
    const after = failed(still.evs).filter((e) => e.t > CUT);
    for (let i = 1; i < after.length; i++) expect((after[i].t - after[i - 1].t) * 1000).toBeGreaterThanOrEqual(parkedMs - 60_000);
  });

  test("no short message for a position the platform got before the gap (parked and unmoved: a day's limit)", () => {
    const lastAck = still.evs.filter((e) => e.name === "uplink" && e.f.ok === "1" && e.t < 10 * H).pop()!;
    const tx = still.evs.filter((e) => e.name === "rdss-tx");
    for (const e of tx) expect(e.t - lastAck.t).toBeGreaterThan(23 * H);
    expect(still.r.summary.records_lost).toBe(0);
  });

  test("a power cut outside a gap keeps the link's own wait: an attach in CE2 (about 40 s) still succeeds", () => {
    const poor = run([{ t: 0, lat: 39.0, lon: 117.7 }], [{ t: 0, nbiot: "good" }, { t: 10 * H, nbiot: "poor" }]);
    const after = poor.evs.filter((e) => e.name === "uplink" && e.t > CUT);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0].f.ok).toBe("1");
    expect(failed(poor.evs)).toEqual([]);
    expect(poor.evs.filter((e) => e.name === "rdss-tx")).toEqual([]);
  });

  test("a unit moved while its power was off is not taken for parked: it retries sooner than a parked report", () => {
    const moved = run([
      { t: 0, lat: 39.0, lon: 117.7 },
      { t: CUT, lat: 39.0, lon: 117.7 },
      { t: CUT + 4, lat: 39.05, lon: 117.7 },
    ]);
    const after = failed(moved.evs).filter((e) => e.t > CUT);
    expect(after.length).toBeGreaterThan(1);
    expect((after[1].t - after[0].t) * 1000).toBeLessThan(parkedMs);
    expect(moved.r.summary.records_lost).toBe(0);
  });
});
