/**
 * The short-message payload: track records bit-packed so that one full alarm report fits a BDS-2 level-3 card's
 * 628 bits (78 whole bytes), and a BDS-3 message carries as many records as its capacity allows.
 *
 * Layout, version 1, MSB first: version u4 | count u7 | records | zero pad to a byte | CRC-8 (Maxim) of the bytes
 * before it. A record after the first may say "sequence = previous + 1", "time = previous + u16 s", "same fix as
 * the previous record" and "same alarm word", which is what makes a batch of consecutive records cheap.
 * Resolution: times 1 s, lat/lon 1e-5 degree (~1.1 m), altitude 1 m, speed 0.1 km/h, course 1 degree,
 * temperatures 0.1 °C (at most MAX_PROBES probes), battery 1 mV. The monotonic time is device-local and not sent
 * (decoded records carry mono 0). decode() never throws: problems come back as an error word and are counted.
 */
import { crc8Maxim } from "../core/crc";
import { ALARM_CODES, RECORD_KINDS, type AlarmDetail, type FixSummary, type TrackRecord } from "../store/track-record";
import { BitReader, BitWriter } from "./bit-stream";

export const COMPACT_VERSION = 1;
export const MAX_PROBES = 4;
const MAX_COUNT = 127;


export type CompactError = "empty" | "crc" | "version" | "truncated" | "bad-field" | "trailing";

export interface CompactCounters {
  encoded: number; // records packed
  decoded: number; // records unpacked
  rejected: Record<CompactError, number>;
}

export function newCompactCounters(): CompactCounters {
  return { encoded: 0, decoded: 0, rejected: { empty: 0, crc: 0, version: 0, truncated: 0, "bad-field": 0, trailing: 0 } };
}

const clamp = (v: number, lo: number, hi: number): number => (Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : lo);
const seconds = (ms: number): number => clamp(ms / 1000, 0, 0xffffffff);

/** 0.1 °C in 12 bits; 0 is "no reading". */
function putTemp(w: BitWriter, t: number | null | undefined): void {
  w.put(t === null || t === undefined || !Number.isFinite(t) ? 0 : clamp(t, -2047, 2047) + 2048, 12);
}
function getTemp(r: BitReader): number | null {
  const v = r.get(12);
  return v === 0 ? null : v - 2048;
}

/** The fix as the integers that go on the wire, to compare with the previous record's. */
function fixFields(f: FixSummary): number[] {
  return [
    clamp((f.lat + 90) * 1e5, 0, 18_000_000),
    clamp((f.lon + 180) * 1e5, 0, 36_000_000),
    clamp(f.alt + 1000, 0, 16383),
    clamp(f.speedKmh * 10, 0, 4095),
    clamp(f.course, 0, 359.4) % 360,
    clamp(f.sats, 0, 31),
    f.gps ? 1 : 0,
    f.bds ? 1 : 0,
    seconds(f.utc),
  ];
}
const FIX_WIDTHS: readonly number[] = Object.freeze([25, 26, 14, 12, 9, 5, 1, 1]);

