/**
 * Each bad input a network attacker (or a misconfigured platform) can produce, end to end through the sealed
 * session and the platform: it is rejected with a counted reason, nothing in it is applied, and no record is lost
 * (what the platform did not accept stays in the device's backlog, or arrives by a later transmission).
 */
import { describe, expect, it } from "vitest";
import { encodeFrame, parseFrame, splitFrames } from "../../firmware/protocol/frame";
import { MSG, encodeGeneralResponse } from "../../firmware/protocol/messages";
import { SEALED, SEALED_LZ4 } from "../../firmware/protocol/frame-seal";
import { SimSettings } from "../../sim/devices/settings-sim";
import { record } from "../protocol/harness";
import { PHONE, flipNearEnd, run, secureRig } from "./rig";

const recs = (n: number) => Array.from({ length: n }, (_, i) => record(i + 1));
const SET_MOVING_60 = { t: 0, message: "set-params" as const, params: { "0x0029": 60 } };
const configChanges = (events: { type: string }[]) => events.filter((e) => e.type === "config-change");

describe("sealed uplink", () => {
  it("goes out with the encryption bits set and nothing readable of the location", () => {
    const r = secureRig({ backlog: recs(3) });
    run(r);
    const fields = new Set<number | undefined>();
    for (const d of r.up)
      for (const raw of splitFrames(d).frames) {
        const p = parseFrame(raw);
        fields.add("frame" in p ? p.frame.header.encrypt : -1);
      }
    // sealed (field 2), and compressed inside the seal where that is shorter (field 6): the batch at least
    for (const f of fields) expect([SEALED, SEALED_LZ4]).toContain(f);
    expect(fields.has(SEALED_LZ4)).toBe(true);
    expect(r.server.records().map((s) => s.rec.seq)).toEqual([1, 2, 3]);
    expect(r.backlog.recs).toEqual([]);
    expect(r.server.security.refusals()).toBe(0);
  });

  it("tampered on the way: refused by the platform (bad MAC), then delivered by the retransmission, nothing lost", () => {
    const r = secureRig({ backlog: recs(4), tamperUp: (n, b) => (n === 0 ? flipNearEnd(b) : b) });
    run(r);
    expect(r.server.security.rejected["bad-mac"]).toBe(1);
    expect(r.server.records().map((s) => s.rec.seq)).toEqual([1, 2, 3, 4]);
    expect(r.server.counters.duplicates).toBe(0);
    expect(r.backlog.recs).toEqual([]);
    expect(r.session.counters.retransmits).toBeGreaterThan(0);
  });

  it("sealed with the wrong key: every frame refused, nothing stored, every record still in the backlog", () => {
    const r = secureRig({ backlog: recs(3), platformKey: new Uint8Array(16).fill(0x5a) });
    run(r);
    expect(r.server.security.rejected["bad-mac"]).toBeGreaterThan(0);
    expect(r.server.records()).toEqual([]);
    expect(r.backlog.recs.map((x) => x.seq)).toEqual([1, 2, 3]);
  });

  it("at a platform without keys: refused as encrypted, never misread as plain JT/T 808", () => {
    const r = secureRig({ backlog: recs(2), platformKey: null });
    run(r);
    expect(r.server.security.rejected["no-key"]).toBeGreaterThan(0);
    expect(r.server.transcript.filter((e) => e.dir === "up")).toEqual([]);
    expect(r.backlog.recs.map((x) => x.seq)).toEqual([1, 2]);
  });

  it("replayed: the platform refuses a datagram it has already accepted, stores and answers nothing", () => {
    const r = secureRig({ backlog: recs(2) });
    run(r);
    const arrivals = r.server.arrivals.length;
    const transcript = r.server.transcript.length;
    for (const d of r.up) expect(r.server.receive(d, r.clock.now() + 1000)).toEqual([]);
    expect(r.server.security.rejected.replay).toBeGreaterThanOrEqual(r.up.length);
    expect(r.server.arrivals.length).toBe(arrivals);
    expect(r.server.transcript.length).toBe(transcript);
  });
});

