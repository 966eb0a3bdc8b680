import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/core/bytes";
import { bcc, encodeFrame, escapeFrame, parseFrame, splitFrames, unescapeFrame } from "../../firmware/protocol/frame";
import { decodeLocation, encodeLocation } from "../../firmware/protocol/location";
import { bcdToTime, timeToBcd } from "../../firmware/protocol/bcd";
import { Reassembler, packetize } from "../../firmware/protocol/subpackage";
import { carriageTempFromWire, carriageTempWire, locationToRecord, recordToLocation } from "../../firmware/protocol/record-location";
import { decodeVendor, encodeVendor } from "../../firmware/protocol/vendor-item";
import { decodeReport } from "../../sim/report/jt808-report";
import { record } from "./harness";

describe("escaping", () => {
  // PROTOCOLS.md §3 escaping vectors (JT/T 808 text examples)
  it("un-escapes 7d02 and 7d01 and escapes back", () => {
    const wire = fromHex("7e307d02087d01557e")!;
    expect(toHex(unescapeFrame(wire).content)).toBe("307e087d55");
    expect(toHex(escapeFrame(fromHex("307e087d55")!))).toBe("7e307d02087d01557e");
  });
  it("heartbeat whose BCC is 7E travels escaped (SmallChi JT808_0x0002Test.cs @c9552b0f)", () => {
    const r = parseFrame(fromHex("7E00020000040021679287002B7D027E")!);
    expect("frame" in r && r.frame.bccOk).toBe(true);
    const c = unescapeFrame(fromHex("7E00020000040021679287002B7D027E")!).content;
    expect(bcc(c, 0, c.length - 1)).toBe(0x7e);
  });
  it("skips junk before the first 7E and counts it; keeps a cut tail", () => {
    const s = splitFrames(fromHex("0102037e00020000012345678900000a817e7e0002")!);
    expect(s.junk).toBe(3);
    expect(s.frames.map((f) => toHex(f))).toEqual(["7e00020000012345678900000a817e"]);
    expect(toHex(s.rest)).toBe("7e0002");
  });
  it("reports a bad BCC on the frame instead of throwing", () => {
    const r = parseFrame(fromHex("7e00020000012345678900000a827e")!);
    expect("frame" in r && r.frame.bccOk).toBe(false);
    expect(parseFrame(fromHex("7e00027e")!)).toEqual({ error: "too-short" });
  });
});

describe("location from a record", () => {
  it("sets the status bits, GMT+8 time, standard items and the vendor item", () => {
    const rec = record(7, {
      doorOpen: true,
      fix: { lat: -33.8688, lon: -151.2093, alt: 58, speedKmh: 0, course: 359.6, sats: 9, gps: true, bds: false, utc: Date.UTC(2025, 3, 2, 8, 36, 0) },
      utc: Date.UTC(2025, 3, 2, 8, 36, 26),
      temps: [-183, null],
      alarms: 0,
      kind: "alarm",
      detail: { code: "battery-low", raised: true, extreme: 32, startUtc: Date.UTC(2025, 3, 2, 8, 30), durationS: 386 },
    });
    const b = recordToLocation(rec);
    // ACC, positioned, south, west, door 1, GPS; no BeiDou
    expect(b.status).toBe(1 | 2 | 4 | 8 | (1 << 13) | (1 << 18));
    expect(b.alarm).toBe(1 << 7);
    expect(toHex(b.time)).toBe("250402163626");
    expect(b.direction).toBe(0);
    const back = locationToRecord(decodeLocation(encodeLocation(b))!)!;
    expect(back.seq).toBe(7);
    expect(back.kind).toBe("alarm");
    expect(back.temps).toEqual([-183, null]);
    expect(back.detail).toEqual(rec.detail);
    expect(back.fix!.lat).toBeCloseTo(-33.8688, 6);
    expect(back.fix!.lon).toBeCloseTo(-151.2093, 6);
    expect(back.fix!.utc).toBe(rec.fix!.utc);
    expect(back.utc).toBe(rec.utc);
    expect(back.odometerM).toBe(123_400);
    expect(back.doorOpen).toBe(true);
  });
  it("0x06 carriage temperature is whole °C, sign-magnitude", () => {
    expect(carriageTempWire(-183)).toBe(0x8012);
    expect(carriageTempWire(41)).toBe(4);
    expect(carriageTempFromWire(0x8012)).toBe(-18);
  });
  it("a record without wall time or fix still encodes", () => {
    const rec = record(1, { utc: 0, fix: undefined, temps: [] });
    const b = recordToLocation(rec);
    expect(toHex(b.time)).toBe("000000000000");
    expect(b.status & 2).toBe(0);
    const v = decodeVendor(b.items[b.items.length - 1].value)!;
    expect(v.wallTimeUnknown).toBe(true);
    expect(v.fixAgeS).toBeUndefined();
  });
  it("vendor item rejects a foreign layout", () => {
    expect(decodeVendor(fromHex("3d")!)).toBeUndefined();
    const good = encodeVendor({ seq: 1, kind: "door", doorOpen: true, external: false, acc: false, wallTimeUnknown: false, batteryMv: 3600, temps: [] });
    expect(decodeVendor(good.subarray(0, good.length - 1))).toBeUndefined();
  });
  it("BCD time round-trips through GMT+8", () => {
    const t = Date.UTC(2025, 11, 31, 20, 0, 5);
    expect(toHex(timeToBcd(t))).toBe("260101040005");
    expect(bcdToTime(timeToBcd(t))).toBe(t);
  });
});

