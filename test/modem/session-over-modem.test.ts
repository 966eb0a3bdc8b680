/**
 * The uplink session over the real link and the simulated modem, network and fleet server, wired as the uplink duty
 * wires them: a report wake is one datagram, the network's release never costs an ack, and a retransmission after a
 * release reaches a modem that dozed off in PSM.
 *
 * What broke before: the session kept several datagrams with the link; a reply to an earlier one (or the platform's
 * 0x8001 to our 0x0001) arrived while the last one, flagged "release after the next downlink", was in the air, so the
 * network released on that reply and the last datagram's acks found the radio idle. The session's retransmission
 * 10 s later went to a modem in PSM, whose wake-up ate both tries of the send command: send-failed, and the records
 * the platform already had went again in a later wake.
 */
import { describe, expect, test } from "vitest";
import type { LinkEvent } from "../../firmware/modem/link-types";
import { NbLink } from "../../firmware/modem/nb-link";
import { UplinkSession, type SessionEvent } from "../../firmware/protocol/uplink-session";
import type { TrackRecord } from "../../firmware/store/track-record";
import { defaults, type Config } from "../../firmware/config/config";
import { FleetServer } from "../../sim/world/fleet-server";
import { SimModem } from "../../sim/devices/modem-sim";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import type { Downlink, ModemModel } from "../../sim/world/trace-types";
import { SimUart } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";
import { MemoryBacklog, record } from "../protocol/harness";
import { makeTrace, simClock } from "./rig";

const MODELS: ModemModel[] = ["bc660k", "bc95", "sim7020"];
const LINGER_MS = 2000;
const snap = { auth: "3133383030313338303030", serial: 1, registered: true };

function world(model: ModemModel, downlinks: Downlink[] = []) {
  const sched = new Scheduler();
  const trace = makeTrace([{ t: 0, v: "good" }]);
  trace.device.modem = model;
  const w = new World(trace);
  const meter = new PowerMeter(sched, powerTable());
  const server = new FleetServer(downlinks);
  const modem = new SimModem({ sched, world: w, meter, rng: new Rng(7), model, server, errorRate: 0 });
  const uart = new SimUart(sched, modem, false);
  modem.attach(uart);
  let linkSnap: ReturnType<NbLink["snapshot"]> | undefined;
  let sessionSnap = snap;
  const modemJ = () => meter.byComponent().modem * 3.6 * meter.table.supply_v;

  /** One wake as the uplink duty runs it; returns when the link went idle (or down). */
  function wake(live: TrackRecord[], backlog: MemoryBacklog) {
    let alive = true;
    const serial = uart.bind(() => alive);
    const events: SessionEvent[] = [];
    const linkEvents: LinkEvent[] = [];
    let idle = false;
    const config = { ...defaults() } as Config;
    let session: UplinkSession | undefined = undefined;
    const link = new NbLink({
      serial, clock: simClock(sched), log: { log: () => {} }, model, server: { ip: "10.1.2.3", port: 6808 },
      psm: { tauS: 4 * 3600, activeS: 2 }, state: linkSnap,
      onEvent: (ev) => {
        linkEvents.push(ev);
        if (ev.type === "link-sent") session!.onSent(ev.id);
        else if (ev.type === "link-failed") session!.onFailed(ev.id);
        else if (ev.type === "link-rx") session!.onRx(ev.bytes);
        else if (ev.type === "link-down") session!.onDown();
        else if (ev.type === "link-idle") idle = true;
      },
    });
    session = new UplinkSession(
      {
        clock: simClock(sched), link, backlog, config,
        identity: {
          phone: "013800138000",
          registration: { province: 11, city: 0, maker: "RFTRK", model: "CC-1", terminalId: "0000001", plateColor: 1, plate: Uint8Array.of(0x41) },
          imei: "860000000000001",
          software: "1.0.0",
        },
        emit: (e) => {
          events.push(e);
          if (e.type === "session-done") link.finish();
        },
        current: () => undefined,
      },
      sessionSnap,
    );
    session.start(live, { lingerMs: LINGER_MS });
    const limit = sched.now + 900_000;
    while (!idle && sched.step(limit)) {
      /* step */
    }
    linkSnap = JSON.parse(JSON.stringify(link.snapshot()));
    sessionSnap = JSON.parse(JSON.stringify(session.snapshot()));
    alive = false;
    uart.unbind();
    return { events, linkEvents, session, done: events.find((e) => e.type === "session-done") };
  }
  return { sched, server, modem, meter, wake, modemJ };
}

describe.each(MODELS)("%s: the session over the modem", (model) => {
  test("a report wake is one datagram and costs within 1.3x the send energy", () => {
    const w = world(model);
    const log = new MemoryBacklog([]);
    let seq = 1;
    const costs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const fresh = [record(seq++), record(seq++, { kind: "temperature" })];
      log.recs.push(...fresh);
      const before = w.modemJ();
      const up = w.modem.counters.uplinks;
      const r = w.wake([fresh[0]], log);
      expect(r.done).toMatchObject({ reason: "complete", failed: 0 });
      if (i > 0) {
        expect(w.modem.counters.uplinks - up).toBe(1);
        costs.push(w.modemJ() - before);
      }
      w.sched.run(w.sched.now + 900_000);
    }
    expect(log.recs).toEqual([]);
    expect(w.server.counters.duplicates).toBe(0);
    const target = w.meter.table.modem_send_rai_J;
    expect(Math.max(...costs)).toBeLessThanOrEqual(1.3 * target);
  });

  test("a long backlog with a platform command in between: no ack lost to the release, nothing sent twice", () => {
    const w = world(model, [
      { t: 0, message: "set-params", params: { "0x0029": 60 } },
      { t: 0, message: "query-params", ids: ["0x0029"] },
    ]);
    const log = new MemoryBacklog(Array.from({ length: 120 }, (_, i) => record(i + 1, { kind: "temperature" })));
    const r = w.wake([], log);
    expect(r.done).toMatchObject({ reason: "complete", delivered: 120, failed: 0 });
    expect(w.modem.counters.downlinksLost).toBe(0);
    expect(w.server.counters.duplicates).toBe(0);
    expect(w.server.answers.map((a) => a.replyId)).toEqual([0x8103]);
    expect(w.server.reportedParams.map((p) => p.id)).toEqual([0x0029]);
    expect(r.session.counters.retransmits).toBe(0);
  });

  test("a retransmission after the radio was released reaches the dozing modem", () => {
    const w = world(model);
    const log = new MemoryBacklog([record(1)]);
    // the platform's acks to the first datagram never reach the device
    const receive = w.server.receive.bind(w.server);
    let n = 0;
    w.server.receive = (b, at) => {
      const out = receive(b, at);
      return n++ === 0 ? [] : out;
    };
    const r = w.wake([record(1)], log);
    expect(r.done).toMatchObject({ reason: "complete", delivered: 1, failed: 0 });
    expect(r.linkEvents.filter((e) => e.type === "link-failed")).toEqual([]);
    expect(r.session.counters.retransmits).toBe(2); // auth and location, together again
    expect(w.server.counters.datagrams).toBe(2);
  });
});
