import { describe, expect, it } from "vitest";
import { parseFrame } from "../../firmware/protocol/frame";
import { decodeBatch } from "../../firmware/protocol/location";
import { MSG } from "../../firmware/protocol/messages";
import { FleetServer } from "../../sim/core/fleet-server";
import { record, rig, runToEnd } from "./harness";
import type { Rig } from "./harness";

function uplinks(r: Rig): { msgId: number; serial: number; at: number; size: number; bytes: Uint8Array }[] {
  return r.link.sent.map((s) => {
    const p = parseFrame(s.bytes);
    if (!("frame" in p)) throw new Error(p.error);
    return { msgId: p.frame.header.msgId, serial: p.frame.header.serial, at: s.at, size: s.bytes.length, bytes: p.frame.body };
  });
}

const done = (r: Rig) => r.events.find((e) => e.type === "session-done");

describe("uplink session against the fleet server", () => {
  it("registers, authenticates, sends live records then the backlog in backfill batches", () => {
    const server = new FleetServer();
    const live = [record(41), record(42)];
    const backlog = [...Array.from({ length: 30 }, (_, i) => record(i + 1)), ...live];
    const r = rig({ server, backlog, max: 512 });
    r.session.start(live);
    runToEnd(r);
    expect(done(r)).toEqual({ type: "session-done", delivered: 32, failed: 0, reason: "complete" });
    expect(r.link.finished).toBe(true);
    const ups = uplinks(r);
    expect(ups.map((u) => u.msgId).slice(0, 4)).toEqual([MSG.register, MSG.auth, MSG.location, MSG.location]);
    const batches = ups.filter((u) => u.msgId === MSG.batch);
    expect(batches.length).toBeGreaterThan(2);
    for (const b of batches) {
      expect(b.size).toBeLessThanOrEqual(512);
      expect(decodeBatch(b.bytes)!.type).toBe(1);
    }
    // oldest first, nothing sent twice
    expect(server.records().map((x) => x.rec.seq)).toEqual(backlog.map((x) => x.seq).sort((a, b) => a - b));
    expect(server.counters.duplicates).toBe(0);
    expect(r.backlog.recs).toEqual([]);
    expect(r.backlog.acked.slice(0, 2)).toEqual([41, 42]);
    const snap = r.session.snapshot();
    expect(snap).toEqual({ auth: "3133383030313338303030", serial: ups.length, registered: true });
    expect(JSON.stringify(snap).length).toBeLessThan(100);
    // the platform rebuilt each record from the vendor item
    expect(server.record(5)!.rec.temps).toEqual([41, -183]);
  });

  it("authenticates with the saved code on the next session, without registering again", () => {
    const server = new FleetServer();
    const first = rig({ server, backlog: [record(1)] });
    first.session.start([record(1)]);
    runToEnd(first);
    const second = rig({ server, backlog: [record(2)], snap: first.session.snapshot() });
    second.session.start([record(2)]);
    runToEnd(second);
    expect(uplinks(second).map((u) => u.msgId)).toEqual([MSG.auth, MSG.location]);
    expect(uplinks(second)[0].serial).toBe(first.session.snapshot().serial);
    expect(done(second)).toMatchObject({ delivered: 1, failed: 0 });
  });

  it("counts duplicates when an ack is lost and the batch is sent again", () => {
    const server = new FleetServer();
    const backlog = Array.from({ length: 6 }, (_, i) => record(i + 1));
    const r = rig({ server, backlog, snap: { auth: "3133383030313338303030", serial: 7, registered: true } });
    r.link.dropReply = (n) => n === 1; // the answer to the first batch never arrives
    r.session.start([]);
    runToEnd(r);
    expect(done(r)).toMatchObject({ delivered: 6, failed: 0 });
    expect(r.session.counters.retransmits).toBe(1);
    expect(server.counters.duplicates).toBe(6);
    expect(server.records().length).toBe(6);
    expect(server.records().every((x) => x.copies === 2 && x.via === "jt808")).toBe(true);
  });

  it("re-registers after the platform refuses the auth code", () => {
    const server = new FleetServer();
    const r = rig({ server, snap: { auth: "6e6f7065", serial: 3, registered: true } });
    r.session.start([record(1)]);
    runToEnd(r);
    expect(done(r)).toMatchObject({ reason: "auth-refused", delivered: 0, failed: 1 });
    expect(r.session.snapshot().registered).toBe(false);
    expect(server.counters.authFailures).toBe(1);
  });

  it("sends a heartbeat when there is nothing else and a heartbeat is configured", () => {
    const server = new FleetServer();
    const r = rig({ server, config: { heartbeat_s: 600 }, snap: { auth: "3133383030313338303030", serial: 0, registered: true } });
    r.session.start([]);
    runToEnd(r);
    expect(uplinks(r).map((u) => u.msgId)).toEqual([MSG.auth, MSG.heartbeat]);
    expect(done(r)).toMatchObject({ reason: "complete" });
  });
});

describe("retransmission", () => {
  it("waits T(N+1) = T(N) x (N+1) from ack_timeout_s, then gives up after ack_retries", () => {
    const r = rig({ config: { ack_timeout_s: 10, ack_retries: 3 }, snap: { auth: "3132", serial: 0, registered: true } });
    r.session.start([record(1)]);
    runToEnd(r);
    // 10 s, then 20 s, 60 s, 240 s; the same serial every time
    expect(r.link.sent.map((s) => s.at)).toEqual([0, 10_000, 30_000, 90_000]);
    expect(new Set(uplinks(r).map((u) => u.serial)).size).toBe(1);
    expect(r.clock.t).toBe(330_000);
    expect(done(r)).toMatchObject({ reason: "no-ack", delivered: 0, failed: 1 });
    expect(r.backlog.acked).toEqual([]);
  });
});

describe("staying online and losing the link", () => {
  const snap = { auth: "3133383030313338303030", serial: 0, registered: true };
  it("keeps the session open with heartbeats, sends pushed records, ends on close()", () => {
    const server = new FleetServer();
    const r = rig({ server, snap, config: { heartbeat_s: 120 } });
    r.session.start([], { stayOnline: true });
    for (let i = 0; i < 50 && r.clock.pending()[0] <= 300_000; i++) r.clock.fireNext();
    expect(r.session.state).toBe("online");
    // auth at 0, a first heartbeat as nothing else went up, then one 120 s after each last uplink
    expect(uplinks(r).map((u) => [u.msgId, u.at])).toEqual([[MSG.auth, 0], [MSG.heartbeat, 400], [MSG.heartbeat, 120_400], [MSG.heartbeat, 240_400]]);
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

  it("packs a long backlog into few datagrams", () => {
    const server = new FleetServer();
    const backlog = Array.from({ length: 200 }, (_, i) => record(i + 1));
    const r = rig({ server, snap, backlog, max: 1024 });
    r.session.start([]);
    runToEnd(r);
    const ups = uplinks(r).filter((u) => u.msgId === MSG.batch);
    expect(done(r)).toMatchObject({ delivered: 200, failed: 0 });
    const bytes = ups.reduce((n, u) => n + u.size, 0);
    // about 75 bytes a record with two probes; 13 records a 1 KiB datagram
    expect(bytes / 200).toBeLessThan(90);
    expect(ups.length).toBeLessThanOrEqual(17);
  });
});
