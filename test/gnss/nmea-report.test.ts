// Vector: gpsd L76K log (ntpsec/gpsd @46977faa).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nmeaReport } from "../../sim/report/nmea-report";
import { rig } from "./harness";

describe("nmeaReport", () => {
  it("one JSON line per epoch with a position, in the documented shape", () => {
    const bytes = new Uint8Array(readFileSync(new URL("../../../shared/vectors/nmea/quectel-l76k-nmea.log", import.meta.url)));
    const out = nmeaReport(bytes);
    expect(out.length).toBe(151);
    expect(JSON.parse(out[0])).toEqual({
      time: "2026-08-05T05:52:34.000Z", mode: 2, lat: 47.6619817, lon: -122.3263937, speed: 0, track: 286.35, satsUsed: 0, bdsUsed: 0,
    });
    expect(JSON.parse(out[1])).toMatchObject({ time: "2026-08-05T05:52:34.200Z", mode: 3, altMSL: 76.5, hdop: 0.9, satsUsed: 14, bdsUsed: 3 });
  });

  it("reads what the simulated receiver writes: positions near the route, BDS used", () => {
    const t = rig("atgm336h");
    const chunks: Uint8Array[] = [];
    const serial = t.bind();
    serial.onReceive((c) => chunks.push(c.slice()));
    serial.setPower(true);
    t.sched.run(120000);
    let n = 0;
    for (const c of chunks) n += c.length;
    const all = new Uint8Array(n);
    let o = 0;
    for (const c of chunks) (all.set(c, o), (o += c.length));
    const fixes = nmeaReport(all).map((l) => JSON.parse(l));
    const withPos = fixes.filter((f) => f.lat !== undefined);
    expect(withPos.length).toBeGreaterThan(50);
    for (const f of withPos) {
      expect(Math.abs(f.lat - 39.9)).toBeLessThan(0.01);
      expect(f.mode).toBe(3);
      expect(f.bdsUsed).toBeGreaterThan(0);
      expect(f.time).toMatch(/^2026-08-05T05:0[0-2]:/);
    }
  });
});
