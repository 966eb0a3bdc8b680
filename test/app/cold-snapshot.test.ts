/** The packed RTC form of the engine and trip snapshots: same behaviour after a round trip, garbage starts fresh. */
import { describe, expect, it } from "vitest";
import { packEngine, packTrip, unpackEngine, unpackTrip } from "../../firmware/app/cold-snapshot";
import { AlarmEngine } from "../../firmware/coldchain/alarm-engine";
import { TripStats } from "../../firmware/coldchain/trip-stats";

const S = 1000;
const ecfg = { probes: ["a", "b"], bands: "*:2:8:600:300:0.5:1", ignore_start_s: 0, defrost_s: 0, door_alarm_s: 900, batt_low_mv: 3300 };
const tcfg = { probes: ["a", "b"], bands: ecfg.bands, endAfterS: 600, maxGapS: 600 };
const trip = (st?: unknown) => new TripStats(tcfg, unpackTrip(st));
const engine = (st?: unknown) => new AlarmEngine(ecfg, unpackEngine(st));

describe("cold snapshots in RTC form", () => {
  it("an engine packed and unpacked at every step behaves as one kept in RAM", () => {
    const ram = new AlarmEngine(ecfg);
    let packed = JSON.parse(JSON.stringify(packEngine(new AlarmEngine(ecfg).snapshot())));
    const out: string[][] = [[], []];
    const feed = (t: number, temps: (number | null)[], utc?: number) => {
      const input = { kind: "temps" as const, temps, t, utc };
      out[0].push(...ram.step(input).events.map((e) => JSON.stringify(e)));
      const e = engine(packed);
      out[1].push(...e.step(input).events.map((x) => JSON.stringify(x)));
      packed = JSON.parse(JSON.stringify(packEngine(e.snapshot())));
    };
    for (let t = 0; t < 4000; t += 60) feed(t * S, [t > 600 && t < 2000 ? 9.0625 : 4, t > 1000 && t < 1300 ? null : 1.5], 1.78e12 + t * S);
    const e = engine(packed);
    out[1].push(...e.step({ kind: "ack", t: 4000 * S, utc: 1.78e12 + 4000 * S }).events.map((x) => JSON.stringify(x)));
    out[0].push(...ram.step({ kind: "ack", t: 4000 * S, utc: 1.78e12 + 4000 * S }).events.map((x) => JSON.stringify(x)));
    expect(out[0].length).toBeGreaterThan(3);
    expect(out[1]).toEqual(out[0]);
  });

  it("trip figures survive the packing to within the rounding", () => {
    const ram = new TripStats(tcfg);
    let packed: unknown = packTrip(ram.snapshot());
    const step = (f: (t: TripStats) => void) => {
      f(ram);
      const t = trip(packed);
      f(t);
      packed = JSON.parse(JSON.stringify(packTrip(t.snapshot())));
    };
    step((t) => t.ignition(0, true));
    for (let i = 1; i < 200; i++) step((t) => t.temps(i * 299 * S, [4 + Math.sin(i) * 3.0302128633, i % 17 === 0 ? null : -18.0625]));
    step((t) => t.door(1000 * S, true));
    step((t) => t.door(1100 * S, false));
    const a = ram.tripReport(60000 * S);
    const b = trip(packed).tripReport(60000 * S);
    expect(b.probes[0].mean!).toBeCloseTo(a.probes[0].mean!, 4);
    expect(b.probes[0].mkt!).toBeCloseTo(a.probes[0].mkt!, 4);
    expect(b.probes[1].min).toBe(-18.0625);
    expect(b.probes[0].outOfBandS).toEqual(a.probes[0].outOfBandS);
    expect({ ...b, probes: [] }).toEqual({ ...a, probes: [] });
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(ram.snapshot()).length * 0.75);
  });

  it("anything else unpacks to nothing, so the module starts fresh", () => {
    for (const bad of [undefined, null, 3, "x", {}, { det: { "0.0.h": ["raised"] }, fault: {} }, { det: { k: [9, 1, 2] }, fault: {} }]) {
      expect(unpackEngine(bad)).toBeUndefined();
    }
    for (const bad of [undefined, {}, { phase: 7, probes: [] }, { phase: 1, probes: [[1, 2, "x", 4, []]] }, { phase: 0, probes: [[1, 2, 3, 4, [null]]] }]) {
      expect(unpackTrip(bad)).toBeUndefined();
    }
  });
});
