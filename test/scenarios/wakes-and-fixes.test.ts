/**
 * Boots and receiver time on generated trips (seeded, none of them a reference trace): a day of deliveries with
 * stops at random times, with a stretch of urban sky and a coverage gap while driving. The invariants hold for
 * every seed: the device boots about as often as the energy floor counts (one boot per distinct duty time), the
 * receiver is on only while a search runs (never left tracking through a nap or a long modem session), and the
 * delivery and logging guarantees stay.
 */
import { describe, expect, it } from "vitest";
import { simulate, type SimResult } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";
import { Rng } from "../../sim/world/rng";
import { powerTable } from "../../sim/report/power-table";
import { created, events } from "./trip-log";

/** A delivery day: depot, `stops` stops of 20-60 min at random along a drive north-east at 40-80 km/h. */
function deliveryDay(seed: number, stops: number) {
  const rng = new Rng(seed);
  const route = [{ t: 0, lat: 39.7, lon: 116.3, alt: 40 }];
  const ignition: { t: number; on: boolean }[] = [];
  const door: { t: number; state: "open" | "closed" }[] = [];
  let t = rng.int(600, 1800);
  let lat = 39.7;
  let lon = 116.3;
  route.push({ t, lat, lon, alt: 40 });
  for (let i = 0; i <= stops; i++) {
    ignition.push({ t, on: true });
    const drive = rng.int(1800, 5400);
    const kmh = rng.int(40, 80);
    const d = (kmh / 3.6) * drive;
    lat += (d * Math.SQRT1_2) / 111320;
    lon += (d * Math.SQRT1_2) / 85390;
    t += drive;
    route.push({ t, lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6, alt: 30 });
    ignition.push({ t: t + 20, on: false });
    const stop = rng.int(1200, 3600);
    const opened = t + rng.int(60, 300);
    door.push({ t: opened, state: "open" }, { t: opened + rng.int(120, 500), state: "closed" });
    t += stop;
    route.push({ t, lat: Math.round(lat * 1e6) / 1e6, lon: Math.round(lon * 1e6) / 1e6, alt: 30 });
  }
  const urbanAt = rng.int(3600, Math.max(3601, t - 7200));
  const gapAt = rng.int(3600, Math.max(3601, t - 7200));
  return validateTrace({
    name: `delivery-day-${seed}`,
    start: "2026-07-02T06:00:00+08:00",
    duration: 86400,
    seed,
    device: { id: "013800138009", gnss: "atgm336h", modem: "bc660k", probes: ["front", "rear"] },
    route,
    sky: [
      { t: 0, state: "open" },
      { t: urbanAt, state: "urban" },
      { t: urbanAt + 2400, state: "open" },
    ],
    network: [
      { t: 0, nbiot: "good" },
      { t: gapAt, nbiot: "none" },
      { t: gapAt + 1800, nbiot: "good" },
    ],
    temperature: { front: [{ t: 0, c: 4 }], rear: [{ t: 0, c: 5 }] },
    door,
    ignition,
    supply: [{ t: 0, source: "battery" }],
  });
}

const runs: SimResult[] = [11, 23, 37].map((seed) => simulate(deliveryDay(seed, 4), { drainS: 3 * 3600 }));

describe("generated delivery days: boots and receiver time", () => {
  it("boot about as often as the energy floor counts (one boot per distinct duty time)", () => {
    for (const r of runs) {
      const s = r.summary;
      // Door and ignition edges wake the device on their own and searches longer than a nap's break-even
      // (warm starts after a stop longer than the ephemeris age) take a second boot: a few per cent.
      expect(s.wakes / s.floor_wakes).toBeLessThan(1.1);
    }
  });

  it("the receiver is on only while a search runs: never through a nap's overshoot or a long modem session", () => {
    const table = powerTable();
    for (const r of runs) {
      const fixes = events(r.transcript).filter((e) => e.name === "fix" && e.t <= 86400);
      const searched = fixes.reduce((a, e) => a + Number(e.f.ttf_ms), 0) / 1000;
      const onS = (r.summary.gnss_mAh - (table.gnss_backup_mA * 86400) / 3600) / (table.gnss_on_mA / 3600);
      // Per search at most the receiver's boot and the epoch the fix lands in, beyond the time to fix.
      expect(onS - searched).toBeLessThan(fixes.length * 1.5);
      const hot = fixes.filter((e) => e.f.start === "hot");
      const long = fixes.filter((e) => e.f.start !== "hot").reduce((a, e) => a + Number(e.f.ttf_ms), 0) / 1000;
      // A hot start costs POWER.md's hot time to fix (5 s, ±25 % in the simulated receiver), its boot and the
      // epoch the fix lands in, on average: not a learned time inflated by a stretch of urban sky.
      expect((onS - long) / hot.length).toBeLessThan(table.gnss_hot_s + 1.5);
      expect(r.summary.fix_failures).toBe(0);
    }
  });

  it("keeps the guarantees: nothing lost or duplicated, a temperature record at least every 300 s", () => {
    for (const r of runs) {
      const s = r.summary;
      expect(s.records_lost).toBe(0);
      expect(s.duplicates).toBe(0);
      expect(s.max_temp_gap_s).toBeLessThanOrEqual(300);
      expect(created(events(r.transcript)).filter((c) => c.kind === "position").length).toBeGreaterThan(40);
    }
  });
});
