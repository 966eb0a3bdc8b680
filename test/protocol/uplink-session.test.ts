import { describe, expect, it } from "vitest";
import { encodeFrame, parseFrame, splitFrames } from "../../firmware/protocol/frame";
import { decodeBatch } from "../../firmware/protocol/location";
import { MSG, encodeGeneralResponse, encodeRegisterReply } from "../../firmware/protocol/messages";
import { FleetServer } from "../../sim/world/fleet-server";
import type { DatagramServer } from "../../sim/world/network";
import { record, rig, runToEnd } from "./harness";
import type { Rig } from "./harness";

interface Frame {
  msgId: number;
  serial: number;
  size: number;
  body: Uint8Array;
}

interface Datagram {
  at: number;
  size: number;
  hold: boolean;
  expectReply: boolean;
  bytes: Uint8Array;
  frames: Frame[];
}

/** What the link carried: each datagram split into its frames again, as the platform reads it. */
function datagrams(r: Rig): Datagram[] {
  return r.link.sent.map((s) => {
    const { frames, junk } = splitFrames(s.bytes);
    expect(junk).toBe(0);
    return {
      at: s.at, size: s.bytes.length, hold: s.hold, expectReply: s.expectReply, bytes: s.bytes,
      frames: frames.map((raw) => {
        const p = parseFrame(raw);
        if (!("frame" in p)) throw new Error(p.error);
        return { msgId: p.frame.header.msgId, serial: p.frame.header.serial, size: raw.length, body: p.frame.body };
      }),
    };
  });
}

const frames = (r: Rig): Frame[] => datagrams(r).flatMap((d) => d.frames);
const ids = (d: Datagram): number[] => d.frames.map((f) => f.msgId);
const done = (r: Rig) => r.events.find((e) => e.type === "session-done");
const AUTH = "3133383030313338303030"; // the FleetServer's code for 013800138000
const registered = { auth: AUTH, serial: 7, registered: true };

