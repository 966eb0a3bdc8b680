import { describe, expect, it } from "vitest";
import { MAX_BODY, RECORD_KINDS, decodeRecord, encodeRecord } from "../../firmware/store/record-codec";
import type { TrackRecord } from "../../firmware/store/track-record";
import { Rng } from "../../sim/world/rng";
import { makeRecord } from "./records";

function roundTrip(rec: TrackRecord): TrackRecord | undefined {
  const { seq, ...body } = rec;
  return decodeRecord(encodeRecord(body), seq);
}

describe("record codec", () => {
  it("round-trips a full alarm record with negative coordinates and null temperatures", () => {
    const rec: TrackRecord = {
      seq: 4_000_000_000,
      kind: "alarm",
      utc: 1_717_171_717_171,
      mono: 9_876_543_210_123,
      fix: {
        lat: -33.8688197,
        lon: -70.6692655,
        alt: -12,
        speedKmh: 87.3,
        course: 359.9,
        sats: 17,
        gps: true,
        bds: false,
        utc: 1_717_171_700_000,
      },
      temps: [-185, null, 0, 32767, -32767, null],
      doorOpen: true,
      acc: false,
      external: true,
      batteryMv: 3712,
      alarms: 0x80000001,
      detail: { code: "temp-low", raised: false, probe: 2, band: 1, extreme: -251, startUtc: 1_717_000_000_000, durationS: 3600 },
      odometerM: 123_456_789,
      rssi: -97,
    };
    expect(roundTrip(rec)).toEqual(rec);
  });

  it("round-trips a record without fix, detail, odometer or rssi and with no probes", () => {
    const rec: TrackRecord = {
      seq: 1,
      kind: "heartbeat",
      utc: 0,
      mono: 12,
      temps: [],
      doorOpen: false,
      acc: false,
      external: false,
      batteryMv: 0,
      alarms: 0,
    };
    const bytes = encodeRecord(rec);
    expect(bytes.length).toBe(23);
    expect(roundTrip(rec)).toEqual(rec);
  });

  it("round-trips every kind and a spread of generated records", () => {
    for (let n = 0; n < 500; n++) {
      const rec = { seq: n + 1, ...makeRecord(n, RECORD_KINDS[n % RECORD_KINDS.length]) };
      expect(roundTrip(rec)).toEqual(rec);
    }
  });

  it("quantises as documented and clamps out-of-range values", () => {
    const rec: TrackRecord = {
      seq: 7,
      kind: "position",
      utc: 1000.4,
      mono: -5,
      fix: { lat: 39.123456789, lon: 116.98765432, alt: 50.6, speedKmh: 12.34, course: 370, sats: 300, gps: true, bds: true, utc: 1 },
      temps: [40000, -40000, 12.6, Number.NaN],
      doorOpen: false,
      acc: true,
      external: false,
      batteryMv: 70000,
      alarms: -1,
    };
    const out = roundTrip(rec)!;
    expect(out.utc).toBe(1000);
    expect(out.mono).toBe(0);
    expect(out.fix).toEqual({ lat: 39.1234568, lon: 116.9876543, alt: 51, speedKmh: 12.3, course: 10, sats: 255, gps: true, bds: true, utc: 1 });
    expect(out.temps).toEqual([32767, -32767, 13, null]);
    expect(out.batteryMv).toBe(65535);
    expect(out.alarms).toBe(0);
  });

  it("keeps the largest body within MAX_BODY", () => {
    const rec = makeRecord(5, "alarm");
    rec.temps = new Array(300).fill(-1);
    rec.detail = { code: "area-exit", raised: true, probe: 1, band: 2, extreme: 3, startUtc: 4, durationS: 5, area: { type: 3, id: 0xffffffff } };
    rec.odometerM = 1;
    rec.rssi = -1;
    expect(encodeRecord(rec).length).toBe(MAX_BODY);
    expect(decodeRecord(encodeRecord(rec), 5)?.detail).toEqual(rec.detail);
  });

  it("rejects truncation, trailing bytes, unknown versions, kinds, flags and codes without throwing", () => {
    const good = encodeRecord(makeRecord(13, "alarm"));
    for (let n = 0; n < good.length; n++) expect(decodeRecord(good.subarray(0, n), 1)).toBeUndefined();
    const longer = new Uint8Array(good.length + 1);
    longer.set(good);
    expect(decodeRecord(longer, 1)).toBeUndefined();
    const mutate = (at: number, v: number) => {
      const b = good.slice();
      b[at] = v;
      return decodeRecord(b, 1);
    };
    expect(mutate(0, 2)).toBeUndefined(); // version
    expect(mutate(1, 6)).toBeUndefined(); // kind
    expect(mutate(2, 0x80)).toBeUndefined(); // reserved flag bit
    expect(decodeRecord(good, 1, 5, 2)).toBeUndefined();
    const rng = new Rng(7);
    for (let t = 0; t < 2000; t++) {
      const junk = new Uint8Array(rng.int(0, 80)).map(() => rng.int(0, 255));
      expect(() => decodeRecord(junk, 1)).not.toThrow();
    }
  });

  it("decodes from a window inside a larger buffer", () => {
    const body = encodeRecord(makeRecord(21, "door"));
    const buf = new Uint8Array(body.length + 10).fill(0xee);
    buf.set(body, 4);
    expect(decodeRecord(buf, 9, 4, 4 + body.length)).toEqual({ seq: 9, ...makeRecord(21, "door") });
  });
});
