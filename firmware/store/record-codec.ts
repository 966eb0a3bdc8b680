/**
 * The flash encoding of one TrackRecord body (the record log frames it and carries its seq). Compact and
 * versioned: optional parts are present only when their flag bit is set, integers are big-endian, and a decoder
 * that meets an unknown version, kind, code, flag bit or a length that does not add up returns undefined (counted
 * by the caller) instead of throwing.
 *
 * Layout, version 1:
 *   u8 version, u8 kind, u16 flags, u48 utc ms, u48 mono ms, u16 battery mV, u32 alarm word,
 *   u8 probe count + s16 per probe (0.1 °C, -32768 = null),
 *   [fix]      s32 lat 1e-7°, s32 lon 1e-7°, s16 alt m, u16 speed 0.1 km/h, u16 course 0.1°, u8 sats, u48 fix utc
 *   [detail]   u8 code, u8 detail flags, [u8 probe] [u8 band] [s16 extreme 0.1 °C] [u48 start utc] [u32 duration s]
 *              [u8 area type, u32 area id]
 *   [odometer] u32 m
 *   [rssi]     s16
 * Quantisation: coordinates to 1e-7° (~1 cm), altitude to 1 m, speed to 0.1 km/h, course to 0.1°; every other
 * field round-trips exactly when it is an integer within its range (values outside are clamped).
 */
import { Reader, Writer } from "../core/bytes";
import { ALARM_CODES, RECORD_KINDS, type AlarmDetail, type FixSummary, type TrackRecord } from "./track-record";

export const RECORD_CODEC_VERSION = 1;

export { ALARM_CODES, RECORD_KINDS } from "./track-record";

const F = Object.freeze({
  fix: 1 << 0,
  detail: 1 << 1,
  odometer: 1 << 2,
  rssi: 1 << 3,
  door: 1 << 4,
  acc: 1 << 5,
  external: 1 << 6,
  gps: 1 << 7,
  bds: 1 << 8,
});
const FLAGS_KNOWN = (1 << 9) - 1;

const D = Object.freeze({ raised: 1, probe: 2, band: 4, extreme: 8, start: 16, duration: 32, area: 64 });
const DETAIL_KNOWN = 127;

const TEMP_NULL = -32768;
const U48 = 2 ** 48;

/** Byte offset of the kind inside an encoded body (the log reads it without decoding the rest). */
export const KIND_OFFSET = 1;
/** The largest body the encoder produces (255 probes, every optional part). */
export const MAX_BODY = 22 + 1 + 255 * 2 + 21 + 21 + 4 + 2;

function clampInt(v: number, lo: number, hi: number): number {
  if (!Number.isFinite(v)) return v > 0 ? hi : lo;
  const r = Math.round(v);
  return r < lo ? lo : r > hi ? hi : r;
}

function u48(w: Writer, v: number): void {
  const n = clampInt(v, 0, U48 - 1);
  const hi = Math.floor(n / 4294967296);
  w.u16(hi).u32(n - hi * 4294967296);
}

function readU48(r: Reader): number {
  const hi = r.u16();
  return hi * 4294967296 + r.u32();
}

function s16(w: Writer, v: number): void {
  w.u16(clampInt(v, -32767, 32767) & 0xffff);
}

function readS16(r: Reader): number {
  const v = r.u16();
  return v >= 0x8000 ? v - 0x10000 : v;
}

function s32(w: Writer, v: number): void {
  w.u32(clampInt(v, -2147483647, 2147483647) >>> 0);
}

function readS32(r: Reader): number {
  return r.u32() | 0;
}

/** Encodes everything of a record but its seq. */
export function encodeRecord(rec: Omit<TrackRecord, "seq">): Uint8Array {
  const w = new Writer();
  const kind = RECORD_KINDS.indexOf(rec.kind);
  let flags = 0;
  if (rec.fix) flags |= F.fix | (rec.fix.gps ? F.gps : 0) | (rec.fix.bds ? F.bds : 0);
  const detail = rec.detail && ALARM_CODES.indexOf(rec.detail.code) >= 0 ? rec.detail : undefined;
  if (detail) flags |= F.detail;
  if (rec.odometerM !== undefined) flags |= F.odometer;
  if (rec.rssi !== undefined) flags |= F.rssi;
  if (rec.doorOpen) flags |= F.door;
  if (rec.acc) flags |= F.acc;
  if (rec.external) flags |= F.external;
  w.u8(RECORD_CODEC_VERSION).u8(kind < 0 ? 0 : kind).u16(flags);
  u48(w, rec.utc);
  u48(w, rec.mono);
  w.u16(clampInt(rec.batteryMv, 0, 65535)).u32(clampInt(rec.alarms, 0, 0xffffffff) >>> 0);
  const n = Math.min(rec.temps.length, 255);
  w.u8(n);
  for (let i = 0; i < n; i++) {
    const t = rec.temps[i];
    if (t === null || !Number.isFinite(t)) w.u16(TEMP_NULL & 0xffff);
    else s16(w, t);
  }
  if (rec.fix) encodeFix(w, rec.fix);
  if (detail) encodeDetail(w, detail);
  if (rec.odometerM !== undefined) w.u32(clampInt(rec.odometerM, 0, 0xffffffff) >>> 0);
  if (rec.rssi !== undefined) s16(w, rec.rssi);
  return w.done();
}