describe("one datagram per report wake", () => {
  it("carries the auth, the live records and the backlog that fits in one datagram of several frames", () => {
    const server = new FleetServer();
    const live = [record(41), record(42)];
    const backlog = [...Array.from({ length: 6 }, (_, i) => record(i + 1, { kind: "temperature" })), ...live];
    const r = rig({ server, backlog, snap: registered, max: 1358 });
    r.session.start(live);
    runToEnd(r);
    const ds = datagrams(r);
    expect(ds.length).toBe(1);
    expect(ids(ds[0])).toEqual([MSG.auth, MSG.location, MSG.location, MSG.batch]);
    // consecutive serials, one per frame, from the saved counter
    expect(ds[0].frames.map((f) => f.serial)).toEqual([7, 8, 9, 10]);
    expect(ds[0].size).toBe(ds[0].frames.reduce((n, f) => n + f.size, 0));
    expect(ds[0].size).toBeLessThanOrEqual(1358);
    expect(decodeBatch(ds[0].frames[3].body)!.bodies.length).toBe(6);
    // the last datagram of the wake lets the network release after its replies
    expect(ds[0]).toMatchObject({ expectReply: true, hold: false });
    expect(done(r)).toEqual({ type: "session-done", delivered: 8, failed: 0, reason: "complete" });
    expect(r.backlog.recs).toEqual([]);
    // each record acked by its own 0x8001, live records first
    expect(r.backlog.acked).toEqual([41, 42, 1, 2, 3, 4, 5, 6]);
    expect(server.records().map((x) => x.rec.seq)).toEqual([1, 2, 3, 4, 5, 6, 41, 42]);
    expect(server.counters.duplicates).toBe(0);
    expect(r.session.traffic()).toEqual({ datagrams: 1, frames: 4, bytes: ds[0].size });
    expect(r.session.snapshot().serial).toBe(11);
  });

  it("registers in its own exchange on first contact, then coalesces auth and records", () => {
    const server = new FleetServer();
    const live = [record(41), record(42)];
    const backlog = [...Array.from({ length: 30 }, (_, i) => record(i + 1)), ...live];
    const r = rig({ server, backlog, max: 512 });
    r.session.start(live);
    runToEnd(r);
    expect(done(r)).toEqual({ type: "session-done", delivered: 32, failed: 0, reason: "complete" });
    expect(r.link.finished).toBe(true);
    const ds = datagrams(r);
    expect(ids(ds[0])).toEqual([MSG.register]);
    expect(ds[0].hold).toBe(true); // the auth follows at once
    expect(ids(ds[1]).slice(0, 4)).toEqual([MSG.auth, MSG.location, MSG.location, MSG.batch]);
    for (const d of ds.slice(2)) expect(ids(d)).toEqual([MSG.batch]);
    for (const d of ds) expect(d.size).toBeLessThanOrEqual(512);
    // backlog oldest first, nothing sent twice
    expect(server.records().map((x) => x.rec.seq)).toEqual(backlog.map((x) => x.seq).sort((a, b) => a - b));
    expect(server.counters.duplicates).toBe(0);
    expect(r.backlog.acked.slice(0, 2)).toEqual([41, 42]);
    const snap = r.session.snapshot();
    expect(snap).toEqual({ auth: AUTH, serial: frames(r).length, registered: true });
    expect(JSON.stringify(snap).length).toBeLessThan(100);
    expect(server.record(5)!.rec.temps).toEqual([41, -183]);
  });

  it("sends a long backlog a full datagram at a time, the next only once the last one's acks are in", () => {
    const server = new FleetServer();
    const backlog = Array.from({ length: 200 }, (_, i) => record(i + 1));
    const r = rig({ server, snap: registered, backlog, max: 1024 });
    r.session.start([]);
    runToEnd(r);
    expect(done(r)).toMatchObject({ delivered: 200, failed: 0 });
    const ds = datagrams(r);
    const batches = frames(r).filter((f) => f.msgId === MSG.batch);
    // about 75 bytes a record with two probes; 13 records a 1 KiB datagram
    expect(batches.reduce((n, f) => n + f.size, 0) / 200).toBeLessThan(90);
    expect(ds.length).toBeLessThanOrEqual(17);
    for (let i = 1; i < ds.length; i++) expect(ds[i].at).toBeGreaterThanOrEqual(ds[i - 1].at + 400);
    // hold the radio between them; release after the last
    expect(ds.map((d) => d.hold)).toEqual(ds.map((_, i) => i < ds.length - 1));
    expect(server.counters.duplicates).toBe(0);
  });

  it.each([1, 16, 17, 40, 52, 120])("packs a backlog of %i records into as few datagrams as their bytes need", (n) => {
    for (const max of [1358, 512]) {
      const server = new FleetServer();
      const backlog = Array.from({ length: n }, (_, i) => record(i + 1, { kind: "temperature" }));
      const r = rig({ server, snap: registered, backlog, max });
      r.session.start([]);
      runToEnd(r);
      expect(done(r)).toMatchObject({ delivered: n, failed: 0 });
      const ds = datagrams(r);
      // what must travel: every record's batch entry, once; the least datagrams that can hold it, allowing each
      // datagram a frame's overhead per batch and one record's worth of unfilled room at its end
      const entries = frames(r).filter((f) => f.msgId === MSG.batch).reduce((k, f) => k + decodeBatch(f.body)!.bodies.length, 0);
      expect(entries).toBe(n);
      const perRecord = frames(r).filter((f) => f.msgId === MSG.batch).reduce((k, f) => k + f.size, 0) / n;
      const usable = max - 3 * 40 - perRecord;
      const least = Math.ceil((n * perRecord) / usable);
      expect(ds.length).toBeLessThanOrEqual(Math.max(1, least));
      // RAI on the last one only: every datagram before it holds the radio
      expect(ds.map((d) => d.hold)).toEqual(ds.map((_, i) => i < ds.length - 1));
      expect(server.counters.duplicates).toBe(0);
    }
  });

  it("authenticates with the saved code on the next session, without registering again", () => {
    const server = new FleetServer();
    const first = rig({ server, backlog: [record(1)] });
    first.session.start([record(1)]);
    runToEnd(first);
    const second = rig({ server, backlog: [record(2)], snap: first.session.snapshot() });
    second.session.start([record(2)]);
    runToEnd(second);
    expect(datagrams(second).map(ids)).toEqual([[MSG.auth, MSG.location]]);
    expect(frames(second)[0].serial).toBe(first.session.snapshot().serial);
    expect(done(second)).toMatchObject({ delivered: 1, failed: 0 });
  });

  it("sends a heartbeat when there is nothing else and a heartbeat is configured", () => {
    const server = new FleetServer();
    const r = rig({ server, config: { heartbeat_s: 600 }, snap: { auth: AUTH, serial: 0, registered: true } });
    r.session.start([]);
    runToEnd(r);
    expect(frames(r).map((u) => u.msgId)).toEqual([MSG.auth, MSG.heartbeat]);
    expect(done(r)).toMatchObject({ reason: "complete" });
  });
});