describe("signed downlinks", () => {
  it("a genuine 0x8103 is applied once", () => {
    const r = secureRig({ backlog: recs(1), downlinks: [SET_MOVING_60] });
    run(r);
    expect(configChanges(r.events)).toHaveLength(1);
    expect(r.server.answers).toContainEqual(expect.objectContaining({ replyId: MSG.setParams, result: 0 }));
    expect(Number(r.settings.get("dl_floor"))).toBeGreaterThan(0);
  });

  it("with a bad MAC: refused with result 2, nothing applied, the records still acked", () => {
    // the platform sends acks first, then the command: tamper with the frame that carries 0x8103
    const r = secureRig({ backlog: recs(2), downlinks: [SET_MOVING_60], tamperDown: (_, b) => (isSetParams(b) ? flipNearEnd(b) : b) });
    run(r);
    expect(configChanges(r.events)).toEqual([]);
    expect(r.guard.rejected["bad-mac"]).toBeGreaterThan(0);
    expect(r.server.answers).toContainEqual(expect.objectContaining({ replyId: MSG.setParams, result: 2 }));
    expect(r.backlog.recs).toEqual([]);
  });

  it("replayed in a later session (an old counter, also after a power cut): refused with result 2, nothing applied", () => {
    const first = secureRig({ backlog: recs(1), downlinks: [SET_MOVING_60] });
    run(first);
    const cmd = first.down.find(isSetParams)!;
    expect(configChanges(first.events)).toHaveLength(1);
    // a new wake of the same device after a power cut: RAM and RTC memory gone, NVS (counter mark, floor) kept
    const nvs = new SimSettings({ up_ctr: first.settings.get("up_ctr")!, dl_floor: first.settings.get("dl_floor")! });
    const second = secureRig({ backlog: recs(1).map((x) => ({ ...x, seq: 9 })), settings: nvs, server: first.server });
    second.session.start([]);
    second.session.onRx(cmd);
    run(second);
    expect(configChanges(second.events)).toEqual([]);
    expect(second.guard.rejected["old-counter"]).toBe(1);
    expect(second.server.answers.filter((a) => a.replyId === MSG.setParams).map((a) => a.result)).toEqual([0, 2]);
    expect(second.backlog.recs).toEqual([]);
  });

  it("an old ack replayed after a power cut (serials start again): refused, no record acked by it", () => {
    const first = secureRig({ backlog: recs(2) });
    run(first);
    const oldAcks = first.down.filter((d) => {
      const p = parseFrame(d);
      return "frame" in p && p.frame.header.msgId === MSG.platformAck;
    });
    expect(oldAcks.length).toBeGreaterThan(0);
    // RTC memory is gone; NVS keeps the floor the guard wrote as it accepted each ack
    const nvs = new SimSettings({ up_ctr: first.settings.get("up_ctr")!, dl_floor: first.settings.get("dl_floor")! });
    const second = secureRig({ backlog: recs(2).map((x) => ({ ...x, seq: x.seq + 10 })), settings: nvs, tamperUp: () => new Uint8Array(0) });
    second.session.start([]);
    for (const a of oldAcks) second.session.onRx(a);
    run(second);
    expect(second.guard.rejected["old-counter"]).toBe(oldAcks.length);
    expect(second.backlog.acked).toEqual([]);
  });

  it("unsealed (a forged 0x8103, a forged 0x8001 ack): refused, nothing applied, no record dropped", () => {
    const r = secureRig({ backlog: recs(2), tamperUp: () => new Uint8Array(0) }); // the platform never hears us
    r.session.start([]);
    const head = { edition: 2019 as const, protoVersion: 1, phone: PHONE, serial: 7 };
    const fakeAck = encodeFrame({ ...head, msgId: MSG.platformAck }, encodeGeneralResponse({ replySerial: 0, replyId: MSG.auth, result: 0 }));
    const fakeSet = encodeFrame({ ...head, msgId: MSG.setParams, serial: 8 }, Uint8Array.of(1, 0, 0, 0, 0x29, 4, 0, 0, 0, 60));
    for (let s = 0; s < 4; s++) {
      r.session.onRx(encodeFrame({ ...head, msgId: MSG.platformAck, serial: 20 + s }, encodeGeneralResponse({ replySerial: s, replyId: MSG.batch, result: 0 })));
    }
    r.session.onRx(fakeAck);
    r.session.onRx(fakeSet);
    run(r);
    expect(r.guard.rejected.unsealed).toBe(6);
    expect(configChanges(r.events)).toEqual([]);
    expect(r.backlog.acked).toEqual([]);
    expect(r.backlog.recs.map((x) => x.seq)).toEqual([1, 2]);
  });
});

function isSetParams(b: Uint8Array): boolean {
  const p = parseFrame(b);
  return "frame" in p && p.frame.header.msgId === MSG.setParams;
}
