import { describe, expect, it } from "vitest";
import { AlarmEngine, type EngineConfig, type EngineInput } from "../../firmware/coldchain/alarm-engine";
import type { AlarmDetail } from "../../firmware/store/track-record";

const S = 1000;
const UTC0 = Date.UTC(2026, 0, 1);

function cfg(over: Partial<EngineConfig> = {}): EngineConfig {
  return {
    probes: ["front", "rear"],
    bands: "*:2:8:600:300:0.5:0",
    ignore_start_s: 0,
    defrost_s: 0,
    door_alarm_s: 900,
    batt_low_mv: 3300,
    ...over,
  };
}

/** Feeds front-probe samples [seconds, °C | null] and returns the events with their time in seconds. */
function run(c: EngineConfig, steps: (EngineInput | [number, number | null])[], e = new AlarmEngine(c)) {
  const out: { at: number; ev: AlarmDetail }[] = [];
  let next: number | undefined;
  for (const s of steps) {
    const input: EngineInput = Array.isArray(s) ? { kind: "temps", t: s[0] * S, utc: UTC0 + s[0] * S, temps: [s[1], 4] } : s;
    const r = e.step(input);
    next = r.next;
    for (const ev of r.events) out.push({ at: input.t / S, ev });
  }
  return { out, next, e };
}

const brief = (o: { at: number; ev: AlarmDetail }) =>
  `${o.at} ${o.ev.code} ${o.ev.raised ? "raised" : "cleared"} p${o.ev.probe ?? "-"} b${o.ev.band ?? "-"} x${o.ev.extreme ?? "-"} d${o.ev.durationS}`;

describe("temperature bands", () => {
  const table: { name: string; c?: Partial<EngineConfig>; steps: [number, number | null][]; want: string[] }[] = [
    {
      name: "an excursion shorter than the delay raises nothing",
      steps: [[0, 9], [300, 9.5], [420, 7], [600, 7]],
      want: [],
    },
    {
      name: "raised once the delay has run, with extreme and duration",
      steps: [[0, 9], [300, 9.6], [599, 9.2], [600, 9.1], [900, 9.0]],
      want: ["600 temp-high raised p0 b0 x96 d600"],
    },
    {
      name: "hysteresis: 7.8 is in range but not back past 7.5, so clearing waits",
      steps: [[0, 9], [600, 9], [660, 7.8], [720, 7.8], [1200, 7.8], [1260, 7.4], [1500, 7.0], [1560, 7.0]],
      want: ["600 temp-high raised p0 b0 x90 d600", "1560 temp-high cleared p0 b0 x90 d1260"],
    },
    {
      name: "clear delay: leaving the hysteresis again restarts it",
      steps: [[0, 9], [600, 9], [660, 7], [900, 7.7], [960, 7], [1200, 7], [1260, 7]],
      want: ["600 temp-high raised p0 b0 x90 d600", "1260 temp-high cleared p0 b0 x90 d960"],
    },
    {
      name: "low side with its own detector",
      steps: [[0, 1.5], [600, 0.8], [660, 2.2], [720, 2.6], [1020, 3]],
      want: ["600 temp-low raised p0 b0 x8 d600", "1020 temp-low cleared p0 b0 x8 d720"],
    },
    {
      name: "zero delay raises on the first sample",
      c: { bands: "front:-25:-15:0:0:0:0" },
      steps: [[0, -10], [60, -20]],
      want: ["0 temp-high raised p0 b0 x-100 d0", "60 temp-high cleared p0 b0 x-100 d60"],
    },
    {
      name: "a band for one probe only, with its index kept",
      c: { bands: "rear:-25:5:0:0:0:0;front:0:10:0:0:0:0" },
      steps: [[0, 11], [60, 5]],
      want: ["0 temp-high raised p0 b1 x110 d0", "60 temp-high cleared p0 b1 x110 d60"],
    },
    {
      name: "probe fault mid-excursion: no raise on nulls, and recovery drops the pending excursion",
      steps: [[0, 9], [300, null], [600, null], [900, null], [1200, 5]],
      want: ["600 probe-fault raised p0 b- x- d300", "1200 probe-fault cleared p0 b- x- d900"],
    },
    {
      name: "probe fault with in-range readings never becomes a temperature alarm",
      steps: [[0, 5], [60, null], [3600, null], [7200, null], [7260, 5]],
      want: ["3600 probe-fault raised p0 b- x- d3540", "7260 probe-fault cleared p0 b- x- d7200"],
    },
    {
      name: "a single faulty read is not a probe fault",
      steps: [[0, 5], [30, null], [60, 5], [120, 5]],
      want: [],
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      expect(run(cfg(t.c), t.steps).out.map(brief)).toEqual(t.want);
    });
  }

  it("asks for a sample when the delay and the clear delay end", () => {
    const c = cfg();
    const e = new AlarmEngine(c);
    expect(e.step({ kind: "temps", t: 0, temps: [9, 4] }).next).toBe(600 * S);
    expect(e.excursion()).toBe(true);
    e.step({ kind: "temps", t: 600 * S, temps: [9, 4] });
    expect(e.step({ kind: "temps", t: 700 * S, temps: [7, 4] }).next).toBe(1000 * S);
    expect(e.step({ kind: "temps", t: 1000 * S, temps: [7, 4] }).next).toBeUndefined();
    expect(e.excursion()).toBe(false);
  });

  it("start time is UTC at the first out-of-range sample, also when wall time came later", () => {
    const e = new AlarmEngine(cfg());
    e.step({ kind: "temps", t: 10 * S, temps: [9, 4] }); // no wall time yet
    const r = e.step({ kind: "temps", t: 610 * S, utc: UTC0 + 610 * S, temps: [9, 4] });
    expect(r.events[0].startUtc).toBe(UTC0 + 10 * S);
  });
});

