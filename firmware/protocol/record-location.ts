/**
 * TrackRecord <-> 0x0200 location body. The standard fields carry what every platform shows (position, status
 * bits, alarm word, mileage, first probe, signal, satellites); the vendor item (vendor-item.ts) carries the rest,
 * so the platform side can rebuild the record.
 *
 * Item 0x06 carriage temperature: whole °C, sign-magnitude (bit 15 set = negative, low 15 bits = magnitude), the
 * convention of the 2019 text ("highest bit 1 = negative") and of Traccar's temperature items. Full precision
 * for every probe is in the vendor item.
 */
import { Writer } from "../core/bytes";
import { bcdToTime, timeToBcd } from "./bcd";
import { STATUS, findItem, latitude, longitude } from "./location";
import type { LocationBody, LocationItem } from "./location";
import { VENDOR_ITEM_ID, decodeVendor, encodeVendor } from "./vendor-item";
import type { AlarmCode, TrackRecord } from "../store/track-record";

/** JT/T alarm word bits for the record alarm codes the standard has a place for. */
export const ALARM_BITS: Readonly<Partial<Record<AlarmCode, number>>> = Object.freeze({
  "gnss-fault": 4,
  "antenna-open": 5,
  "antenna-short": 6,
  "battery-low": 7,
  "power-lost": 8,
  "area-speed": 1, // overspeed (with item 0x11 naming the area)
  "area-enter": 20, // in/out of area (with item 0x12)
  "area-exit": 20,
  "area-dwell": 20,
});

export const ITEM = Object.freeze({
  mileage: 0x01,
  carriageTemp: 0x06,
  overspeed: 0x11,
  areaInOut: 0x12,
  rssi: 0x30,
  satellites: 0x31,
});

/**
 * Items naming the area of an area record: 0x12 = u8 location type (1 circle, 2 rectangle, 3 polygon), u32 area
 * id, u8 direction (0 in, 1 out; a dwell alarm is "in"); 0x11 = u8 location type, u32 area id (the overspeed item;
 * layouts as in SmallChi/JT808 JT808_0x0200_0x12 / 0x11).
 */
function areaItem(rec: TrackRecord): LocationItem | undefined {
  const d = rec.detail;
  if (!d?.area) return undefined;
  const w = new Writer().u8(d.area.type).u32(d.area.id >>> 0);
  if (d.code === "area-speed") return { id: ITEM.overspeed, value: w.done() };
  if (d.code === "area-enter" || d.code === "area-dwell") return { id: ITEM.areaInOut, value: w.u8(0).done() };
  if (d.code === "area-exit") return { id: ITEM.areaInOut, value: w.u8(1).done() };
  return undefined;
}

function areaFromItems(b: LocationBody): { type: number; id: number } | undefined {
  const v = findItem(b, ITEM.areaInOut) ?? findItem(b, ITEM.overspeed);
  if (!v || v.length < 5 || v[0] === 0) return undefined;
  return { type: v[0], id: ((v[1] << 24) | (v[2] << 16) | (v[3] << 8) | v[4]) >>> 0 };
}

/** 0.1 °C to the 0x06 item's whole degrees, sign-magnitude. */
export function carriageTempWire(tenths: number): number {
  const c = Math.min(0x7fff, Math.round(Math.abs(tenths) / 10));
  return tenths < 0 && c > 0 ? 0x8000 | c : c;
}

export function carriageTempFromWire(u: number): number {
  return u & 0x8000 ? -(u & 0x7fff) : u;
}

/** RSSI item as CSQ (0-31, 99 unknown); a negative record value is dBm and is converted. */
function csq(rssi: number): number {
  if (rssi < 0) return Math.max(0, Math.min(31, Math.round((rssi + 113) / 2)));
  return Math.min(255, Math.round(rssi));
}

export function alarmWord(rec: TrackRecord): number {
  let a = rec.alarms >>> 0;
  const bit = rec.detail ? ALARM_BITS[rec.detail.code] : undefined;
  if (rec.detail?.raised && bit !== undefined) a |= 1 << bit;
  return a >>> 0;
}

export function statusWord(rec: TrackRecord): number {
  let s = 0;
  if (rec.acc) s |= STATUS.acc;
  if (rec.doorOpen) s |= STATUS.door1;
  const f = rec.fix;
  if (f) {
    s |= STATUS.positioned;
    if (f.lat < 0) s |= STATUS.south;
    if (f.lon < 0) s |= STATUS.west;
    if (f.gps) s |= STATUS.gps;
    if (f.bds) s |= STATUS.beidou;
  }
  return s >>> 0;
}

