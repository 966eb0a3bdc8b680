/**
 * Platform areas (JT/T 808 0x8600 circles, 0x8602 rectangles, 0x8604 polygons) as the tracker holds them, the
 * checks every area passes before it is accepted, and when an area with a time window is in force.
 *
 * Attribute word (JT/T 808-2013 table 0x8600; bits as in ybzwyrcld/jt808 include/jt808/area_route.h AreaAttribute):
 *   bit 0 by time (start/end follow), 1 speed limit (max speed, overspeed duration follow), 2 entry alarm to the
 *   driver, 3 entry alarm to the platform, 4 exit alarm to the driver, 5 exit alarm to the platform, 6 south
 *   latitudes, 7 west longitudes, 8 door opening forbidden, 14 radio off inside, 15 detailed GNSS logging inside.
 *   The tracker has no driver display or door lock: bits 2/4, 8, 14 and 15 are kept but not acted on; entries and
 *   exits are alarms only where bits 3 / 5 ask for them.
 * Coordinates are kept as signed degrees (the attribute's south/west bits already applied).
 */

export type AreaType = 1 | 2 | 3; // the location type of JT/T item 0x12: 1 circle, 2 rectangle, 3 polygon

export const AREA_ATTR = Object.freeze({
  byTime: 1 << 0,
  speedLimit: 1 << 1,
  entryToDriver: 1 << 2,
  entryToPlatform: 1 << 3,
  exitToDriver: 1 << 4,
  exitToPlatform: 1 << 5,
  south: 1 << 6,
  west: 1 << 7,
  noDoorOpen: 1 << 8,
});

/** The areas the tracker holds at most: 24 fit the reference board's NVS partition (see area-store.ts). */
export const MAX_AREAS = 24;
/** Vertices of one polygon at most (sizes the stored entry: see area-store.ts). */
export const MAX_VERTICES = 32;
/** Bytes of a 2019 area name at most. */
export const MAX_NAME = 32;
/** A circle wider than this is not a geofence but a mistake (1000 km). */
export const MAX_RADIUS_M = 1_000_000;

export interface LatLon {
  lat: number;
  lon: number;
}

/**
 * Time window, six numbers YY MM DD hh mm ss in GMT+8 as the BCD fields carry them. YY = MM = DD = 0 makes it
 * daily (the standard's note: "00-00-00-08-30-00 / 00-00-00-18-00-00" limits every day to 08:30-18:00).
 */
export type WindowTime = readonly [number, number, number, number, number, number];

export interface SpeedLimit {
  maxKmh: number;
  /** Over the limit this long (s) before the alarm. */
  forS: number;
  /** 2019 only: the night limit (kept, reported back; the night period parameter is not supported). */
  nightMaxKmh?: number;
}

interface AreaBase {
  id: number; // u32
  attr: number; // u16 attribute word
  window?: { start: WindowTime; end: WindowTime };
  speed?: SpeedLimit;
  /** 2019 only. */
  name?: string;
}

export interface CircleArea extends AreaBase {
  type: 1;
  center: LatLon;
  radiusM: number;
}

export interface RectangleArea extends AreaBase {
  type: 2;
  /** Upper left and lower right corners. */
  nw: LatLon;
  se: LatLon;
}

export interface PolygonArea extends AreaBase {
  type: 3;
  points: LatLon[];
}

export type Area = CircleArea | RectangleArea | PolygonArea;

export const AREA_TYPE_NAMES: Readonly<Record<AreaType, string>> = Object.freeze({ 1: "circle", 2: "rectangle", 3: "polygon" });

export function sameArea(a: { type: number; id: number }, b: { type: number; id: number }): boolean {
  return a.type === b.type && a.id === b.id;
}

function badPoint(p: LatLon): boolean {
  return !(Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180);
}