describe("sub-packaging", () => {
  it("splits a long body into frames that fit the datagram and joins them back", () => {
    const body = new Uint8Array(2500);
    for (let i = 0; i < body.length; i++) body[i] = i % 7 === 0 ? 0x7e : (i * 31) & 0xff;
    let serial = 100;
    const h = { msgId: 0x0104, edition: 2019 as const, phone: "13800138000" };
    const packets = packetize(h, body, 300, () => serial++);
    expect(packets.length).toBeGreaterThan(8);
    for (const p of packets) expect(p.bytes.length).toBeLessThanOrEqual(300);
    expect(packets.map((p) => p.serial)).toEqual(packets.map((_, i) => 100 + i));
    const re = new Reassembler(4, 64); // the platform's side: it joins messages of many parts
    let whole: Uint8Array | undefined;
    // arrival order does not matter
    for (const p of [...packets].reverse()) {
      const r = parseFrame(p.bytes);
      if (!("frame" in r)) throw new Error(r.error);
      expect(r.frame.header.packet!.total).toBe(packets.length);
      const m = re.add(r.frame);
      if (m) whole = m.body;
    }
    expect(whole && toHex(whole)).toBe(toHex(body));
  });
  it("on the terminal, refuses a message of more parts than any it is sent, so sub-packages cannot fill its heap", () => {
    const re = new Reassembler();
    const h = { msgId: 0x8103, edition: 2013 as const, phone: "13800138000" };
    // parts of messages announcing 40,000 parts each: none may be held, and what is held stays bounded
    for (let i = 0; i < 2000; i++) {
      const r = parseFrame(encodeFrame({ ...h, serial: 1000 + (i % 4), packet: { total: 40_000, index: 1 + (i % 4) } }, new Uint8Array(1000)));
      if (!("frame" in r)) throw new Error(r.error);
      expect(re.add(r.frame)).toBeUndefined();
    }
    expect(re.heldBytes).toBe(0);
    expect(re.counters.tooLarge).toBe(2000);
    // a message within the bound is still joined
    const small = packetize(h, new Uint8Array(1500).fill(7), 800, (() => { let s = 5; return () => s++; })());
    let whole: Uint8Array | undefined;
    for (const p of small) {
      const r = parseFrame(p.bytes);
      if (!("frame" in r)) throw new Error(r.error);
      whole = re.add(r.frame)?.body ?? whole;
    }
    expect(whole?.length).toBe(1500);
    expect(re.heldBytes).toBe(0);
  });
  it("sends a short message as one frame", () => {
    let s = 0;
    const p = packetize({ msgId: 2, edition: 2013, phone: "1" }, new Uint8Array(0), 64, () => s++);
    expect(p.length).toBe(1);
    const r = parseFrame(p[0].bytes);
    expect("frame" in r && r.frame.header.packet).toBeUndefined();
  });
});

describe("jt808 decode report", () => {
  it("prints header and location fields (SmallChi JT808_0x0200Test.cs @c9552b0f)", () => {
    const line = decodeReport("7e0200005c11223344556622b8000000010000000200ba7f0e07e4f11c0028003c00001807151010100104000000640202003703020038040200011105010000000112060100000001011307000000020022012504000000172a0200f42b04000000f2300102310105167e");
    const o = JSON.parse(line);
    expect(o).toMatchObject({ msgId: "0x0200", version: 2013, phone: "112233445566", serial: 8888, bccOk: true });
    expect(o.body).toMatchObject({ alarm: 1, status: 2, lat: 12.222222, lon: 132.444444, altitude: 40, speed: 6, direction: 0, time: "2018-07-15T10:10:10+08:00" });
    expect(o.body.items).toMatchObject({ "0x01": { mileage_km: 10 }, "0x30": { rssi: 2 }, "0x31": { satellites: 5 }, "0x02": "0037" });
  });
  it("decodes our own record with the vendor item, escaped or not", () => {
    const h = { msgId: 0x0200, edition: 2019 as const, phone: "013800138000" };
    const wire = packetize(h, encodeLocation(recordToLocation(record(12))), 1024, () => 12)[0].bytes;
    for (const text of [toHex(wire), toHex(unescapeFrame(wire).content)]) {
      const o = JSON.parse(decodeReport(text));
      expect(o).toMatchObject({ msgId: "0x0200", version: 2019, phone: "13800138000", serial: 12, bccOk: true });
      expect(o.body.items["0xE7"]).toMatchObject({ seq: 12, kind: "position", temps_c: [4.1, -18.3], battery_mv: 3610, fix_age_s: 2 });
      expect(o.body.items["0x06"]).toEqual({ carriage_temp_c: 4 });
    }
  });
  it("gives an error line for what is not a frame", () => {
    expect(JSON.parse(decodeReport("zz"))).toEqual({ error: "not hex" });
    expect(JSON.parse(decodeReport("7e00017e")).error).toMatch(/bad frame/);
  });
});
