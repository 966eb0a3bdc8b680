import { describe, expect, test } from "vitest";
import { fromAscii } from "../../firmware/core/bytes";
import type { LinkEvent } from "../../firmware/modem/link-types";
import type { NbLink } from "../../firmware/modem/nb-link";
import type { ModemModel } from "../../sim/world/trace-types";
import { frame, makeTrace, rig, type Rig } from "./rig";

const MODEL_NAMES: ModemModel[] = ["bc660k", "bc95", "sim7020"];

function modemJ(r: Rig): number {
  return r.meter.byComponent().modem * 3.6 * r.meter.table.supply_v;
}

/** Records every command line the firmware writes to the modem. */
function spy(r: Rig): string[] {
  const lines: string[] = [];
  const orig = r.modem.fromHost.bind(r.modem);
  r.modem.fromHost = (b) => {
    lines.push(fromAscii(b).trim());
    orig(b);
  };
  return lines;
}

/** Every id given to send() ended exactly once, as sent or failed. */
function outcomes(events: LinkEvent[]): Map<number, string[]> {
  const m = new Map<number, string[]>();
  for (const e of events) {
    if (e.type !== "link-sent" && e.type !== "link-failed") continue;
    m.set(e.id, [...(m.get(e.id) ?? []), e.type]);
  }
  return m;
}

function runUntil(r: Rig, pred: () => boolean, limit: number): void {
  while (!pred() && r.sched.step(limit)) {
    /* step */
  }
}

describe.each(MODEL_NAMES)("%s link", (model) => {
  test("power-on cycle, then a wake from PSM whose send costs close to modem_send_rai_J", () => {
    const r = rig(model);
    let link: NbLink = r.wake();
    link.send(1, frame(1), true);
    link.send(2, frame(2), false);
    link.finish();
    r.sched.run(60000);
    expect(r.events.map((e) => e.type)).toEqual(["link-up", "link-sent", "link-rx", "link-sent", "link-idle"]);
    expect(link.info()).toMatchObject({ imei: "866818039921444", iccid: "89860425102180000123", registered: true });
    expect(link.info().rssi).toBe(model === "sim7020" ? 20 : 14); // CSQ 20; -85 dBm from NUESTATS / CESQ
    expect(r.modem.radio.state).toBe("psm");
    const snap = JSON.parse(JSON.stringify(link.snapshot()));
    r.sleep();

    r.sched.run(3600000);
    const before = modemJ(r);
    r.events.length = 0;
    link = r.wake(snap);
    link.send(3, frame(3, 200).fill(0x55), false);
    link.finish();
    runUntil(r, () => r.modem.radio.state === "psm" && link.state === "idle", 3700000);
    const cycleJ = modemJ(r) - before;
    const rai = r.meter.table.modem_send_rai_J;
    console.log(`${model}: PSM wake + 200 B send + RAI release: modem ${cycleJ.toFixed(3)} J = ${(cycleJ / rai).toFixed(2)} x modem_send_rai_J`);
    expect(r.events.map((e) => e.type)).toEqual(["link-up", "link-sent", "link-idle"]);
    expect(r.server.got.length).toBe(3);
    expect(cycleJ).toBeLessThan(1.3 * rai);
    expect(cycleJ).toBeGreaterThan(rai);
  });

  test("no coverage: never sends, every datagram reported failed, modem switched off", () => {
    const r = rig(model, makeTrace([{ t: 0, v: "none" }]));
    const lines = spy(r);
    const link = r.wake(undefined, { registerMs: 60000 });
    for (let i = 1; i <= 3; i++) link.send(i, frame(i), i === 1);
    link.finish();
    r.sched.run(200000);
    expect(lines.some((l) => /NSOST|CSOSEND/.test(l))).toBe(false);
    expect(r.server.got.length).toBe(0);
    const o = outcomes(r.events);
    expect([...o.keys()].sort()).toEqual([1, 2, 3]);
    for (const v of o.values()) expect(v).toEqual(["link-failed"]);
    expect(r.events).toContainEqual({ type: "link-down", reason: "no-coverage" });
    expect(r.uart.powered).toBe(false);
  });

  test("no SIM: down at once with no-sim, no search at attach current, the datagrams failed, modem off", () => {
    const r = rig(model, makeTrace(), 0, { noSimWindows: [[0, 86400]] });
    const lines = spy(r);
    const link = r.wake(undefined, { registerMs: 60000 });
    for (let i = 1; i <= 2; i++) link.send(i, frame(i), false);
    link.finish();
    r.sched.run(200000);
    const down = r.events.filter((e) => e.type === "link-down");
    expect(down).toEqual([{ type: "link-down", reason: "no-sim" }]);
    expect([...outcomes(r.events).values()]).toEqual([["link-failed"], ["link-failed"]]);
    expect(lines.some((l) => /NSOST|CSOSEND/.test(l))).toBe(false);
    expect(r.uart.powered).toBe(false);
    // boot and a few commands, not the 60 s registration wait a missing network costs
    const gap = rig(model, makeTrace([{ t: 0, v: "none" }]));
    const l2 = gap.wake(undefined, { registerMs: 60000 });
    l2.send(1, frame(1), false);
    l2.finish();
    gap.sched.run(200000);
    expect(r.meter.byComponent().modem).toBeLessThan(0.2 * gap.meter.byComponent().modem);
  });

  test("a SIM that answers: the search goes on as before (the check costs one command)", () => {
    const r = rig(model, makeTrace([{ t: 0, v: "none" }, { t: 20, v: "good" }]));
    const link = r.wake(undefined, { registerMs: 60000 });
    link.send(1, frame(1), false);
    link.finish();
    r.sched.run(200000);
    expect(r.events.map((e) => e.type)).toEqual(["link-up", "link-sent", "link-idle"]);
  });

  test("hung modem: recovered by a power cycle, the datagram still goes out", () => {
    const r = rig(model, makeTrace([], [{ t: 100, kind: "modem-hang", for: 600 }]));
    let link = r.wake();
    link.send(1, frame(1), false);
    link.finish();
    r.sched.run(60000);
    const snap = link.snapshot();
    r.sleep();
    r.sched.run(200000);
    r.events.length = 0;
    link = r.wake(snap);
    link.send(2, frame(2), false);
    link.finish();
    r.sched.run(300000);
    expect(link.counters.resets).toBe(1);
    expect(r.events.map((e) => e.type)).toEqual(["link-down", "link-up", "link-sent", "link-idle"]);
    expect(r.server.got.map((g) => g.bytes[1])).toEqual([1, 2]);
  });

  test("modem reboots during a send: that send is reported failed, the next one goes out", () => {
    const r = rig(model);
    const link = r.wake();
    link.send(1, frame(1), false);
    link.send(2, frame(2), false);
    link.finish();
    runUntil(r, () => link.state === "sending" || link.state === "confirming", 60000);
    r.modem.reboot();
    r.sched.run(r.sched.now + 60000);
    const o = outcomes(r.events);
    expect(o.get(1)).toEqual(["link-failed"]);
    expect(o.get(2)).toEqual(["link-sent"]);
    expect(r.events).toContainEqual({ type: "link-failed", id: 1, reason: "modem-reset" });
    expect(link.counters.reboots).toBe(1);
  });
});