describe("latch", () => {
  const c = cfg({ bands: "*:2:8:600:300:0.5:1" });
  it("stays raised after recovery until acknowledged", () => {
    const { out, e } = run(c, [[0, 9], [600, 9], [700, 7], [1000, 7], [2000, 7]]);
    expect(out.map(brief)).toEqual(["600 temp-high raised p0 b0 x90 d600"]);
    expect(e.active()).toEqual(["temp-high"]);
    expect(e.excursion()).toBe(false);
    const r = e.step({ kind: "ack", t: 2100 * S, utc: UTC0 + 2100 * S });
    expect(r.events.map((ev) => `${ev.code} ${ev.raised} d${ev.durationS}`)).toEqual(["temp-high false d700"]);
    expect(e.active()).toEqual([]);
  });

  it("an acknowledgement during the excursion lets it clear by itself", () => {
    const e = new AlarmEngine(c);
    run(c, [[0, 9], [600, 9]], e);
    expect(e.step({ kind: "ack", t: 650 * S }).events).toEqual([]);
    const { out } = run(c, [[700, 7], [1000, 7]], e);
    expect(out.map(brief)).toEqual(["1000 temp-high cleared p0 b0 x90 d700"]);
  });

  it("an acknowledgement for another code leaves it latched", () => {
    const e = new AlarmEngine(c);
    run(c, [[0, 9], [600, 9], [700, 7], [1000, 7]], e);
    expect(e.step({ kind: "ack", t: 1100 * S, code: "temp-low" }).events).toEqual([]);
    expect(e.active()).toEqual(["temp-high"]);
  });
});

describe("quiet windows", () => {
  it("ignores excursions during loading after the trip start, then counts the delay from the first sample after", () => {
    const c = cfg({ ignore_start_s: 1800 });
    const trip: EngineInput = { kind: "trip-start", t: 0 };
    const { out } = run(c, [trip, [0, 12], [600, 12], [1200, 12], [1800, 11], [2100, 10], [2400, 9.5]]);
    expect(out.map(brief)).toEqual(["2400 temp-high raised p0 b0 x110 d600"]);
  });

  it("a defrost start drops a pending excursion and suspends new ones; raised alarms still clear", () => {
    const c = cfg({ defrost_s: 1200 });
    const e = new AlarmEngine(c);
    run(c, [[0, 9]], e);
    e.step({ kind: "defrost", t: 300 * S });
    const a = run(c, [[600, 9], [1200, 10], [1500, 9]], e);
    expect(a.out).toEqual([]);
    const b = run(c, [[1560, 9], [2160, 9]], e);
    // The window is [300 s, 1500 s): the sample at 1500 s starts the excursion.
    expect(b.out.map(brief)).toEqual(["2160 temp-high raised p0 b0 x90 d660"]);
    e.step({ kind: "defrost", t: 2200 * S });
    const d = run(c, [[2300, 7], [2600, 7]], e);
    expect(d.out.map(brief)).toEqual(["2600 temp-high cleared p0 b0 x90 d800"]);
  });
});

