/**
 * JT/T 808 area messages, both ways (the platform side encodes, the terminal decodes):
 *
 *   0x8600 set circles     u8 action (0 update, 1 append, 2 modify), u8 count, count x circle item
 *   0x8602 set rectangles  same, count x rectangle item
 *   0x8604 set polygon     one polygon: u32 id, u16 attr, [BCD6 start, BCD6 end], [u16 max km/h, u8 over s],
 *                          u16 vertex count, count x {u32 lat, u32 lon}, 2019: [u16 night max km/h], u16 + name
 *   0x8601 / 0x8603 / 0x8605 delete circles / rectangles / polygons: u8 count (0 = every area of the shape),
 *                          count x u32 id (at most 125)
 *   circle item            u32 id, u16 attr, u32 centre lat, u32 centre lon (1e-6 degree), u32 radius m, then the
 *                          optional parts as above; 2019 adds [u16 night max km/h] with the speed part, u16 + name
 *   rectangle item         u32 id, u16 attr, u32 upper-left lat, u32 upper-left lon, u32 lower-right lat,
 *                          u32 lower-right lon, then the optional parts
 * Start/end are present when attribute bit 0 is set, the speed fields when bit 1 is (field order and presence
 * rules as in yezhihao/jt808-server T8600/T8602/T8604/T8601 and SmallChi/JT808 JT808_0x8600/0x8603/0x8604; the 2019
 * night limit and name as in T8600's version-1 fields). Coordinates are magnitudes; attribute bits 6/7 give the
 * hemisphere, so one area cannot straddle the equator or the prime meridian.
 * Decoders return the areas with every check of area.ts passed, or the reason the whole message is refused.
 */
import { Reader, Writer, ascii, fromAscii } from "../core/bytes";
import { AREA_ATTR, MAX_AREAS, checkArea, type Area, type AreaType, type LatLon, type WindowTime } from "../config/area";
import type { Edition } from "./frame";

export const AREA_MSG = Object.freeze({
  setCircles: 0x8600,
  deleteCircles: 0x8601,
  setRectangles: 0x8602,
  deleteRectangles: 0x8603,
  setPolygon: 0x8604,
  deletePolygons: 0x8605,
});

export type AreaAction = 0 | 1 | 2; // update (replace every area of the shape), append, modify
/** At most this many ids in one delete message (the standard's limit). */
export const MAX_DELETE_IDS = 125;

/** The shape an area message is about, or undefined for other messages. */
export function areaMessageType(msgId: number): AreaType | undefined {
  if (msgId === AREA_MSG.setCircles || msgId === AREA_MSG.deleteCircles) return 1;
  if (msgId === AREA_MSG.setRectangles || msgId === AREA_MSG.deleteRectangles) return 2;
  if (msgId === AREA_MSG.setPolygon || msgId === AREA_MSG.deletePolygons) return 3;
  return undefined;
}

export function isDeleteMessage(msgId: number): boolean {
  return msgId === AREA_MSG.deleteCircles || msgId === AREA_MSG.deleteRectangles || msgId === AREA_MSG.deletePolygons;
}

function bcd2(n: number): number {
  return ((Math.floor(n / 10) % 10) << 4) | n % 10;
}

function writeTime(w: Writer, t: WindowTime): void {
  for (const n of t) w.u8(bcd2(n));
}

function readTime(r: Reader): WindowTime | undefined {
  const out: number[] = [];
  for (let i = 0; i < 6; i++) {
    const b = r.u8();
    if ((b >> 4) > 9 || (b & 15) > 9) return undefined;
    out.push((b >> 4) * 10 + (b & 15));
  }
  return out as unknown as WindowTime;
}

/** The attribute word as sent: the hemisphere bits follow the area's first coordinate, the optional parts what it has. */
function wireAttr(a: Area): number {
  const p = a.type === 1 ? a.center : a.type === 2 ? a.nw : a.points[0];
  let attr = a.attr & ~(AREA_ATTR.south | AREA_ATTR.west | AREA_ATTR.byTime | AREA_ATTR.speedLimit);
  if (p && p.lat < 0) attr |= AREA_ATTR.south;
  if (p && p.lon < 0) attr |= AREA_ATTR.west;
  if (a.window) attr |= AREA_ATTR.byTime;
  if (a.speed) attr |= AREA_ATTR.speedLimit;
  return attr;
}

const e6 = (deg: number): number => Math.min(0xffffffff, Math.round(Math.abs(deg) * 1e6));

function writePoint(w: Writer, p: LatLon): void {
  w.u32(e6(p.lat)).u32(e6(p.lon));
}

function readPoint(r: Reader, attr: number): LatLon {
  const lat = r.u32() / 1e6;
  const lon = r.u32() / 1e6;
  return { lat: attr & AREA_ATTR.south ? -lat : lat, lon: attr & AREA_ATTR.west ? -lon : lon };
}

function writeOptional(w: Writer, a: Area): void {
  if (a.window) {
    writeTime(w, a.window.start);
    writeTime(w, a.window.end);
  }
  if (a.speed) w.u16(Math.min(0xffff, Math.round(a.speed.maxKmh))).u8(Math.min(255, Math.round(a.speed.forS)));
}

