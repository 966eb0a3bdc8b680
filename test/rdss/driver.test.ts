// The driver against the simulated module over a SimUart, on the virtual clock: both protocol versions.
import { describe, expect, it } from "vitest";
import type { Clock, Log } from "../../hal/ports";
import { encode } from "../../firmware/rdss/compact-codec";
import { RDSS_TIMING, RdssDriver, type RdssEvent, type RdssSnapshot } from "../../firmware/rdss/rdss-driver";
import type { RdssVersion } from "../../firmware/rdss/sentences";
import { parseTextCommand } from "../../firmware/rdss/text-command";
import type { TrackRecord } from "../../firmware/store/track-record";
import { PowerMeter } from "../../sim/report/power-meter";
import { POWER_TABLE, powerTable } from "../../sim/report/power-table";
import { SimRdss, type CentreMessage, type SimRdssCard } from "../../sim/devices/rdss-sim";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import { validateTrace } from "../../sim/world/trace-loader";
import { SimUart } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";

const T0 = Date.UTC(2026, 6, 1, 0, 0, 0);

function alarm(seq: number): TrackRecord {
  return {
    seq,
    kind: "alarm",
    utc: T0 + seq * 1000,
    mono: seq * 1000,
    fix: { lat: 39.9042, lon: 116.4074, alt: 44, speedKmh: 0, course: 0, sats: 9, gps: true, bds: true, utc: T0 },
    temps: [95, 41],
    doorOpen: false,
    acc: false,
    external: false,
    batteryMv: 3590,
    alarms: 0,
    detail: { code: "temp-high", raised: true, probe: 0, extreme: 95 },
  };
}

interface RigOptions {
  version: RdssVersion;
  card?: SimRdssCard | null;
  beams?: [number, number][]; // [t s, usable beams]
}

function rig(o: RigOptions) {
  const trace = validateTrace({
    start: "2026-07-01T08:00:00+08:00",
    duration: 86400,
    device: { id: "13800138000", rdss: o.version === "2.1" ? "bds2-2.1" : "bds3-4.0" },
    route: [{ t: 0, lat: 39.9042, lon: 116.4074 }],
    rdssSky: (o.beams ?? [[0, 3]]).map(([t, beams]) => ({ t, beams })),
  });
  const sched = new Scheduler();
  const meter = new PowerMeter(sched, powerTable());
  const centre: { msg: CentreMessage; at: number }[] = [];
  const card = o.card === null ? undefined : (o.card ?? { id: "4238473", intervalS: 60, level: o.version === "2.1" ? 3 : 2 });
  const sim = new SimRdss({
    sched,
    world: new World(trace),
    meter,
    rng: new Rng(5),
    version: o.version,
    card,
    centre: (msg, at) => centre.push({ msg, at }),
    centreId: "0247718",
  });
  const uart = new SimUart(sched, sim);
  sim.attach(uart);
  const clock: Clock = {
    now: () => sched.now,
    wallTime: () => undefined,
    setWallTime: () => {},
    at: (t, fn) => sched.at(t, fn),
    cancel: (id) => sched.cancel(id),
  };
  const lines: string[] = [];
  const log: Log = { log: (_level, msg) => lines.push(msg) };
  const events: RdssEvent[] = [];
  const driver = (state?: RdssSnapshot, version: RdssVersion | "auto" = o.version) => {
    events.length = 0;
    return new RdssDriver({ serial: uart.bind(() => true), clock, log, version, dest: "0247718", state, onEvent: (e) => events.push(e) });
  };
  return { sched, meter, sim, uart, centre, events, lines, driver };
}

const of = <T extends RdssEvent["type"]>(events: RdssEvent[], type: T) =>
  events.filter((e): e is Extract<RdssEvent, { type: T }> => e.type === type);