function encodeFix(w: Writer, f: FixSummary): void {
  s32(w, f.lat * 1e7);
  s32(w, f.lon * 1e7);
  s16(w, f.alt);
  w.u16(clampInt(f.speedKmh * 10, 0, 65535));
  w.u16(clampInt((((f.course % 360) + 360) % 360) * 10, 0, 3599));
  w.u8(clampInt(f.sats, 0, 255));
  u48(w, f.utc);
}

function encodeDetail(w: Writer, d: AlarmDetail): void {
  let df = d.raised ? D.raised : 0;
  if (d.probe !== undefined) df |= D.probe;
  if (d.band !== undefined) df |= D.band;
  if (d.extreme !== undefined) df |= D.extreme;
  if (d.startUtc !== undefined) df |= D.start;
  if (d.durationS !== undefined) df |= D.duration;
  if (d.area !== undefined) df |= D.area;
  w.u8(ALARM_CODES.indexOf(d.code)).u8(df);
  if (d.probe !== undefined) w.u8(clampInt(d.probe, 0, 255));
  if (d.band !== undefined) w.u8(clampInt(d.band, 0, 255));
  if (d.extreme !== undefined) s16(w, d.extreme);
  if (d.startUtc !== undefined) u48(w, d.startUtc);
  if (d.durationS !== undefined) w.u32(clampInt(d.durationS, 0, 0xffffffff) >>> 0);
  if (d.area !== undefined) w.u8(clampInt(d.area.type, 0, 255)).u32(clampInt(d.area.id, 0, 0xffffffff) >>> 0);
}

/** Decodes a body written by encodeRecord; undefined on anything that does not parse exactly. */
export function decodeRecord(bytes: Uint8Array, seq: number, start = 0, end = bytes.length): TrackRecord | undefined {
  if (start < 0 || end > bytes.length || start > end) return undefined;
  const r = new Reader(bytes, start, end);
  if (r.u8() !== RECORD_CODEC_VERSION) return undefined;
  const kind = RECORD_KINDS[r.u8()];
  const flags = r.u16();
  if (kind === undefined || (flags & ~FLAGS_KNOWN) !== 0) return undefined;
  const utc = readU48(r);
  const mono = readU48(r);
  const batteryMv = r.u16();
  const alarms = r.u32();
  const n = r.u8();
  const temps: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const t = readS16(r);
    temps.push(t === TEMP_NULL ? null : t);
  }
  const rec: TrackRecord = {
    seq,
    kind,
    utc,
    mono,
    temps,
    doorOpen: (flags & F.door) !== 0,
    acc: (flags & F.acc) !== 0,
    external: (flags & F.external) !== 0,
    batteryMv,
    alarms,
  };
  if (flags & F.fix) rec.fix = decodeFix(r, flags);
  if (flags & F.detail) {
    const d = decodeDetail(r);
    if (!d) return undefined;
    rec.detail = d;
  }
  if (flags & F.odometer) rec.odometerM = r.u32();
  if (flags & F.rssi) rec.rssi = readS16(r);
  if (!r.ok || r.left !== 0) return undefined;
  return rec;
}

function decodeFix(r: Reader, flags: number): FixSummary {
  const lat = readS32(r) / 1e7;
  const lon = readS32(r) / 1e7;
  const alt = readS16(r);
  const speedKmh = r.u16() / 10;
  const course = r.u16() / 10;
  const sats = r.u8();
  const utc = readU48(r);
  return { lat, lon, alt, speedKmh, course, sats, gps: (flags & F.gps) !== 0, bds: (flags & F.bds) !== 0, utc };
}

function decodeDetail(r: Reader): AlarmDetail | undefined {
  const code = ALARM_CODES[r.u8()];
  const df = r.u8();
  if (code === undefined || (df & ~DETAIL_KNOWN) !== 0) return undefined;
  const d: AlarmDetail = { code, raised: (df & D.raised) !== 0 };
  if (df & D.probe) d.probe = r.u8();
  if (df & D.band) d.band = r.u8();
  if (df & D.extreme) d.extreme = readS16(r);
  if (df & D.start) d.startUtc = readU48(r);
  if (df & D.duration) d.durationS = r.u32();
  if (df & D.area) d.area = { type: r.u8(), id: r.u32() };
  return d;
}