function sameFields(a: number[] | undefined, b: number[]): boolean {
  if (!a) return false;
  for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Prev {
  seq: number;
  utcS: number;
  fix?: number[];
  alarms: number;
}

function putRecord(w: BitWriter, rec: TrackRecord, prev: Prev | undefined): Prev {
  w.put(Math.max(0, RECORD_KINDS.indexOf(rec.kind)), 3);
  const seq = clamp(rec.seq, 0, 0xffffffff);
  if (prev) w.flag(seq === prev.seq + 1);
  if (!prev || seq !== prev.seq + 1) w.put(seq, 32);
  const utcS = seconds(rec.utc);
  const dt = utcS - (prev?.utcS ?? 0);
  const near = prev !== undefined && prev.utcS > 0 && utcS > 0 && dt >= 0 && dt < 65536;
  if (prev) w.flag(near);
  w.put(near ? dt : utcS, near ? 16 : 32);
  w.flag(rec.doorOpen).flag(rec.acc).flag(rec.external);

  const fix = rec.fix ? fixFields(rec.fix) : undefined;
  w.put(!fix ? 0 : sameFields(prev?.fix, fix) ? 1 : 2, 2);
  if (fix && !sameFields(prev?.fix, fix)) {
    for (let i = 0; i < FIX_WIDTHS.length; i++) w.put(fix[i], FIX_WIDTHS[i]);
    const age = utcS - fix[8];
    const relative = utcS > 0 && age >= 0 && age < 131072;
    w.flag(relative);
    w.put(relative ? age : fix[8], relative ? 17 : 32);
  }

  const n = Math.min(rec.temps.length, MAX_PROBES);
  w.put(n, 3);
  for (let i = 0; i < n; i++) putTemp(w, rec.temps[i]);
  w.put(clamp(rec.batteryMv, 0, 8191), 13);

  const alarms = clamp(rec.alarms, 0, 0xffffffff);
  const mode = alarms === 0 ? 0 : prev && alarms === prev.alarms ? 1 : 2;
  w.put(mode, 2);
  if (mode === 2) w.put(alarms, 32);

  const d = rec.detail;
  w.flag(d !== undefined);
  if (d) putDetail(w, d);
  w.flag(rec.odometerM !== undefined);
  if (rec.odometerM !== undefined) w.put(clamp(rec.odometerM, 0, 0xffffffff), 32);
  w.flag(rec.rssi !== undefined);
  if (rec.rssi !== undefined) w.put(clamp(rec.rssi, -128, 127) + 128, 8);
  return { seq, utcS, fix, alarms };
}

function putDetail(w: BitWriter, d: AlarmDetail): void {
  w.put(Math.max(0, ALARM_CODES.indexOf(d.code)), 4).flag(d.raised);
  w.flag(d.probe !== undefined);
  if (d.probe !== undefined) w.put(clamp(d.probe, 0, 7), 3);
  w.flag(d.band !== undefined);
  if (d.band !== undefined) w.put(clamp(d.band, 0, 15), 4);
  w.flag(d.extreme !== undefined);
  if (d.extreme !== undefined) putTemp(w, d.extreme);
  w.flag(d.startUtc !== undefined);
  if (d.startUtc !== undefined) w.put(seconds(d.startUtc), 32);
  w.flag(d.durationS !== undefined);
  if (d.durationS !== undefined) w.put(clamp(d.durationS, 0, 0xfffff), 20);
}

/**
 * Packs records in the order given (callers put the most important first) until the next one would not fit in
 * capacityBits. count is how many went in; 0 (and no bytes) when not even the first fits.
 */
export function encode(records: readonly TrackRecord[], capacityBits: number, counters?: CompactCounters): { bytes: Uint8Array; count: number } {
  const capacity = Math.floor(capacityBits / 8) * 8;
  const w = new BitWriter();
  w.put(COMPACT_VERSION, 4).put(0, 7);
  let prev: Prev | undefined;
  let count = 0;
  for (const rec of records) {
    if (count >= MAX_COUNT) break;
    const start = w.length;
    const next = putRecord(w, rec, prev);
    if (Math.ceil(w.length / 8) * 8 + 8 > capacity) {
      w.truncate(start);
      break;
    }
    prev = next;
    count++;
  }
  if (count === 0) return { bytes: new Uint8Array(0), count: 0 };
  w.patch(4, count, 7);
  const body = w.done();
  const out = new Uint8Array(body.length + 1);
  out.set(body);
  out[body.length] = crc8Maxim(body);
  if (counters) counters.encoded += count;
  return { bytes: out, count };
}

/** Records and the first problem met; records decoded before a structural error are kept (the CRC held). */
export function decodeDetailed(bytes: Uint8Array): { records: TrackRecord[]; error?: CompactError } {
  const records: TrackRecord[] = [];
  if (bytes.length < 2) return { records, error: "empty" };
  if (crc8Maxim(bytes, 0, bytes.length - 1) !== bytes[bytes.length - 1]) return { records, error: "crc" };
  const r = new BitReader(bytes, (bytes.length - 1) * 8);
  if (r.get(4) !== COMPACT_VERSION) return { records, error: "version" };
  const count = r.get(7);
  let prev: Prev | undefined;
  for (let i = 0; i < count; i++) {
    const got = getRecord(r, prev);
    if (!r.ok) return { records, error: "truncated" };
    if (!got) return { records, error: "bad-field" };
    records.push(got.rec);
    prev = got.prev;
  }
  if (r.left >= 8 || r.get(r.left) !== 0) return { records, error: "trailing" };
  return { records };
}

export function decode(bytes: Uint8Array, counters?: CompactCounters): TrackRecord[] {
  const { records, error } = decodeDetailed(bytes);
  if (counters) {
    counters.decoded += records.length;
    if (error) counters.rejected[error]++;
  }
  return records;
}

function getRecord(r: BitReader, prev: Prev | undefined): { rec: TrackRecord; prev: Prev } | undefined {
  const kind = RECORD_KINDS[r.get(3)];
  const seq = prev && r.flag() ? prev.seq + 1 : r.get(32);
  const near = prev !== undefined && r.flag();
  const utcS = near ? prev!.utcS + r.get(16) : r.get(32);
  const doorOpen = r.flag();
  const acc = r.flag();
  const external = r.flag();

  const fixMode = r.get(2);
  let fix: number[] | undefined;
  if (fixMode === 1) fix = prev?.fix;
  else if (fixMode === 2) {
    fix = FIX_WIDTHS.map((n) => r.get(n));
    fix.push(r.flag() ? utcS - r.get(17) : r.get(32));
  }
  if (fixMode === 3 || (fixMode === 1 && !fix)) return undefined;

  const n = r.get(3);
  if (n > MAX_PROBES) return undefined;
  const temps: (number | null)[] = [];
  for (let i = 0; i < n; i++) temps.push(getTemp(r));
  const batteryMv = r.get(13);
  const mode = r.get(2);
  if (mode === 3 || (mode === 1 && !prev)) return undefined;
  const alarms = mode === 0 ? 0 : mode === 1 ? prev!.alarms : r.get(32);

  let detail: AlarmDetail | undefined;
  if (r.flag()) {
    const code = ALARM_CODES[r.get(4)];
    if (!code) return undefined;
    detail = { code, raised: r.flag() };
    if (r.flag()) detail.probe = r.get(3);
    if (r.flag()) detail.band = r.get(4);
    if (r.flag()) detail.extreme = getTemp(r) ?? undefined;
    if (r.flag()) detail.startUtc = r.get(32) * 1000;
    if (r.flag()) detail.durationS = r.get(20);
  }
  const odometerM = r.flag() ? r.get(32) : undefined;
  const rssi = r.flag() ? r.get(8) - 128 : undefined;
  if (!kind) return undefined;

  const rec: TrackRecord = { seq, kind, utc: utcS * 1000, mono: 0, temps, doorOpen, acc, external, batteryMv, alarms };
  if (fix) {
    rec.fix = {
      lat: fix[0] / 1e5 - 90,
      lon: fix[1] / 1e5 - 180,
      alt: fix[2] - 1000,
      speedKmh: fix[3] / 10,
      course: fix[4],
      sats: fix[5],
      gps: fix[6] === 1,
      bds: fix[7] === 1,
      utc: fix[8] * 1000,
    };
  }
  if (detail) rec.detail = detail;
  if (odometerM !== undefined) rec.odometerM = odometerM;
  if (rssi !== undefined) rec.rssi = rssi;
  return { rec, prev: { seq, utcS, fix, alarms } };
}
