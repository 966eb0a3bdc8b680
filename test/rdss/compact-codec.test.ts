import { describe, expect, it } from "vitest";
import { crc8Maxim } from "../../firmware/core/crc";
import { BDS2_LEVEL_BITS, BDS3_REGIONAL_BITS } from "../../firmware/rdss/card-limits";
import { decode, decodeDetailed, encode, newCompactCounters } from "../../firmware/rdss/compact-codec";
import type { TrackRecord } from "../../firmware/store/track-record";
import { Rng } from "../../sim/world/rng";

const T0 = Date.UTC(2026, 6, 1, 6, 0, 0);

/** Every field filled, at the edges of its range: the largest single record the codec has to carry. */
function fullAlarm(seq = 4_000_000_000): TrackRecord {
  return {
    seq,
    kind: "alarm",
    utc: T0,
    mono: 123_456,
    fix: { lat: -33.86882, lon: 151.20929, alt: 58, speedKmh: 87.4, course: 359, sats: 31, gps: true, bds: true, utc: T0 - 3_600_000 },
    temps: [-251, 83, null, 1234],
    doorOpen: true,
    acc: true,
    external: false,
    batteryMv: 3581,
    alarms: 0x8000_0001,
    detail: { code: "temp-high", raised: true, probe: 3, band: 15, extreme: 1234, startUtc: T0 - 600_000, durationS: 600 },
    odometerM: 4_000_000_000,
    rssi: -113,
  };
}

function position(seq: number, i: number, fixEvery = 1): TrackRecord {
  const f = Math.floor(i / fixEvery);
  return {
    seq,
    kind: "position",
    utc: T0 + i * 300_000,
    mono: i * 300_000,
    fix: { lat: 39.9 + f * 0.001, lon: 116.4 + f * 0.002, alt: 44, speedKmh: 60, course: 45, sats: 12, gps: true, bds: true, utc: T0 + f * fixEvery * 300_000 },
    temps: [40 + (i % 3), 42],
    doorOpen: false,
    acc: true,
    external: true,
    batteryMv: 3600,
    alarms: 0,
  };
}

/** What survives the trip: everything but the device-local monotonic time. */
function expectSame(got: TrackRecord, want: TrackRecord): void {
  const { fix, mono: _m, ...rest } = want;
  const { fix: gotFix, mono, ...gotRest } = got;
  expect(mono).toBe(0);
  expect(gotRest).toEqual(rest);
  if (!fix) return expect(gotFix).toBeUndefined();
  expect(gotFix).toBeDefined();
  expect(gotFix!.lat).toBeCloseTo(fix.lat, 5);
  expect(gotFix!.lon).toBeCloseTo(fix.lon, 5);
  expect({ ...gotFix!, lat: 0, lon: 0 }).toEqual({ ...fix, lat: 0, lon: 0 });
}

describe("compact codec", () => {
  it("fits one full alarm report in a level-3 card's 628 bits (78 bytes) and gets it back", () => {
    const rec = fullAlarm();
    const { bytes, count } = encode([rec], 628);
    expect(count).toBe(1);
    expect(bytes.length).toBeLessThanOrEqual(78);
    expect(bytes.length * 8).toBeLessThanOrEqual(BDS2_LEVEL_BITS[2]);
    const back = decodeDetailed(bytes);
    expect(back.error).toBeUndefined();
    expect(back.records.length).toBe(1);
    expectSame(back.records[0], rec);
  });

  it("positions are within 1.1 m after the trip", () => {
    const rng = new Rng(3);
    for (let i = 0; i < 200; i++) {
      const rec = position(i, 0);
      rec.fix = { ...rec.fix!, lat: rng.next() * 180 - 90, lon: rng.next() * 360 - 180 };
      const got = decode(encode([rec], 628).bytes)[0];
      const dLat = (got.fix!.lat - rec.fix!.lat) * 111_320;
      const dLon = (got.fix!.lon - rec.fix!.lon) * 111_320 * Math.cos((rec.fix!.lat * Math.PI) / 180);
      expect(Math.hypot(dLat, dLon)).toBeLessThan(1.1);
    }
  });

  it("carries no record on a level-1 card (110 bits) rather than a cut one", () => {
    expect(encode([fullAlarm()], 110)).toEqual({ bytes: new Uint8Array(0), count: 0 });
  });

  it("packs consecutive records into a BDS-3 message up to its capacity, cheaper than one by one", () => {
    const recs: TrackRecord[] = [];
    for (let i = 0; i < 200; i++) recs.push(position(1000 + i, i, 4));
    const { bytes, count } = encode(recs, BDS3_REGIONAL_BITS);
    expect(bytes.length * 8).toBeLessThanOrEqual(BDS3_REGIONAL_BITS);
    const single = encode([recs[0]], BDS3_REGIONAL_BITS).bytes.length;
    expect(count).toBeGreaterThan(Math.floor(BDS3_REGIONAL_BITS / 8 / single));
    const back = decode(bytes);
    expect(back.length).toBe(count);
    back.forEach((r, i) => expectSame(r, recs[i]));
    // One more record would not have fitted.
    const more = encode(recs.slice(0, count + 1), BDS3_REGIONAL_BITS);
    expect(more.count).toBe(count);
  });

  it("mixes alarms and positions in one message, in the order given", () => {
    const recs = [fullAlarm(77), position(12, 0), position(13, 1), { ...fullAlarm(90), detail: { code: "door-open-long" as const, raised: false } }];
    const { bytes, count } = encode(recs, 2000);
    expect(count).toBe(4);
    decode(bytes).forEach((r, i) => expectSame(r, recs[i]));
  });

  it("clamps out-of-range values instead of failing", () => {
    const rec = { ...position(1, 0), temps: [9999, -9999, Number.NaN], batteryMv: 99999, rssi: 500 };
    const got = decode(encode([rec], 628).bytes)[0];
    expect(got.temps).toEqual([2047, -2047, null]);
    expect(got.batteryMv).toBe(8191);
    expect(got.rssi).toBe(127);
  });

  it("never throws on damaged input and counts what it rejected", () => {
    const counters = newCompactCounters();
    const good = encode([fullAlarm(), position(5, 1)], 2000).bytes;
    expect(decode(good, counters).length).toBe(2);
    const flipped = good.slice();
    flipped[10] ^= 0x10;
    expect(decode(flipped, counters)).toEqual([]);
    expect(decode(new Uint8Array(0), counters)).toEqual([]);
    const rng = new Rng(11);
    for (let i = 0; i < 500; i++) {
      const junk = new Uint8Array(rng.int(0, 90)).map(() => rng.int(0, 255));
      expect(() => decode(junk, counters)).not.toThrow();
    }
    expect(counters.decoded).toBeGreaterThanOrEqual(2);
    expect(counters.rejected.crc).toBeGreaterThan(400);
    expect(counters.rejected.empty).toBeGreaterThanOrEqual(1);
  });

  it("reports a structurally wrong payload whose CRC holds", () => {
    const good = encode([position(5, 1)], 628).bytes;
    // Claim a second record that is not there (count is bits 4..10), then make the CRC agree.
    const lying = good.slice();
    lying[0] = 0x10; // version 1, count high bits 0
    lying[1] = (lying[1] & 0x1f) | (2 << 5); // count low bits: 2
    lying[lying.length - 1] = crc8Maxim(lying, 0, lying.length - 1);
    const r = decodeDetailed(lying);
    expect(r.error).toBe("truncated");
    expect(r.records.length).toBe(1);
  });
});