describe("lost datagrams and acks", () => {
  it("resends a lost datagram's frames together, same serials and bytes", () => {
    const server = new FleetServer();
    const backlog = Array.from({ length: 6 }, (_, i) => record(i + 1));
    const r = rig({ server, backlog, snap: registered, max: 1358 });
    r.link.drop = (n) => n === 0;
    r.session.start([record(6)]);
    runToEnd(r);
    const ds = datagrams(r);
    expect(ds.length).toBe(2);
    expect(ds[1].at - ds[0].at).toBe(r.config.ack_timeout_s * 1000);
    expect(ds[1].bytes).toEqual(ds[0].bytes);
    expect(ids(ds[0])).toEqual([MSG.auth, MSG.location, MSG.batch]);
    expect(r.session.counters.retransmits).toBe(3);
    expect(done(r)).toMatchObject({ delivered: 6, failed: 0, reason: "complete" });
    expect(server.counters.duplicates).toBe(0);
  });

  it("counts duplicates when the platform's acks are lost and the datagram is sent again", () => {
    const server = new FleetServer();
    const backlog = Array.from({ length: 6 }, (_, i) => record(i + 1));
    const r = rig({ server, backlog, snap: registered });
    r.link.dropReply = (n) => n === 0;
    r.session.start([]);
    runToEnd(r);
    expect(done(r)).toMatchObject({ delivered: 6, failed: 0 });
    expect(r.session.counters.retransmits).toBe(2); // auth and batch
    expect(server.counters.duplicates).toBe(6);
    expect(server.records().every((x) => x.copies === 2 && x.via === "jt808")).toBe(true);
  });

  it("acks records whose 0x8001 lands after the session ended", () => {
    const server = new FleetServer();
    const r = rig({ server, backlog: [record(1), record(2)], snap: registered });
    r.session.start([]);
    r.clock.fireNext(); // the datagram leaves; its acks are 400 ms away
    r.session.onDown();
    expect(done(r)).toMatchObject({ reason: "link-down", delivered: 0, failed: 2 });
    runToEnd(r);
    expect(r.backlog.acked).toEqual([1, 2]);
    expect(r.session.counters.lateAcks).toBe(1);
  });

  it("waits T(N+1) = T(N) x (N+1) from ack_timeout_s, then gives up after ack_retries", () => {
    const r = rig({ config: { ack_timeout_s: 10, ack_retries: 3 }, snap: { auth: "3132", serial: 0, registered: true } });
    r.session.start([record(1)]);
    runToEnd(r);
    // 10 s, then 20 s, 60 s, 240 s; the same serials every time
    expect(r.link.sent.map((s) => s.at)).toEqual([0, 10_000, 30_000, 90_000]);
    expect(new Set(frames(r).map((u) => u.serial))).toEqual(new Set([0, 1]));
    expect(r.clock.t).toBe(330_000);
    expect(done(r)).toMatchObject({ reason: "no-ack", delivered: 0, failed: 1 });
    expect(r.backlog.acked).toEqual([]);
  });
});

/** Registers anyone with code "x" and refuses every auth and every location (a platform that lost its tables). */
class RefusingServer implements DatagramServer {
  private serial = 0;
  receive(bytes: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const raw of splitFrames(bytes).frames) {
      const p = parseFrame(raw);
      if (!("frame" in p)) continue;
      const h = p.frame.header;
      const down = (msgId: number, body: Uint8Array) =>
        out.push(encodeFrame({ msgId, edition: h.edition, phone: h.phone, serial: this.serial++ }, body));
      if (h.msgId === MSG.register) down(MSG.registerReply, encodeRegisterReply({ replySerial: h.serial, result: 0, authCode: Uint8Array.of(0x78) }));
      else down(MSG.platformAck, encodeGeneralResponse({ replySerial: h.serial, replyId: h.msgId, result: 1 }));
    }
    return out;
  }
}