function write2019Tail(w: Writer, a: Area, edition: Edition, night: boolean): void {
  if (edition !== 2019) return;
  if (night && a.speed) w.u16(Math.min(0xffff, Math.round(a.speed.nightMaxKmh ?? a.speed.maxKmh)));
  const name = ascii(a.name ?? "");
  w.u16(name.length).bytes(name);
}

/** One area in its message layout (circle / rectangle item, or the whole 0x8604 body for a polygon). */
export function encodeAreaItem(a: Area, edition: Edition): Uint8Array {
  const attr = wireAttr(a);
  const w = new Writer().u32(a.id >>> 0).u16(attr);
  if (a.type === 1) w.u32(e6(a.center.lat)).u32(e6(a.center.lon)).u32(Math.round(a.radiusM));
  else if (a.type === 2) {
    writePoint(w, a.nw);
    writePoint(w, a.se);
  }
  writeOptional(w, a);
  if (a.type === 3) {
    w.u16(a.points.length);
    for (const p of a.points) writePoint(w, p);
  }
  write2019Tail(w, a, edition, true);
  return w.done();
}

/** Reads one area; undefined when the bytes run out or a time is not BCD. */
export function readAreaItem(r: Reader, type: AreaType, edition: Edition): Area | undefined {
  const id = r.u32();
  const attr = r.u16();
  let center: LatLon | undefined;
  let radiusM = 0;
  let nw: LatLon | undefined;
  let se: LatLon | undefined;
  if (type === 1) {
    center = readPoint(r, attr);
    radiusM = r.u32();
  } else if (type === 2) {
    nw = readPoint(r, attr);
    se = readPoint(r, attr);
  }
  const base: { window?: Area["window"]; speed?: Area["speed"]; name?: string } = {};
  if (attr & AREA_ATTR.byTime) {
    const start = readTime(r);
    const end = readTime(r);
    if (!start || !end) return undefined;
    base.window = { start, end };
  }
  if (attr & AREA_ATTR.speedLimit) base.speed = { maxKmh: r.u16(), forS: r.u8() };
  let points: LatLon[] = [];
  if (type === 3) {
    const n = r.u16();
    if (n * 8 > r.left) return undefined;
    for (let i = 0; i < n; i++) points.push(readPoint(r, attr));
  }
  if (edition === 2019) {
    if (base.speed) base.speed.nightMaxKmh = r.u16();
    const len = r.u16();
    if (len > r.left) return undefined;
    const name = fromAscii(r.bytes(len));
    if (name) base.name = name;
  }
  if (!r.ok) return undefined;
  if (type === 1) return { type, id, attr, center: center!, radiusM, ...base };
  if (type === 2) return { type, id, attr, nw: nw!, se: se!, ...base };
  return { type, id, attr, points, ...base };
}

/** 0x8600 / 0x8602 body. */
export function encodeSetAreas(action: AreaAction, areas: readonly Area[], edition: Edition): Uint8Array {
  const w = new Writer().u8(action).u8(areas.length);
  for (const a of areas) w.bytes(encodeAreaItem(a, edition));
  return w.done();
}

/** 0x8601 / 0x8603 / 0x8605 body; no ids = delete every area of the shape. */
export function encodeDeleteAreas(ids: readonly number[]): Uint8Array {
  const w = new Writer().u8(ids.length);
  for (const id of ids) w.u32(id >>> 0);
  return w.done();
}

export type SetAreas = { action: AreaAction; areas: Area[] };

/** A set message's body, every area checked; one bad area refuses the whole message. */
export function decodeSetAreas(msgId: number, body: Uint8Array, edition: Edition): SetAreas | { error: string } {
  const type = areaMessageType(msgId);
  if (type === undefined || isDeleteMessage(msgId)) return { error: `not an area set message` };
  const r = new Reader(body);
  let action: number = 1;
  let count = 1;
  if (type !== 3) {
    action = r.u8();
    count = r.u8();
    if (!r.ok) return { error: "area message cut short" };
    if (action > 2) return { error: `area setting attribute ${action}` };
    if (count === 0 || count > MAX_AREAS) return { error: `area count ${count} (1..${MAX_AREAS})` };
  }
  const areas: Area[] = [];
  for (let i = 0; i < count; i++) {
    const a = readAreaItem(r, type, edition);
    if (!a) return { error: `area ${i + 1} of ${count} is malformed` };
    const bad = checkArea(a);
    if (bad) return { error: bad };
    if (areas.some((b) => b.id === a.id)) return { error: `area id ${a.id} twice in one message` };
    areas.push(a);
  }
  if (r.left !== 0) return { error: `${r.left} bytes after the last area` };
  return { action: action as AreaAction, areas };
}

/** A delete message's ids ([] = every area of the shape), or undefined when malformed. */
export function decodeDeleteAreas(body: Uint8Array): number[] | undefined {
  const r = new Reader(body);
  const n = r.u8();
  if (!r.ok || n > MAX_DELETE_IDS) return undefined;
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(r.u32());
  return r.ok && r.left === 0 ? ids : undefined;
}