function checkWindowTime(t: WindowTime): string | undefined {
  const [yy, mo, dd, hh, mi, ss] = t;
  if (hh > 23 || mi > 59 || ss > 59) return "time of day out of range";
  if (yy === 0 && mo === 0 && dd === 0) return undefined;
  if (yy > 99 || mo < 1 || mo > 12 || dd < 1 || dd > 31) return "date out of range (00-00-00 for daily)";
  return undefined;
}

const daily = (t: WindowTime): boolean => t[0] === 0 && t[1] === 0 && t[2] === 0;

/** Why an area cannot be accepted, or undefined. */
export function checkArea(a: Area): string | undefined {
  const what = `${AREA_TYPE_NAMES[a.type]} ${a.id}`;
  if (!Number.isInteger(a.id) || a.id < 0 || a.id > 0xffffffff) return `${what}: bad id`;
  if (a.window) {
    const e = checkWindowTime(a.window.start) ?? checkWindowTime(a.window.end);
    if (e) return `${what}: ${e}`;
    if (daily(a.window.start) !== daily(a.window.end)) return `${what}: start and end must both be daily or both dated`;
    if (!daily(a.window.start) && windowUtc(a.window.start) >= windowUtc(a.window.end)) return `${what}: window ends before it starts`;
  }
  if (a.speed && !(a.speed.maxKmh > 0)) return `${what}: speed limit must be above 0`;
  if (a.name !== undefined && a.name.length > MAX_NAME) return `${what}: name longer than ${MAX_NAME} bytes`;
  if (a.type === 1) {
    if (badPoint(a.center)) return `${what}: centre out of range`;
    if (!(a.radiusM >= 1 && a.radiusM <= MAX_RADIUS_M)) return `${what}: radius must be 1..${MAX_RADIUS_M} m`;
  } else if (a.type === 2) {
    if (badPoint(a.nw) || badPoint(a.se)) return `${what}: corner out of range`;
    // no area across the antimeridian: the upper left corner is north and west of the lower right one
    if (!(a.nw.lat > a.se.lat && a.nw.lon < a.se.lon)) return `${what}: upper left must be north-west of lower right`;
  } else {
    if (a.points.length < 3 || a.points.length > MAX_VERTICES) return `${what}: needs 3..${MAX_VERTICES} vertices`;
    if (a.points.some(badPoint)) return `${what}: vertex out of range`;
    if (Math.abs(shoelace(a.points)) < 1e-12) return `${what}: vertices enclose no area`;
  }
  return undefined;
}

/** Twice the signed area in degree units: zero for collinear or repeated vertices. */
function shoelace(ps: readonly LatLon[]): number {
  let s = 0;
  for (let i = 0; i < ps.length; i++) {
    const a = ps[i];
    const b = ps[(i + 1) % ps.length];
    s += a.lon * b.lat - b.lon * a.lat;
  }
  return s;
}

const GMT8_MS = 8 * 3600 * 1000;

function windowUtc(t: WindowTime): number {
  return Date.UTC(2000 + t[0], t[1] - 1, t[2], t[3], t[4], t[5]) - GMT8_MS;
}

function secondOfDay(t: WindowTime): number {
  return t[3] * 3600 + t[4] * 60 + t[5];
}

/**
 * Whether the area is in force at `utcMs`: always without a window; daily windows by the GMT+8 time of day (an end
 * before the start wraps past midnight); dated windows between their instants. Unknown wall time (0): in force.
 */
export function inForce(a: Area, utcMs: number): boolean {
  const w = a.window;
  if (!w || utcMs === 0) return true;
  if (!daily(w.start)) return utcMs >= windowUtc(w.start) && utcMs <= windowUtc(w.end);
  const day = Math.floor((((utcMs + GMT8_MS) % 86_400_000) + 86_400_000) % 86_400_000 / 1000);
  const s = secondOfDay(w.start);
  const e = secondOfDay(w.end);
  return s <= e ? day >= s && day <= e : day >= s || day <= e;
}