describe.each(["2.1", "4.0"] as const)("driver with a %s module", (version) => {
  it("powers on, reads the card, watches beams, sends, and the centre gets the records", () => {
    const r = rig({ version });
    const d = r.driver();
    d.powerOn();
    r.sched.run(5000);
    expect(d.state).toBe("watching");
    const card = of(r.events, "rdss-card")[0]?.card;
    expect(card).toMatchObject({ id: "4238473", intervalS: 60, capacityBits: version === "2.1" ? 628 : 14000 });
    expect(d.usableBeams).toBe(3);

    const recs = [alarm(1), alarm(2)];
    const { bytes, count } = encode(recs, card!.capacityBits);
    d.send(bytes);
    r.sched.run(30_000);
    expect(of(r.events, "rdss-sent")).toEqual([{ type: "rdss-sent", bytes: bytes.length, atMs: expect.any(Number) }]);
    expect(r.sim.counters.sent).toBe(1);
    expect(r.centre.length).toBe(1);
    expect(r.centre[0].msg.error).toBeUndefined();
    expect(r.centre[0].msg.records.map((x) => x.seq)).toEqual(recs.slice(0, count).map((x) => x.seq));
    expect(r.lines.some((l) => l.startsWith("rdss-tx "))).toBe(true);
    expect(r.lines.some((l) => l.startsWith("rdss-sent "))).toBe(false); // the app's line, one per message

    const snap = d.snapshot();
    expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
    expect(snap.nextSendMs! - snap.lastSendMs!).toBeGreaterThanOrEqual(60_000);

    d.powerOff();
    expect(r.meter.state("rdss")).toBe("off");
    const mAh = r.meter.byComponent().rdss;
    const standby = (POWER_TABLE.rdss_standby_mA * 30) / 3600; // powered for the 30 s run
    const burst = POWER_TABLE.rdss_send_J / POWER_TABLE.supply_v / 3.6;
    expect(mAh).toBeCloseTo(standby + burst, 3);
  });

  it("never sends inside the card's interval: its own snapshot stops it, and a lost snapshot meets the feedback", () => {
    const r = rig({ version });
    const d1 = r.driver();
    d1.send(encode([alarm(1)], 628).bytes);
    r.sched.run(20_000);
    expect(r.sim.counters.sent).toBe(1);
    const snap = d1.snapshot();
    d1.powerOff();

    // Next wake, 30 s later, state restored: refused before anything is powered or written.
    r.sched.run(50_000);
    const d2 = r.driver(snap);
    d2.send(encode([alarm(2)], 628).bytes);
    expect(of(r.events, "rdss-failed")).toEqual([{ type: "rdss-failed", reason: "interval", retryAtMs: snap.nextSendMs }]);
    expect(d2.state).toBe("off");

    // The same wake with the snapshot lost (power cut): the module's feedback says the interval is not reached.
    const d3 = r.driver();
    d3.send(encode([alarm(2)], 628).bytes);
    r.sched.run(70_000);
    const failed = of(r.events, "rdss-failed");
    expect(failed.map((e) => e.reason)).toEqual(["interval"]);
    // The driver stamps a send at its feedback, which comes after the burst the system times the interval from.
    expect(failed[0].retryAtMs).toBeGreaterThanOrEqual(snap.lastSendMs! + 60_000 - 2000);
    expect(r.sim.counters.rejected.interval).toBe(1);
    expect(r.sim.counters.sent).toBe(1);
    expect(r.centre.length).toBe(1);

    // After the interval it goes.
    r.sched.run(failed[0].retryAtMs!);
    d3.send(encode([alarm(2)], 628).bytes);
    r.sched.run(failed[0].retryAtMs! + 20_000);
    expect(r.sim.counters.sent).toBe(2);
    expect(of(r.events, "rdss-sent").length).toBe(1);
  });

  it("with no beams sends nothing, reports it, and keeps nothing half-done", () => {
    const r = rig({ version, beams: [[0, 0]] });
    const d = r.driver();
    d.send(encode([alarm(1)], 628).bytes);
    r.sched.run(RDSS_TIMING.bootMs + RDSS_TIMING.cardTimeoutMs + RDSS_TIMING.beamWaitMs + 5000);
    expect(of(r.events, "rdss-failed").map((e) => e.reason)).toEqual(["no-beams"]);
    expect(r.sim.counters.sent).toBe(0);
    expect(r.centre).toEqual([]);
    expect(d.snapshot().lastSendMs).toBeUndefined(); // the interval clock did not start
    expect(d.state).toBe("watching");
    d.powerOff();
  });

  it("sends as soon as a beam appears while it waits", () => {
    const r = rig({ version, beams: [[0, 0], [20, 2]] });
    const d = r.driver();
    d.send(encode([alarm(1)], 628).bytes);
    r.sched.run(40_000);
    expect(r.sim.counters.sent).toBe(1);
    expect(of(r.events, "rdss-sent").length).toBe(1);
  });

  it("reports a missing card and switches the module off", () => {
    const r = rig({ version, card: null });
    const d = r.driver();
    d.send(encode([alarm(1)], 628).bytes);
    r.sched.run(10_000);
    expect(of(r.events, "rdss-failed").map((e) => e.reason)).toEqual(["no-card"]);
    expect(d.state).toBe("off");
    expect(r.meter.state("rdss")).toBe("off");
    expect(r.sim.counters.sent).toBe(0);
  });

  it("learns the module's version from its card answer when told \"auto\", and keeps it in the snapshot", () => {
    const r = rig({ version });
    const d = r.driver(undefined, "auto");
    expect(d.version).toBeUndefined();
    d.send(encode([alarm(1)], 628).bytes);
    r.sched.run(30_000);
    expect(d.version).toBe(version);
    expect(d.snapshot().card?.version).toBe(version);
    expect(of(r.events, "rdss-sent").length).toBe(1);
    expect(r.centre.map((c) => c.msg.records[0].seq)).toEqual([1]);
    expect(r.sim.counters.badLines).toBe(1); // the other dialect's card query, once
    // The next wake asks in its own dialect only.
    d.powerOff();
    const again = r.driver(d.snapshot(), "auto");
    expect(again.version).toBe(version);
    again.powerOn();
    r.sched.run(40_000);
    expect(of(r.events, "rdss-card").length).toBe(1);
    expect(r.sim.counters.badLines).toBe(1);
    again.powerOff();
  });

  it("hands a text command from the centre to the app, which validates it like 0x8103", () => {
    const r = rig({ version });
    r.sim.centreSend("SET rep_moving_s=600 rdss_stale_s=7200");
    const d = r.driver();
    d.powerOn();
    r.sched.run(5000);
    const texts = of(r.events, "rdss-text");
    expect(texts.map((e) => [e.from, e.text])).toEqual([["0247718", "SET rep_moving_s=600 rdss_stale_s=7200"]]);
    expect(parseTextCommand(texts[0].text)).toEqual({ ok: { rep_moving_s: 600, rdss_stale_s: 7200 } });
    d.powerOff();
  });

  it("refuses a payload larger than the card carries, and a second one while busy", () => {
    const r = rig({ version, card: { id: "4238473", intervalS: 60, level: version === "2.1" ? 1 : 5 } });
    const d = r.driver();
    d.powerOn();
    r.sched.run(5000);
    d.send(new Uint8Array(version === "2.1" ? 14 : 1751));
    expect(of(r.events, "rdss-failed").map((e) => e.reason)).toEqual(["too-large"]);
    d.send(new Uint8Array(10));
    d.send(new Uint8Array(10));
    expect(of(r.events, "rdss-failed").map((e) => e.reason)).toEqual(["too-large", "busy"]);
    d.powerOff();
    expect(of(r.events, "rdss-failed").map((e) => e.reason)).toEqual(["too-large", "busy", "power-off"]);
  });
});