describe("door, supply, battery", () => {
  it("door open too long, raised at the deadline and cleared on closing with the exact open time", () => {
    const e = new AlarmEngine(cfg());
    const r = e.step({ kind: "door", t: 100 * S + 37, open: true });
    expect(r.next).toBe(1000 * S + 37);
    expect(e.step({ kind: "tick", t: 999 * S }).events).toEqual([]);
    const a = e.step({ kind: "tick", t: 1000 * S + 37, utc: UTC0 + 1000 * S + 37 });
    expect(a.events).toEqual([{ code: "door-open-long", raised: true, startUtc: UTC0 + 100 * S + 37, durationS: 900 }]);
    const b = e.step({ kind: "door", t: 1300 * S + 37, open: false });
    expect(b.events.map((x) => `${x.code} ${x.raised} ${x.durationS}`)).toEqual(["door-open-long false 1200"]);
  });

  it("a motion step at the wake's time does not run the timer past a door that closed before it", () => {
    // The wake handles the newest motion first (at its own time), then the door edges queued in it, at theirs.
    const e = new AlarmEngine(cfg());
    e.step({ kind: "door", t: 0, open: true });
    expect(e.step({ kind: "motion", t: 900 * S + 150, moving: false }).events).toEqual([]);
    expect(e.step({ kind: "door", t: 899 * S + 900, open: false }).events).toEqual([]);
    // A door still open at the next input past the deadline raises as before.
    e.step({ kind: "door", t: 1000 * S, open: true });
    e.step({ kind: "motion", t: 1900 * S + 150, moving: false });
    expect(e.step({ kind: "tick", t: 1900 * S + 150 }).events.map((x) => x.code)).toEqual(["door-open-long"]);
  });

  it("door_alarm_s 0 switches the timer off", () => {
    const e = new AlarmEngine(cfg({ door_alarm_s: 0 }));
    expect(e.step({ kind: "door", t: 0, open: true }).next).toBeUndefined();
    expect(e.step({ kind: "tick", t: 86400 * S }).events).toEqual([]);
  });

  it("door opened while moving, or motion with the door open", () => {
    const e = new AlarmEngine(cfg());
    e.step({ kind: "motion", t: 0, moving: true });
    expect(e.step({ kind: "door", t: 10 * S, open: true }).events.map((x) => x.code)).toEqual(["door-open-moving"]);
    expect(e.step({ kind: "door", t: 20 * S, open: false }).events.map((x) => `${x.code} ${x.raised}`)).toEqual([
      "door-open-moving false",
    ]);
    e.step({ kind: "motion", t: 30 * S, moving: false });
    expect(e.step({ kind: "door", t: 40 * S, open: true }).events).toEqual([]);
    expect(e.step({ kind: "motion", t: 50 * S, moving: true }).events.map((x) => x.code)).toEqual(["door-open-moving"]);
  });

  it("external power lost only after having had it; battery low with hysteresis", () => {
    const e = new AlarmEngine(cfg());
    const codes = (x: { events: AlarmDetail[] }) => x.events.map((v) => `${v.code} ${v.raised}`);
    expect(codes(e.step({ kind: "supply", t: 0, external: false, batteryMv: 3600 }))).toEqual([]);
    expect(codes(e.step({ kind: "supply", t: 1, external: true, batteryMv: 3600 }))).toEqual([]);
    expect(codes(e.step({ kind: "supply", t: 2, external: false, batteryMv: 3600 }))).toEqual(["power-lost true"]);
    expect(codes(e.step({ kind: "supply", t: 3, external: false, batteryMv: 3299 }))).toEqual(["battery-low true"]);
    expect(codes(e.step({ kind: "supply", t: 4, external: false, batteryMv: 3350 }))).toEqual([]);
    expect(e.active().sort()).toEqual(["battery-low", "power-lost"]);
    expect(codes(e.step({ kind: "supply", t: 5, external: true, batteryMv: 3400 }))).toEqual([
      "power-lost false",
      "battery-low false",
    ]);
  });
});

describe("snapshot", () => {
  it("a JSON round trip at every step gives the same events as one engine", () => {
    const c = cfg({ bands: "*:2:8:600:300:0.5:1;rear:-30:-15:300:60:1:0" });
    const steps: EngineInput[] = [];
    for (let t = 0; t < 4 * 3600; t += 120) {
      const front = t < 3000 ? 5 : t < 6000 ? 9 + (t % 7) / 10 : t === 8000 ? null : 6;
      const rear = t % 3600 < 900 ? -12 : -20;
      steps.push({ kind: "temps", t: t * S, temps: [front, rear] });
    }
    steps.push({ kind: "ack", t: 4 * 3600 * S });
    const one = run(c, steps).out.map(brief);
    let state = new AlarmEngine(c).snapshot();
    const split: string[] = [];
    for (const s of steps) {
      const e = new AlarmEngine(c, JSON.parse(JSON.stringify(state)));
      for (const ev of e.step(s).events) split.push(brief({ at: s.t / S, ev }));
      state = e.snapshot();
    }
    expect(split).toEqual(one);
    expect(one.length).toBeGreaterThan(4);
    expect(JSON.stringify(state).length).toBeLessThan(300);
  });
});
