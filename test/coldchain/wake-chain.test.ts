/**
 * The cold-chain modules wired as a wake cycle would wire them: every wake rebuilds them from a JSON snapshot,
 * reads the simulated probes, steps the engine and the statistics, and sleeps until the earlier of the next
 * record and the engine's next check.
 */
import { describe, expect, it } from "vitest";
import { AlarmEngine, type EngineState } from "../../firmware/coldchain/alarm-engine";
import { emptyLogState, logObserve, logRecorded, nextRecordAt, type LogState } from "../../firmware/coldchain/log-schedule";
import { TripStats, type TripState } from "../../firmware/coldchain/trip-stats";
import { DS18B20_CONVERT_MS } from "../../firmware/sensors/ds18b20";
import { ProbeReader, type ProbeReaderState } from "../../firmware/sensors/probe-reader";
import type { AlarmDetail } from "../../firmware/store/track-record";
import { SimOneWire } from "../../sim/devices/sensors-sim";
import { simRig } from "./helpers";

interface Saved {
  reader?: ProbeReaderState;
  engine?: EngineState;
  trip?: TripState;
  log: LogState;
}

describe("cold chain across deep-sleep wakes", () => {
  it("raises an excursion within its delay plus one fast interval, clears it, and logs fast meanwhile", () => {
    // front warms to 11 °C between 1 h and 1 h 10 min, stays there 40 min, cools back by 2 h 10 min.
    const r = simRig({
      temperature: {
        front: [
          { t: 0, c: 4 },
          { t: 3600, c: 4 },
          { t: 4200, c: 11 },
          { t: 6600, c: 11 },
          { t: 7800, c: 4 },
        ],
        rear: [{ t: 0, c: -18 }],
      },
      faults: [{ t: 9000, kind: "probe-open", probe: "rear", for: 900 }],
    });
    const ow = new SimOneWire({ sched: r.sched, world: r.world, meter: r.meter, rng: r.rng, probes: r.probes });
    const cfg = { temp_log_s: 300, temp_fast_s: 60, temp_fast_for_s: 1800 };
    const ecfg = { probes: r.probes, bands: "front:2:8:600:300:0.5:0;rear:-25:-15:600:300:0.5:0", ignore_start_s: 0, defrost_s: 0, door_alarm_s: 900, batt_low_mv: 3300 };
    let saved = JSON.stringify({ log: emptyLogState() } as Saved);
    const events: { t: number; ev: AlarmDetail }[] = [];
    const records: number[] = [];
    let wakeAt = 0;
    let wakes = 0;
    while (wakeAt < 4 * 3600 * 1000) {
      r.sched.run(wakeAt);
      wakes++;
      const s = JSON.parse(saved) as Saved;
      const engine = new AlarmEngine(ecfg, s.engine);
      const trip = new TripStats({ probes: r.probes, bands: ecfg.bands, endAfterS: 600, maxGapS: 900 }, s.trip);
      if (wakes === 1) trip.motion(r.sched.now, true);
      let log = s.log;
      let next = 0;
      const reader = new ProbeReader({
        oneWire: ow,
        clock: r.clock,
        names: r.probes,
        state: s.reader,
        onResult: (temps) => {
          const t = r.sched.now;
          const step = engine.step({ kind: "temps", t, temps });
          for (const ev of step.events) events.push({ t, ev });
          trip.temps(t, temps);
          log = logRecorded(logObserve(log, t, engine.excursion()), t);
          records.push(t);
          next = Math.min(nextRecordAt(log, cfg, t), step.next ?? Infinity);
        },
      });
      reader.start();
      r.sched.run(r.sched.now + 2000);
      saved = JSON.stringify({ reader: reader.snapshot(), engine: engine.snapshot(), trip: trip.snapshot(), log });
      // Wake one conversion early so the reading lands when it is due, not 750 ms late every time.
      wakeAt = next - DS18B20_CONVERT_MS;
    }
    const brief = events.map((e) => `${e.ev.code} ${e.ev.raised ? "raised" : "cleared"} p${e.ev.probe}`);
    expect(brief).toEqual(["temp-high raised p0", "temp-high cleared p0", "probe-fault raised p1", "probe-fault cleared p1"]);
    // front passes 8 °C at 3600 + 600·4/7 ≈ 3943 s; with 300 s records the first out-of-range one comes ≤ 300 s
    // later, then 60 s records: raised 600 s after it, at the latest one fast interval late.
    const raised = events[0];
    expect(raised.t / 1000).toBeGreaterThan(3943 + 600);
    expect(raised.t / 1000).toBeLessThan(3943 + 300 + 600 + 60 + 2);
    expect(raised.ev.extreme).toBeGreaterThanOrEqual(80);
    // Records were 60 s apart during the excursion (less where a delay check fell between two) and back to
    // 300 s at the end; never more than 300 s (GSP).
    const gaps = records.slice(1).map((t, i) => (t - records[i]) / 1000);
    expect(gaps.filter((g) => g === 60).length).toBeGreaterThan(60);
    expect(Math.min(...gaps)).toBeGreaterThan(30);
    expect(Math.max(...gaps)).toBe(300);
    expect(gaps[gaps.length - 1]).toBe(300);
    expect(JSON.stringify(saved).length).toBeLessThan(1200);
    const report = new TripStats({ probes: r.probes, bands: ecfg.bands, endAfterS: 600, maxGapS: 900 }, (JSON.parse(saved) as Saved).trip).tripReport(r.sched.now);
    expect(report.probes[0].max).toBeGreaterThan(10.5);
    expect(report.probes[0].mkt!).toBeGreaterThan(report.probes[0].mean!);
    expect(report.probes[0].outOfBandS[0].seconds).toBeGreaterThan(2400);
    expect(wakes).toBeLessThan(200);
  });
});