test("errors, coverage gaps and reboots: every datagram ends sent or failed, none while not registered", () => {
  const net = [
    { t: 0, v: "good" as const }, { t: 900, v: "none" as const }, { t: 1500, v: "poor" as const }, { t: 2400, v: "good" as const },
  ];
  const r = rig("bc95", makeTrace(net, [{ t: 2000, kind: "modem-reboot", for: 1 }]), 0.05);
  const lines = spy(r);
  let snap;
  let id = 0;
  for (let wake = 0; wake < 12; wake++) {
    r.sched.run(wake * 300000);
    const link = r.wake(snap, { registerMs: 60000 }); // a CE2 attach takes 40 s here
    for (let k = 0; k < 3; k++) link.send(++id, frame(id), k === 0);
    link.finish();
    r.sched.run(wake * 300000 + 150000);
    snap = link.snapshot();
    r.sleep();
  }
  const o = outcomes(r.events);
  expect(o.size).toBe(id);
  for (const v of o.values()) expect(v.length).toBe(1);
  const sent = [...o.values()].filter((v) => v[0] === "link-sent").length;
  console.log(`mixed run: ${sent}/${id} sent, ${r.modem.counters.errorsInjected} errors injected, ${r.modem.counters.resets} modem boots`);
  expect(sent).toBe(id - 6); // only the two wakes inside the coverage gap fail
  expect(r.server.got.length).toBeGreaterThanOrEqual(sent);
  expect(lines.length).toBeGreaterThan(0);
});

describe("registration time, learned", () => {
  test("a power-on attach teaches the link how long registration takes; the snapshot keeps it, decaying", () => {
    const r = rig("bc660k", makeTrace([{ t: 0, v: "poor" }]));
    let link = r.wake();
    link.send(1, frame(1), false);
    link.finish();
    r.sched.run(120_000);
    const poor = link.snapshot().attachMs!;
    // CE2: POWER.md's 10 s attach x modem_ce2_factor, less the modem's boot before the link starts waiting
    expect(poor).toBeGreaterThan(30_000);
    expect(poor).toBeLessThan(45_000);
    const snap = JSON.parse(JSON.stringify(link.snapshot()));
    r.sleep();
    // a wake that finds the modem registered in PSM waits for nothing and learns nothing new
    r.sched.run(r.sched.now + 600_000);
    link = r.wake(snap);
    link.send(2, frame(2), false);
    link.finish();
    r.sched.run(r.sched.now + 60_000);
    expect(link.snapshot().attachMs).toBe(poor);
    expect(link.info().attachMs).toBe(poor);
  });

  test("a faster attach later lowers what is remembered by at most a quarter", () => {
    const r = rig("bc95", makeTrace([{ t: 0, v: "poor" }, { t: 200, v: "good" }]));
    let link = r.wake();
    link.send(1, frame(1), false);
    link.finish();
    r.sched.run(120_000);
    const poor = link.snapshot().attachMs!;
    const snap = JSON.parse(JSON.stringify(link.snapshot()));
    r.sleep();
    r.modem.setPower(false); // a power loss of the modem alone: the next wake attaches afresh, in good coverage
    r.sched.run(300_000);
    link = r.wake({ ...snap, registered: false, socket: undefined });
    link.send(2, frame(2), false);
    link.finish();
    r.sched.run(r.sched.now + 120_000);
    expect(link.snapshot().attachMs).toBe(Math.round((poor * 3) / 4));
  });
});
