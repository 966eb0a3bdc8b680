/**
 * The 0x0200 location body (also the payload of 0x0201 and of each 0x0704 entry) as its wire fields, so a
 * decoded body re-encodes byte for byte, and the 0x0704 batch around it.
 */
import { Reader, Writer, concat } from "../core/bytes";

export interface LocationItem {
  id: number;
  value: Uint8Array;
}

export interface LocationBody {
  alarm: number;
  status: number;
  /** |latitude| and |longitude| in 1e-6 degrees; the signs are status bits 2 (south) and 3 (west). */
  latE6: number;
  lonE6: number;
  altitude: number;
  /** 0.1 km/h */
  speed10: number;
  direction: number;
  /** BCD YYMMDDhhmmss, GMT+8 */
  time: Uint8Array;
  items: LocationItem[];
  /** Bytes after the last whole item (an item whose length runs past the body); empty on a good body. */
  trailing: Uint8Array;
}

export const STATUS = Object.freeze({
  acc: 1 << 0,
  positioned: 1 << 1,
  south: 1 << 2,
  west: 1 << 3,
  door1: 1 << 13,
  gps: 1 << 18,
  beidou: 1 << 19,
});

export const LOCATION_FIXED_LENGTH = 28;

export function encodeLocation(b: LocationBody): Uint8Array {
  const w = new Writer()
    .u32(b.alarm)
    .u32(b.status)
    .u32(b.latE6)
    .u32(b.lonE6)
    .u16(b.altitude)
    .u16(b.speed10)
    .u16(b.direction)
    .fixed(b.time, 6);
  for (const it of b.items) w.u8(it.id).u8(it.value.length).bytes(it.value);
  return w.bytes(b.trailing).done();
}

export function decodeLocation(body: Uint8Array): LocationBody | undefined {
  if (body.length < LOCATION_FIXED_LENGTH) return undefined;
  const r = new Reader(body);
  const b: LocationBody = {
    alarm: r.u32(),
    status: r.u32(),
    latE6: r.u32(),
    lonE6: r.u32(),
    altitude: r.u16(),
    speed10: r.u16(),
    direction: r.u16(),
    time: r.bytes(6),
    items: [],
    trailing: new Uint8Array(0),
  };
  while (r.left >= 2) {
    const at = r.pos;
    const id = r.u8();
    const len = r.u8();
    if (len > r.left) {
      r.pos = at;
      break;
    }
    b.items.push({ id, value: r.bytes(len) });
  }
  b.trailing = r.rest();
  return b;
}

/** Signed degrees from a decoded body. */
export function latitude(b: LocationBody): number {
  return ((b.status & STATUS.south ? -1 : 1) * b.latE6) / 1e6;
}

export function longitude(b: LocationBody): number {
  return ((b.status & STATUS.west ? -1 : 1) * b.lonE6) / 1e6;
}

export function findItem(b: LocationBody, id: number): Uint8Array | undefined {
  for (const it of b.items) if (it.id === id) return it.value;
  return undefined;
}

/** 0x0704 type: 0 normal batch, 1 blind-area backfill (stored while out of coverage). */
export type BatchType = 0 | 1;

export interface Batch {
  type: number;
  bodies: Uint8Array[];
  /** Entries announced by the count but missing or cut short. */
  missing: number;
}

export const BATCH_OVERHEAD = 3;
export const BATCH_ENTRY_OVERHEAD = 2;

export function encodeBatch(type: BatchType, bodies: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [new Writer().u16(bodies.length).u8(type).done()];
  for (const b of bodies) parts.push(new Writer().u16(b.length).bytes(b).done());
  return concat(parts);
}

export function decodeBatch(body: Uint8Array): Batch | undefined {
  if (body.length < BATCH_OVERHEAD) return undefined;
  const r = new Reader(body);
  const count = r.u16();
  const type = r.u8();
  const bodies: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const len = r.u16();
    if (!r.ok || len > r.left) break;
    bodies.push(r.bytes(len));
  }
  return { type, bodies, missing: count - bodies.length };
}
