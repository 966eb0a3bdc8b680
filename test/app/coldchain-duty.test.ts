/**
 * The cold-chain duty in the wake cycle: every wake a fresh firmware on the device runner, the probes simulated
 * on 1-Wire from the trace's temperatures.
 */
import { describe, expect, it } from "vitest";
import type { App } from "../../firmware/app/app";
import type { Duty } from "../../firmware/app/duty";
import { RECORD_EARLY_MS } from "../../firmware/app/coldchain-duty";
import { encodeRetained } from "../../firmware/store/retained-state";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";
import { coldRig, gapsS } from "./coldchain-rig";

const brief = (r: { detail?: { code: string; raised: boolean; probe?: number } }) =>
  `${r.detail!.code} ${r.detail!.raised ? "raised" : "cleared"}${r.detail!.probe === undefined ? "" : ` p${r.detail!.probe}`}`;

describe("temperature logging across deep-sleep wakes", () => {
  it("writes a record at most every temp_log_s, all day, with one wake per record", () => {
    const r = coldRig({ hours: 24 });
    r.run();
    const temps = r.records("temperature");
    const gaps = gapsS(temps.map((x) => x.mono));
    expect(temps[0].mono).toBeLessThan(2000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(300);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(300 - RECORD_EARLY_MS / 1000 - 0.2);
    // 86,400 s / 299 s: records land 1 s early every time, so the gap never reaches 300 s even with a reconversion.
    expect(temps.length).toBeGreaterThanOrEqual(288);
    expect(temps.length).toBeLessThanOrEqual(290);
    for (const t of temps) {
      expect(t.temps.length).toBe(2);
      expect(Math.abs(t.temps[0]! - 40)).toBeLessThanOrEqual(3);
      expect(Math.abs(t.temps[1]! - 40)).toBeLessThanOrEqual(3);
    }
    expect(r.records("alarm")).toEqual([]);
    expect(r.runner.wakes.length).toBeLessThanOrEqual(temps.length + 1);
    expect(r.runner.crashes).toBe(0);
    expect(r.lines("fault")).toEqual([]);
    const e = r.meter.byComponent();
    console.log(
      `coldchain figures (2 probes, 24 h, 300 s log): ${temps.length} temperature records, ${r.runner.wakes.length} wakes, ` +
        `mcu ${e.mcu.toFixed(3)} mAh, probes ${e.probes.toFixed(3)} mAh, awake ${(r.runner.awakeMs() / 1000).toFixed(0)} s`,
    );
  });

  it("follows a shorter temp_log_s and keeps the gap after a power cut to the cut itself", () => {
    const r = coldRig({
      hours: 3,
      settings: { temp_log_s: "120" },
      trace: { faults: [{ t: 5000, kind: "power-cut", for: 30 }] },
    });
    r.run();
    const times = r.records("temperature").map((x) => x.mono);
    const gaps = gapsS(times);
    const cut = times.findIndex((t) => t > 5000_000);
    gaps.forEach((g, i) => {
      if (i === cut - 1) expect(g).toBeLessThanOrEqual(120 + 30 + 1);
      else expect(g).toBeLessThanOrEqual(120);
    });
    // Boot after the cut: the log schedule was in RTC memory, so a reading comes at once.
    expect(times[cut] / 1000).toBeLessThan(5030 + 2);
  });

  it("after a supply cut under a running log, a second cut of up to 20 s over a record's due time keeps the gap within 300 s", () => {
    // The first cut (at 3000 s) teaches the unit its supply drops; the second starts `into` s after the third
    // record since, for 20 s. Without the slack, a record is due 299 s into the gap: a cut from 280 s on covers it
    // and the record comes only after the cut, 300 s + the cut after the previous one.
    const r = coldRig({ hours: 3, trace: { faults: [{ t: 3000, kind: "power-cut", for: 5 }] } });
    r.run();
    const after = r.records("temperature").map((x) => x.mono).filter((t) => t > 3000_000);
    for (const into of [240, 262, 275, 285, 295]) {
      const second = Math.round(after[2] / 1000 + into);
      const r2 = coldRig({
        hours: 3,
        trace: { faults: [{ t: 3000, kind: "power-cut", for: 5 }, { t: second, kind: "power-cut", for: 20 }] },
      });
      r2.run();
      const times = r2.records("temperature").map((x) => x.mono);
      const gaps = gapsS(times);
      expect(Math.max(...gaps), `second cut ${into} s into a gap`).toBeLessThanOrEqual(300);
      // the slack lasts an hour after the last cut, then the log is back at 299 s
      const late = gapsS(times.filter((t) => t > (second + 3600 + 300) * 1000));
      expect(late.length).toBeGreaterThan(3);
      for (const g of late) expect(g).toBeGreaterThanOrEqual(298.5);
    }
  });
});

describe("excursions", () => {
  // front warms from 4 °C to 11 °C between 1 h and 1 h 10 min, dips to 7.8 °C (inside the limit, not past the
  // 0.5 °C hysteresis) for 20 min, warms again, and is back at 4 °C by 3 h.
  const front = [
    { t: 0, c: 4 },
    { t: 3600, c: 4 },
    { t: 4200, c: 11 },
    { t: 6000, c: 11 },
    { t: 6060, c: 7.8 },
    { t: 7260, c: 7.8 },
    { t: 7320, c: 10 },
    { t: 9000, c: 10 },
    { t: 10800, c: 4 },
  ];

  it("raises once, delay_s after the first out-of-range reading, and clears once past the hysteresis", () => {
    const r = coldRig({ hours: 5, trace: { temperature: { front, rear: [{ t: 0, c: 4 }] } } });
    r.run();
    const alarms = r.records("alarm");
    expect(alarms.map(brief)).toEqual(["temp-high raised p0", "temp-high cleared p0"]);
    const temps = r.records("temperature");
    const firstOut = temps.find((x) => x.temps[0]! > 80)!;
    const raised = alarms[0];
    // The delay runs from the first reading that saw the excursion; the deciding reading lands exactly then.
    expect(raised.mono - firstOut.mono).toBeGreaterThanOrEqual(600_000);
    expect(raised.mono - firstOut.mono).toBeLessThan(600_000 + 200);
    expect(raised.detail!.extreme!).toBeGreaterThanOrEqual(95);
    // Back inside 7.5 °C for the first time only after the dip; the clear delay runs from that reading.
    const backIn = temps.find((x) => x.mono > 9000_000 && x.temps[0]! <= 75)!;
    const cleared = alarms[1];
    expect(cleared.mono - backIn.mono).toBeGreaterThanOrEqual(300_000);
    expect(cleared.mono - backIn.mono).toBeLessThan(300_000 + 200);
    expect(cleared.detail!.durationS!).toBeGreaterThan(9000 - 4000);
    // Fast logging from the first out-of-range reading, then back to 300 s only after the decay.
    const during = gapsS(temps.filter((x) => x.mono >= firstOut.mono && x.mono <= cleared.mono).map((x) => x.mono));
    expect(Math.max(...during)).toBeLessThanOrEqual(60);
    expect(Math.max(...gapsS(temps.map((x) => x.mono)))).toBeLessThanOrEqual(300);
    expect(r.lines("alarm").map((l) => `${l.fields.code} ${l.fields.raised} ${l.fields.probe} ${l.fields.band}`)).toEqual([
      "temp-high 1 0 0",
      "temp-high 0 0 0",
    ]);
  });

  it("never turns a disconnected probe into an excursion: a probe fault instead, cleared when it is back", () => {
    const r = coldRig({
      hours: 3,
      settings: { bands: "front:2:8:600:300:0.5:0;rear:-25:-15:600:300:0.5:0" },
      trace: {
        temperature: { front: [{ t: 0, c: 4 }], rear: [{ t: 0, c: -18 }] },
        faults: [{ t: 3600, kind: "probe-open", probe: "rear", for: 1800 }],
      },
    });
    r.run();
    expect(r.records("alarm").map(brief)).toEqual(["probe-fault raised p1", "probe-fault cleared p1"]);
    const temps = r.records("temperature");
    const during = temps.filter((x) => x.mono > 3601_000 && x.mono < 5400_000);
    expect(during.length).toBeGreaterThan(5);
    for (const x of during) expect(x.temps[1]).toBeNull();
    // The probe comes back with its 85.0 °C power-on value once: never recorded.
    for (const x of temps) if (x.temps[1] !== null) expect(Math.abs(x.temps[1] + 180)).toBeLessThanOrEqual(3);
    expect(Math.max(...gapsS(temps.map((x) => x.mono)))).toBeLessThanOrEqual(300);
  });

  it("keeps a latched alarm until the platform acknowledges it, then clears it", () => {
    // A stand-in for the uplink duty: the platform acknowledges alarms (0x8203) at 3 h.
    const acker: Duty = {
      name: "t-ack",
      phase: "deliver",
      dueAt: (app: App) => (app.mod("t-acked") ? Infinity : 3 * 3600_000),
      run(app: App, done: () => void) {
        app.saveMod("alarm-ack", { serial: 0, mask: 0, at: app.now() });
        app.saveMod("t-acked", true);
        done();
      },
    };
    const r = coldRig({
      hours: 4,
      duties: [acker],
      settings: { bands: "*:2:8:300:120:0.5:1" },
      trace: { temperature: { front: [{ t: 0, c: 4 }, { t: 3600, c: 4 }, { t: 3700, c: 12 }, { t: 5400, c: 12 }, { t: 5500, c: 4 }], rear: [{ t: 0, c: 4 }] } },
    });
    r.run();
    const alarms = r.records("alarm");
    expect(alarms.map(brief)).toEqual(["temp-high raised p0", "temp-high cleared p0"]);
    // Back in range at ~1 h 32 min, held until the acknowledgement at 3 h, cleared at the next reading.
    expect(alarms[1].mono).toBeGreaterThanOrEqual(3 * 3600_000);
    expect(alarms[1].mono).toBeLessThan(3 * 3600_000 + 301_000);
    expect(r.state()!.mods["alarm-ack"]).toBeUndefined();
  });
});

describe("supply alarms and the JT/T alarm word", () => {
  it("raises power lost (bit 8) when truck power goes and battery low (bit 7) below batt_low_mv", () => {
    const r = coldRig({
      hours: 2,
      settings: { batt_low_mv: "3700" },
      trace: { supply: [{ t: 0, source: "external" }, { t: 3000, source: "battery" }, { t: 5000, source: "external" }] },
    });
    r.run();
    expect(r.records("alarm").map(brief)).toEqual(["battery-low raised", "power-lost raised", "power-lost cleared"]);
    const lost = r.records("alarm")[1];
    // Noticed at the next wake: on battery the device sleeps until its next reading.
    expect(lost.mono).toBeGreaterThanOrEqual(3000_000);
    expect(lost.mono).toBeLessThan(3000_000 + 300_000);
    const temps = r.records("temperature");
    const bits = (t: number) => temps.filter((x) => x.mono > t).find(() => true)!.alarms;
    expect(bits(100_000) & (1 << 7)).not.toBe(0);
    expect(bits(100_000) & (1 << 8)).toBe(0);
    expect(bits(3400_000) & (1 << 8)).not.toBe(0);
    expect(bits(5400_000) & (1 << 8)).toBe(0);
  });
});

describe("trips", () => {
  it("reports a trip's per-probe figures when it ends", () => {
    const r = coldRig({
      hours: 3,
      trace: {
        ignition: [{ t: 0, on: false }, { t: 1200, on: true }, { t: 6000, on: false }],
        door: [{ t: 0, state: "closed" }, { t: 3000, state: "open" }, { t: 3120, state: "closed" }],
        temperature: { front: [{ t: 0, c: 4 }, { t: 3000, c: 4 }, { t: 3300, c: 6 }, { t: 4000, c: 4 }], rear: [{ t: 0, c: 5 }] },
      },
    });
    r.run();
    const reports = r.lines("trip-report");
    expect(reports.length).toBe(1);
    const f = reports[0].fields;
    // Ends when the truck went quiet (ignition off) once park_after_s (600 s) confirmed it.
    expect(reports[0].t).toBeGreaterThanOrEqual(6600_000);
    expect(reports[0].t).toBeLessThan(6600_000 + 2000);
    expect(Number(f.duration_s)).toBe(4800);
    expect(Number(f.door_opens)).toBe(1);
    expect(Number(f.door_open_s)).toBe(120);
    expect(Number(f.front_n)).toBeGreaterThan(15);
    expect(Number(f.front_max)).toBeGreaterThan(5.5);
    expect(Number(f.front_mean)).toBeGreaterThan(4);
    expect(Number(f.front_mkt)).toBeGreaterThanOrEqual(Number(f.front_mean));
    expect(Number(f.rear_min)).toBeGreaterThan(4.7);
    expect(Number(f.front_out0_s)).toBe(0);
    expect(r.records("trip").length).toBe(1);
  });
});

describe("retained state", () => {
  it("fits in well under half the RTC block with 8 probes mid-excursion and mid-trip", () => {
    const probes = ["p1", "p2", "p3", "p4", "p5", "p6", "p7", "sht8"];
    const hot = [{ t: 0, c: 4 }, { t: 1800, c: 12 }];
    const temperature = Object.fromEntries(probes.map((p) => [p, hot]));
    const r = coldRig({
      hours: 1,
      probes,
      settings: { bands: "*:2:8:600:300:0.5:0;*:0:10:1200:300:0.5:1" },
      trace: { temperature, ignition: [{ t: 0, on: false }, { t: 60, on: true }], door: [{ t: 0, state: "closed" }, { t: 100, state: "open" }] },
    });
    r.run();
    const s = r.state()!;
    const mine = ["alarmEngine", "trip", "tempLog", "probes", "inputs"].map((k) => JSON.stringify(s.mods[k]).length);
    const total = mine.reduce((a, b) => a + b, 0);
    console.log(`retained: cold chain + inputs ${total} B (${mine.join(" + ")}), whole state ${encodeRetained(s).length} B`);
    expect(r.records("temperature").at(-1)!.temps.every((v) => v !== null && v > 80)).toBe(true);
    expect(total).toBeLessThan(2000);
    expect(encodeRetained(s).length + 1536).toBeLessThan(4096);
  });
});

describe("readings that fall due while the wake is busy", () => {
  // A stand-in for a long short-message attempt (fallback phase, after the uplink has run): busy from 100 s to
  // 300 s of every 10 minutes.
  const windowStart = (t: number) => Math.floor((t - 100_000) / 600_000) * 600_000 + 100_000;
  const inWindow = (t: number) => t - windowStart(t) > 1_000 && t - windowStart(t) < 199_000;
  const busy: Duty = {
    name: "t-busy",
    phase: "fallback",
    dueAt: (app: App) => (app.due("t-busy") === Infinity ? 100_000 : app.due("t-busy")),
    run(app: App, done: () => void) {
      const end = windowStart(app.now()) + 200_000;
      app.setDue("t-busy", windowStart(app.now()) + 600_000);
      app.ports.clock.at(end, () => {
        app.emit("t-busy-end");
        done();
      });
    },
  };
  // A stand-in for the uplink: runs when the wake is urgent or when asked to.
  const uplink: Duty = {
    name: "t-uplink",
    phase: "deliver",
    dueAt: (app: App) => (app.urgent && !app.ran.has("t-uplink") ? app.now() : app.due("uplink")),
    run(app: App, done: () => void) {
      app.emit("t-uplink", { pending: app.records.pending() });
      app.setDue("uplink", Infinity);
      done();
    },
  };

  it("keeps the log interval and raises alarms on time, and the alarm still goes out", () => {
    const r = coldRig({
      hours: 4,
      duties: [busy, uplink],
      trace: { temperature: { front: [{ t: 0, c: 4 }, { t: 3600, c: 4 }, { t: 3700, c: 12 }], rear: [{ t: 0, c: 4 }] } },
    });
    r.run();
    const temps = r.records("temperature");
    expect(Math.max(...gapsS(temps.map((x) => x.mono)))).toBeLessThanOrEqual(300);
    // Readings were taken in the middle of the busy stretches, not only between them.
    expect(temps.filter((x) => inWindow(x.mono)).length).toBeGreaterThan(5);
    const alarms = r.records("alarm");
    expect(alarms.map(brief)).toEqual(["temp-high raised p0"]);
    const firstOut = temps.find((x) => x.temps[0]! > 80)!;
    expect(alarms[0].mono - firstOut.mono).toBeGreaterThanOrEqual(600_000);
    expect(alarms[0].mono - firstOut.mono).toBeLessThan(600_000 + 200);
    // Raised in a busy stretch after this cycle's uplink had run: the next cycle sends it, right after.
    expect(inWindow(alarms[0].mono)).toBe(true);
    const end = r.lines("t-busy-end").map((l) => l.t).find((t) => t > alarms[0].mono)!;
    const sent = r.lines("t-uplink").map((l) => l.t).find((t) => t >= alarms[0].mono)!;
    expect(sent - end).toBeGreaterThanOrEqual(0);
    expect(sent - end).toBeLessThan(3_000);
  });
});

describe("in the whole simulated trip (NB-IoT uplink, fleet server)", () => {
  it("delivers an excursion alarm within delay + 60 s of the first out-of-range reading, logging every ≤ 300 s", () => {
    // front crosses 8 °C at 2 h + 600 s × 4/7 ≈ 7543 s; band delay 600 s.
    const trace = validateTrace({
      name: "excursion",
      start: "2026-07-01T06:00:00+08:00",
      duration: 6 * 3600,
      device: { id: "13800138000", probes: ["front", "rear"] },
      route: [{ t: 0, lat: 39.9, lon: 116.4 }],
      temperature: { front: [{ t: 0, c: 4 }, { t: 7200, c: 4 }, { t: 7800, c: 11 }, { t: 9000, c: 11 }, { t: 9600, c: 4 }], rear: [{ t: 0, c: 4 }] },
      door: [{ t: 0, state: "closed" }, { t: 3600, state: "open" }, { t: 3700, state: "closed" }],
    });
    const { summary, transcript } = simulate(trace);
    const at = (re: RegExp) => transcript.filter((l) => re.test(l)).map((l) => Number(l.split(" ")[0]));
    const raised = at(/ alarm code=temp-high raised=1/);
    expect(raised.length).toBe(1);
    expect(at(/ alarm code=temp-high raised=0/).length).toBe(1);
    const crossing = 7200 + (600 * 4) / 7;
    // The first out-of-range reading comes at most one log interval after the crossing; the alarm delay_s later.
    expect(raised[0] - crossing).toBeGreaterThanOrEqual(600);
    expect(raised[0] - crossing).toBeLessThanOrEqual(600 + 300);
    expect(summary.alarms_delivered).toBe(summary.alarms_raised);
    expect(summary.max_alarm_latency_s).toBeLessThanOrEqual(60);
    expect(summary.max_temp_gap_s).toBeLessThanOrEqual(300);
    expect(summary.crashes + summary.firmware_faults + summary.watchdog_resets).toBe(0);
    expect(at(/ record seq=\d+ kind=door /).length).toBe(2);
    console.log(
      `whole trip (6 h): ${summary.temp_records} temperature records, longest gap ${summary.max_temp_gap_s} s, ` +
        `alarm latency ${summary.max_alarm_latency_s} s, ${summary.wakes} wakes, ${summary.energy_mAh} mAh`,
    );
  });
});