describe("a refused auth", () => {
  const wrong = { auth: "6e6f7065", serial: 3, registered: true }; // "nope"

  it("re-registers and sends again what the platform did not ack (strict platform)", () => {
    const server = new FleetServer([], { requireAuth: true });
    const r = rig({ server, snap: wrong, backlog: [record(1), record(2)] });
    r.session.start([record(2)]);
    runToEnd(r);
    const ds = datagrams(r);
    expect(ds.map(ids)).toEqual([
      [MSG.auth, MSG.location, MSG.batch],
      [MSG.register],
      [MSG.auth, MSG.location, MSG.batch],
    ]);
    // the records go again with the bytes the platform refused
    expect(ds[2].frames.slice(1).map((f) => f.serial)).toEqual(ds[0].frames.slice(1).map((f) => f.serial));
    expect(server.counters.authFailures).toBe(1);
    expect(server.counters.unauthenticated).toBe(2);
    expect(done(r)).toMatchObject({ reason: "complete", delivered: 2, failed: 0 });
    expect(r.session.counters.reregistrations).toBe(1);
    expect(r.session.snapshot()).toMatchObject({ auth: AUTH, registered: true });
    expect(server.records().map((x) => [x.rec.seq, x.copies])).toEqual([[1, 1], [2, 1]]);
  });

  it("keeps what the platform acked on its own 0x8001 even though the auth in its datagram failed (Traccar)", () => {
    const server = new FleetServer();
    const r = rig({ server, snap: wrong, backlog: [record(1)] });
    r.session.start([record(1)]);
    runToEnd(r);
    expect(datagrams(r).map(ids)).toEqual([[MSG.auth, MSG.location], [MSG.register], [MSG.auth]]);
    expect(done(r)).toMatchObject({ reason: "complete", delivered: 1, failed: 0 });
    expect(r.backlog.acked).toEqual([1]);
    expect(server.counters.duplicates).toBe(0);
    expect(r.session.snapshot().registered).toBe(true);
  });

  it("gives up for this session when the new code is refused too, registering again next time", () => {
    const r = rig({ server: new RefusingServer(), snap: wrong, backlog: [record(1)] });
    r.session.start([record(1)]);
    runToEnd(r);
    expect(datagrams(r).map(ids)).toEqual([[MSG.auth, MSG.location], [MSG.register], [MSG.auth, MSG.location]]);
    expect(done(r)).toMatchObject({ reason: "auth-refused", delivered: 0, failed: 1 });
    expect(r.backlog.acked).toEqual([]);
    expect(r.session.snapshot()).toMatchObject({ auth: "", registered: false });
  });
});

describe("staying online and losing the link", () => {
  const snap = { auth: AUTH, serial: 0, registered: true };
  it("keeps the session open with heartbeats, sends pushed records, ends on close()", () => {
    const server = new FleetServer();
    const r = rig({ server, snap, config: { heartbeat_s: 120 } });
    r.session.start([], { stayOnline: true });
    for (let i = 0; i < 50 && r.clock.pending()[0] <= 300_000; i++) r.clock.fireNext();
    expect(r.session.state).toBe("online");
    // auth at 0, a first heartbeat as nothing else went up, then one 120 s after each last uplink
    expect(frames(r).map((u) => u.msgId)).toEqual([MSG.auth, MSG.heartbeat, MSG.heartbeat, MSG.heartbeat]);
    expect(r.link.sent.map((s) => s.at)).toEqual([0, 400, 120_400, 240_400]);
    r.session.push(record(5));
    for (let i = 0; i < 5; i++) r.clock.fireNext();
    expect(server.record(5)).toBeDefined();
    r.session.close();
    expect(done(r)).toMatchObject({ reason: "closed", delivered: 1, failed: 0 });
    expect(r.clock.pending()).toEqual([]);
  });

  it("ends at once when the link goes down, leaving the records in the log", () => {
    const r = rig({ snap, backlog: [record(1), record(2)] });
    r.session.start([]);
    r.clock.fireNext();
    r.session.onDown();
    expect(done(r)).toMatchObject({ reason: "link-down", delivered: 0 });
    expect(r.backlog.recs.length).toBe(2);
    expect(r.link.finished).toBe(false);
  });
});

describe("a session that must end before the wake is cut short", () => {
  it("starts no backlog datagram whose acks could land after the end: what the platform got is acked", () => {
    const server = new FleetServer();
    const backlog = Array.from({ length: 3000 }, (_, i) => record(i + 1));
    const r = rig({ server, backlog, max: 512, config: { ack_timeout_s: 2 } });
    const endBy = 30_000;
    r.session.start([], { endBy });
    runToEnd(r);
    const sent = r.link.sent;
    expect(sent.length).toBeGreaterThan(20);
    for (const d of sent) expect(d.at).toBeLessThanOrEqual(endBy - 3 * 2000);
    // the wake may end at endBy: every record the platform has by then is acked, so none goes twice next wake
    expect(server.records().length).toBeGreaterThan(100);
    expect(r.backlog.acked.length).toBe(server.records().length);
    expect(r.backlog.recs.length).toBe(3000 - server.records().length);
    expect(r.clock.now()).toBeLessThan(endBy);
  });
});
