import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/core/bytes";
import { defaults } from "../../firmware/config/config";
import { encodeFrame, parseFrame } from "../../firmware/protocol/frame";
import { handleDownlink } from "../../firmware/protocol/downlink";
import { MSG, decodeGeneralResponse } from "../../firmware/protocol/messages";
import { decodeParamsReply, decodeSetParams, encodeItems, encodeValue } from "../../firmware/protocol/params";
import { LOCAL_ONLY, PARAMS, paramById } from "../../firmware/config/param-ids";
import { CONFIG_SPEC } from "../../firmware/config/config";
import { FleetServer } from "../../sim/world/fleet-server";
import { record, rig, runToEnd } from "./harness";

const registered = { auth: "3133383030313338303030", serial: 0, registered: true };
const ctx = { config: defaults(), current: () => record(3) };

describe("remote parameters", () => {
  it("maps every id to a distinct config key, standard ids below 0xF000 and product ones above", () => {
    expect(Object.isFrozen(PARAMS)).toBe(true);
    expect(new Set(PARAMS.map((p) => p.key)).size).toBe(PARAMS.length);
    expect(new Set(PARAMS.map((p) => p.id)).size).toBe(PARAMS.length);
    for (const p of PARAMS) expect(CONFIG_SPEC[p.key]).toBeDefined();
    const uncovered = Object.keys(CONFIG_SPEC).filter((k) => !PARAMS.some((p) => p.key === k));
    expect(uncovered.filter((k) => !LOCAL_ONLY.includes(k))).toEqual([]);
    expect(paramById(0x0029)!.key).toBe("rep_moving_s");
    expect(paramById(0x0013)!.type).toBe("string");
  });

  it("applies a valid set as config changes (SmallChi JT808_0x8103Test.cs @c9552b0f: heartbeat 10 s)", () => {
    const f = parseFrame(fromHex("7e8103000a000123456789000a0100000001040000000a057e")!);
    if (!("frame" in f)) throw new Error();
    const out = handleDownlink(f.frame.header.msgId, f.frame.header.serial, f.frame.body, ctx);
    expect(out.actions).toEqual([{ type: "config-change", changes: { heartbeat_s: 10 } }]);
    expect(decodeGeneralResponse(out.replies[0].body)).toEqual({ replySerial: 10, replyId: 0x8103, result: 0 });
  });

  it("refuses the whole message when one value is out of range, and changes nothing", () => {
    const body = encodeItems([
      { id: 0x0029, value: encodeValue("u32", 60) },
      { id: 0xf010, value: encodeValue("u32", 5) }, // temp_log_s below its minimum of 10
    ]);
    const out = handleDownlink(MSG.setParams, 77, body, ctx);
    expect(out.actions).toEqual([]);
    expect(decodeGeneralResponse(out.replies[0].body)).toEqual({ replySerial: 77, replyId: 0x8103, result: 2 });
    expect(out.refused).toMatch(/temp_log_s/);
  });

  it("refuses an unknown id (SmallChi JT808_0x8103Test.cs @c9552b0f: CAN id 0x0110)", () => {
    const f = parseFrame(fromHex("7e8103000e0135123443213039010000011008ffffffffffffffffed7e")!);
    if (!("frame" in f)) throw new Error();
    expect(decodeSetParams(f.frame.body)).toEqual({ error: "unknown parameter 0x0110" });
  });

  it("reads fractional settings through their scale and strings as text", () => {
    const body = encodeItems([
      { id: 0xf020, value: encodeValue("u16", 15) },
      { id: 0x0013, value: encodeValue("string", "10.0.0.7") },
      { id: 0xf013, value: encodeValue("string", "*:-25:-15:600:300:0.5:1") },
    ]);
    expect(decodeSetParams(body)).toEqual({ changes: { fix_hdop_max: 1.5, server: "10.0.0.7", bands: "*:-25:-15:600:300:0.5:1" } });
  });

  it("answers 0x8104 with every parameter and 0x8106 with the ones asked", () => {
    const all = handleDownlink(MSG.queryParams, 5, new Uint8Array(0), ctx);
    expect(all.replies[0].msgId).toBe(MSG.paramsReply);
    expect(decodeParamsReply(all.replies[0].body)!.items.length).toBe(PARAMS.length);
    const some = handleDownlink(MSG.querySomeParams, 6, fromHex("02000000290000f999")!, ctx);
    const r = decodeParamsReply(some.replies[0].body)!;
    expect(r.replySerial).toBe(6);
    expect(r.items).toEqual([{ id: 0x29, value: encodeValue("u32", 300) }]);
  });

  it("answers unknown messages with result 3 and a reset with an ack plus a request to the app", () => {
    const u = handleDownlink(0x8300, 9, new Uint8Array(3), ctx);
    expect(decodeGeneralResponse(u.replies[0].body)!.result).toBe(3);
    const reset = handleDownlink(MSG.control, 10, Uint8Array.of(4), ctx);
    expect(reset.actions).toEqual([{ type: "reset-request" }]);
    expect(decodeGeneralResponse(reset.replies[0].body)!.result).toBe(0);
  });
});

describe("downlinks through the session and the fleet server", () => {
  it("delivers queued downlinks after the next uplink and answers each", () => {
    const server = new FleetServer([
      { t: 0, message: "set-params", params: { "0x0029": 60 } },
      { t: 0, message: "set-params", params: { "0x0029": 60, "0xF010": 5 } },
      { t: 0, message: "query-location" },
      { t: 0, message: "query-params", ids: ["0x0029", "0x0001"] },
      { t: 0, message: "ack-alarms" },
      { t: 0, message: "reset" },
      { t: 0, message: "raw", hex: "7e8300000501380013800000050100414243" + "007e" },
      { t: 3600, message: "query-params" },
    ]);
    const r = rig({ server, snap: registered, current: record(9) });
    r.session.start([record(9)]);
    runToEnd(r);
    expect(r.events.filter((e) => e.type !== "session-done")).toEqual([
      { type: "config-change", changes: { rep_moving_s: 60 } },
      { type: "ack-alarms", serial: 0, mask: 0xffffffff },
      { type: "reset-request" },
    ]);
    // 0x8103 ok, 0x8103 refused, 0x8203 ok, 0x8105 ok; the raw frame had a bad BCC and was dropped, counted
    expect(server.answers.map((a) => [a.replyId, a.result])).toEqual([
      [0x8103, 0], [0x8103, 2], [0x8203, 0], [0x8105, 0],
    ]);
    expect(r.session.counters.badBcc).toBe(1);
    expect(server.reportedParams.map((p) => p.id)).toEqual([0x0029, 0x0001]);
    // the 0x0201 answer carried record 9, which the platform stored once
    expect(server.record(9)!.copies).toBe(2);
    expect(server.transcript.some((e) => e.dir === "down" && e.msgId === 0x8201)).toBe(true);
    expect(server.counters.downlinksSent).toBe(7);
  });

  it("answers an unknown platform message with result 3", () => {
    const server = new FleetServer();
    const r = rig({ server, snap: registered });
    r.session.start([record(1)]);
    r.clock.fireNext();
    const frame = encodeFrame({ msgId: 0x8300, edition: 2019, phone: "013800138000", serial: 40 }, Uint8Array.of(0, 0x41));
    r.session.onRx(frame);
    runToEnd(r);
    expect(server.answers).toEqual([{ atMs: expect.any(Number), replyId: 0x8300, result: 3 }]);
  });
});
