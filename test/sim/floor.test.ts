/**
 * The energy floor prices what no firmware can avoid at a power-on: the receiver has lost its backup (a cold
 * fix, 45 s, not a hot one) and the modem is unregistered (an attach, 10 s at 60 mA), for the first report after
 * the trace's start and after each power cut. Its temperature records follow the log interval the configuration
 * requires at each record: temp_log_s, and the fast log of an excursion with its decay. The formula as the issue
 * first measured it (every fix hot, every send from PSM, a record every temp_log_s) is kept beside it.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../firmware/config/config";
import { SimSettings } from "../../sim/devices/settings-sim";
import { energyFloor, powerOnTimes, powerOnsWithReport, requiredReports, requiredSamples } from "../../sim/report/floor";
import { powerTable } from "../../sim/report/power-table";
import { World } from "../../sim/world/world";
import { validateTrace } from "../../sim/world/trace-loader";

function world(faults: unknown[] = [], extra: Record<string, unknown> = {}) {
  return new World(
    validateTrace({
      start: "2026-07-01T06:00:00+08:00",
      duration: 6 * 3600,
      seed: 1,
      device: { id: "13800138000", rdss: "none" },
      route: [{ t: 0, lat: 39.9, lon: 116.4 }],
      faults,
      ...extra,
    }),
  );
}

describe("energy floor at power-on", () => {
  const table = powerTable();
  const cfg = loadConfig(new SimSettings());
  const coldExtra = (table.gnss_on_mA * (table.gnss_cold_s - table.gnss_hot_s)) / 3600;
  const attach = (table.modem_attach_mA * table.modem_attach_s) / 3600;

  it("power-ons are the trace start and the end of each cut inside the trace", () => {
    expect(powerOnTimes(world())).toEqual([0]);
    const w = world([
      { t: 3600, kind: "power-cut", for: 20 },
      { t: 7200, kind: "power-cut", for: 5 },
      { t: 9000, kind: "modem-reboot" },
      { t: 6 * 3600 - 2, kind: "power-cut", for: 10 },
    ]);
    expect(powerOnTimes(w)).toEqual([0, 3620, 7205]);
  });

  it("a power-on counts only when a report follows it before the next power-on", () => {
    expect(powerOnsWithReport([0], [0, 3600])).toBe(1);
    expect(powerOnsWithReport([0, 100, 200], [0, 3600])).toBe(2); // 100: the cut at 200 comes first
    expect(powerOnsWithReport([0, 4000], [0, 3600])).toBe(1); // no report after 4000
    expect(powerOnsWithReport([10], [0])).toBe(0);
  });

  it("prices a cold fix and an attach per power-on, on top of the formula as written", () => {
    const w = world([{ t: 7200, kind: "power-cut", for: 5 }]);
    const f = energyFloor(w, cfg, table, 0);
    expect(requiredReports(w, cfg).some((t) => t > 7205)).toBe(true);
    expect(f.powerOns).toBe(2);
    expect(f.powerOnMah.gnss).toBeCloseTo(2 * coldExtra, 9);
    expect(f.powerOnMah.modem).toBeCloseTo(2 * attach, 9);
    expect(f.mAh - f.formulaMah).toBeCloseTo(2 * (coldExtra + attach), 9);
    const plain = energyFloor(world(), cfg, table, 0);
    expect(plain.powerOns).toBe(1);
    expect(f.formulaMah).toBeCloseTo(plain.formulaMah, 9); // the cut adds nothing to the formula's terms
    let sum = 0;
    for (const v of Object.values(f.byComponent)) sum += v;
    expect(sum).toBeCloseTo(f.mAh, 9);
  });
});

describe("energy floor: the records an excursion requires", () => {
  const table = powerTable();
  const cfg = loadConfig(new SimSettings());
  // The default band is 2-8 °C; the probe is out from 3600 s to 5400 s.
  const front = [{ t: 0, c: 4 }, { t: 3599, c: 4 }, { t: 3600, c: 9 }, { t: 5399, c: 9 }, { t: 5400, c: 4 }];
  const hot = { temperature: { front } };
  const gaps = (ts: number[]) => ts.slice(1).map((t, i) => t - ts[i]);

  it("every temp_log_s without an excursion", () => {
    const s = requiredSamples(world(), cfg);
    expect(s.length).toBe((6 * 3600) / 300);
    expect(new Set(gaps(s))).toEqual(new Set([300]));
  });

  it("temp_fast_s from the first record outside the band, then the staircase back from the first one inside", () => {
    const s = requiredSamples(world([], hot), cfg);
    const g = gaps(s);
    const at = (t: number) => g[s.findIndex((x) => x >= t)];
    expect(s).toContain(3600); // on the 300 s grid: the first record that finds the probe out
    expect(at(3600)).toBe(60);
    expect(at(5300)).toBe(60);
    // Back inside at 5400: 60 s for temp_fast_for_s, then 120 s, 240 s, then temp_log_s again.
    expect(at(5400 + 1800)).toBe(60);
    expect(at(5400 + 3600 + 60)).toBe(120);
    expect(at(5400 + 7200 + 120)).toBe(240);
    expect(at(5400 + 3 * 3600 + 300)).toBe(300);
    const f = energyFloor(world([], hot), cfg, table, 0);
    const plain = energyFloor(world(), cfg, table, 0);
    expect(f.fastSamples).toBe(s.length - 72);
    expect(f.fastSamples).toBeGreaterThan(60);
    expect(f.mAh).toBeGreaterThan(plain.mAh);
    // The formula as first measured keeps a record every temp_log_s.
    expect(f.formulaMah).toBeCloseTo(plain.formulaMah, 9);
  });

  it("an open probe reads nothing, and an ignore window after the trip start keeps an excursion from starting", () => {
    const open = requiredSamples(world([{ t: 3000, kind: "probe-open", probe: "front", for: 3000 }], hot), cfg);
    expect(open.length).toBe(72);
    const ign = { ...hot, ignition: [{ t: 3500, on: true }] };
    const quiet = loadConfig(new SimSettings({ ignore_start_s: "3600" }));
    expect(requiredSamples(world([], ign), quiet).length).toBe(72);
    expect(requiredSamples(world([], ign), cfg).length).toBeGreaterThan(72);
  });
});