export function recordToLocation(rec: TrackRecord): LocationBody {
  const f = rec.fix;
  const when = rec.utc || f?.utc || 0;
  const items: LocationItem[] = [];
  if (rec.odometerM !== undefined) {
    items.push({ id: ITEM.mileage, value: new Writer().u32(Math.max(0, Math.round(rec.odometerM / 100))).done() });
  }
  const t0 = rec.temps[0];
  if (t0 !== null && t0 !== undefined) {
    items.push({ id: ITEM.carriageTemp, value: new Writer().u16(carriageTempWire(t0)).done() });
  }
  const area = areaItem(rec);
  if (area) items.push(area);
  if (rec.rssi !== undefined) items.push({ id: ITEM.rssi, value: Uint8Array.of(csq(rec.rssi)) });
  if (f) items.push({ id: ITEM.satellites, value: Uint8Array.of(Math.min(255, f.sats)) });
  items.push({
    id: VENDOR_ITEM_ID,
    value: encodeVendor({
      seq: rec.seq,
      kind: rec.kind,
      doorOpen: rec.doorOpen,
      external: rec.external,
      acc: rec.acc,
      wallTimeUnknown: rec.utc === 0,
      batteryMv: rec.batteryMv,
      fixAgeS: f && rec.utc && f.utc ? Math.max(0, (rec.utc - f.utc) / 1000) : f ? 0 : undefined,
      temps: rec.temps,
      detail: rec.detail,
    }),
  });
  return {
    alarm: alarmWord(rec),
    status: statusWord(rec),
    latE6: f ? Math.round(Math.abs(f.lat) * 1e6) : 0,
    lonE6: f ? Math.round(Math.abs(f.lon) * 1e6) : 0,
    altitude: f ? Math.max(0, Math.min(0xffff, Math.round(f.alt))) : 0,
    speed10: f ? Math.max(0, Math.min(0xffff, Math.round(f.speedKmh * 10))) : 0,
    direction: f ? Math.round(((f.course % 360) + 360) % 360) % 360 : 0,
    time: when ? timeToBcd(when) : new Uint8Array(6),
    items,
    trailing: new Uint8Array(0),
  };
}

/**
 * The platform's view: rebuilds the record from a body that carries our vendor item (undefined otherwise).
 * Probe readings and alarm details come back exactly; positions to 1e-6°, times to the second; mono is not sent.
 */
export function locationToRecord(b: LocationBody): TrackRecord | undefined {
  const raw = findItem(b, VENDOR_ITEM_ID);
  const v = raw && decodeVendor(raw);
  if (!v) return undefined;
  const when = bcdToTime(b.time) ?? 0;
  const rec: TrackRecord = {
    seq: v.seq,
    kind: v.kind,
    utc: v.wallTimeUnknown ? 0 : when,
    mono: 0,
    temps: v.temps,
    doorOpen: v.doorOpen,
    acc: v.acc,
    external: v.external,
    batteryMv: v.batteryMv,
    alarms: b.alarm,
  };
  if (b.status & STATUS.positioned) {
    const sats = findItem(b, ITEM.satellites);
    rec.fix = {
      lat: latitude(b),
      lon: longitude(b),
      alt: b.altitude,
      speedKmh: b.speed10 / 10,
      course: b.direction,
      sats: sats && sats.length === 1 ? sats[0] : 0,
      gps: (b.status & STATUS.gps) !== 0,
      bds: (b.status & STATUS.beidou) !== 0,
      utc: when - (v.fixAgeS ?? 0) * 1000,
    };
  }
  if (v.detail) {
    rec.detail = v.detail;
    const area = v.detail.code.startsWith("area-") ? areaFromItems(b) : undefined;
    if (area) rec.detail.area = area;
  }
  const mileage = findItem(b, ITEM.mileage);
  if (mileage && mileage.length === 4) {
    rec.odometerM = ((mileage[0] << 24) | (mileage[1] << 16) | (mileage[2] << 8) | mileage[3]) >>> 0;
    rec.odometerM *= 100;
  }
  const rssi = findItem(b, ITEM.rssi);
  if (rssi && rssi.length === 1) rec.rssi = rssi[0];
  return rec;
}
