/**
 * The trace's platform area commands (an extension of TRACE-FORMAT.md's `downlinks`, documented in README):
 *
 *   { "t": 3600, "message": "set-areas", "shape": "circle", "action": "update",
 *     "areas": [ { "id": 1, "lat": 39.1, "lon": 117.2, "radius_m": 800, "alarms": "both",
 *                  "start": "08:30:00", "end": "18:00:00", "max_kmh": 30, "over_s": 10, "name": "depot" } ] }
 *   rectangle areas: "north", "west", "south", "east"; polygon areas: "points": [[lat, lon], ...] (one polygon per
 *   message, as 0x8604 carries one); "action" update | append | modify (default update; not for polygons);
 *   "alarms" in | out | both | none (attribute bits 3 / 5; default both); "start"/"end" either "hh:mm:ss" (daily,
 *   GMT+8) or ISO 8601 with an offset.
 *   { "t": 7200, "message": "delete-areas", "shape": "circle", "ids": [1, 2] }   (no ids = every area of the shape)
 *
 * Only the shape of the JSON is checked here; whether an area is acceptable is the device's call (a trace may send
 * a bad area on purpose to see it refused with result 2).
 */
import { AREA_ATTR, type Area, type AreaType, type LatLon, type WindowTime } from "../../firmware/config/area";

type Obj = Record<string, unknown>;
type Fail = (path: string, problem: string) => never;

export const AREA_SHAPES = Object.freeze(["circle", "rectangle", "polygon"] as const);
export type AreaShape = (typeof AREA_SHAPES)[number];
export const AREA_ACTIONS = Object.freeze(["update", "append", "modify"] as const);
export type AreaActionName = (typeof AREA_ACTIONS)[number];

export interface AreaDownlink {
  shape: AreaShape;
  action: AreaActionName;
  areas?: Area[];
  areaIds?: number[];
}

const GMT8_MS = 8 * 3600 * 1000;

function number(v: unknown, path: string, fail: Fail): number {
  if (typeof v !== "number" || !Number.isFinite(v)) fail(path, "must be a number");
  return v as number;
}

function areaId(v: unknown, path: string, fail: Fail): number {
  const n = number(v, path, fail);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) fail(path, "must be an integer 0..4294967295");
  return n;
}

function windowTime(v: unknown, path: string, fail: Fail, parseIso: (s: string) => number | undefined): WindowTime {
  if (typeof v !== "string") fail(path, 'must be "hh:mm:ss" or an ISO 8601 time');
  const s = v as string;
  const m = /^(\d{2}):(\d{2}):(\d{2})$/.exec(s);
  if (m) return [0, 0, 0, Number(m[1]), Number(m[2]), Number(m[3])];
  const utc = parseIso(s);
  if (utc === undefined) fail(path, 'must be "hh:mm:ss" or an ISO 8601 time');
  const d = new Date(utc! + GMT8_MS);
  return [d.getUTCFullYear() % 100, d.getUTCMonth() + 1, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
}

function point(v: unknown, path: string, fail: Fail): LatLon {
  if (!Array.isArray(v) || v.length !== 2) fail(path, "must be [lat, lon]");
  const a = v as unknown[];
  return { lat: number(a[0], `${path}[0]`, fail), lon: number(a[1], `${path}[1]`, fail) };
}

function area(o: Obj, type: AreaType, path: string, fail: Fail, parseIso: (s: string) => number | undefined): Area {
  const alarms = o.alarms === undefined ? "both" : o.alarms;
  if (alarms !== "in" && alarms !== "out" && alarms !== "both" && alarms !== "none") fail(`${path}.alarms`, "must be one of in, out, both, none");
  let attr = 0;
  if (alarms === "in" || alarms === "both") attr |= AREA_ATTR.entryToPlatform;
  if (alarms === "out" || alarms === "both") attr |= AREA_ATTR.exitToPlatform;
  const base: Omit<Area, "type" | "center" | "radiusM" | "nw" | "se" | "points"> & { id: number; attr: number } = {
    id: areaId(o.id, `${path}.id`, fail),
    attr,
  };
  if (o.start !== undefined || o.end !== undefined) {
    base.window = { start: windowTime(o.start, `${path}.start`, fail, parseIso), end: windowTime(o.end, `${path}.end`, fail, parseIso) };
  }
  if (o.max_kmh !== undefined) {
    base.speed = { maxKmh: number(o.max_kmh, `${path}.max_kmh`, fail), forS: o.over_s === undefined ? 0 : number(o.over_s, `${path}.over_s`, fail) };
  }
  if (o.name !== undefined) {
    if (typeof o.name !== "string") fail(`${path}.name`, "must be a string");
    base.name = o.name as string;
  }
  if (type === 1) {
    const center = { lat: number(o.lat, `${path}.lat`, fail), lon: number(o.lon, `${path}.lon`, fail) };
    return { ...base, type, center, radiusM: number(o.radius_m, `${path}.radius_m`, fail) };
  }
  if (type === 2) {
    const nw = { lat: number(o.north, `${path}.north`, fail), lon: number(o.west, `${path}.west`, fail) };
    const se = { lat: number(o.south, `${path}.south`, fail), lon: number(o.east, `${path}.east`, fail) };
    return { ...base, type, nw, se };
  }
  if (!Array.isArray(o.points)) fail(`${path}.points`, "must be an array of [lat, lon]");
  return { ...base, type, points: (o.points as unknown[]).map((p, i) => point(p, `${path}.points[${i}]`, fail)) };
}

/** The area fields of a set-areas / delete-areas downlink at `path`. */
export function readAreaDownlink(
  o: Obj,
  message: "set-areas" | "delete-areas",
  path: string,
  fail: Fail,
  parseIso: (s: string) => number | undefined,
): AreaDownlink {
  const shape = o.shape as AreaShape;
  if (!AREA_SHAPES.includes(shape)) fail(`${path}.shape`, `must be one of ${AREA_SHAPES.join(", ")}`);
  const type = (AREA_SHAPES.indexOf(shape) + 1) as AreaType;
  if (message === "delete-areas") {
    if (o.ids === undefined) return { shape, action: "update", areaIds: [] };
    if (!Array.isArray(o.ids)) fail(`${path}.ids`, "must be an array of area ids");
    return { shape, action: "update", areaIds: (o.ids as unknown[]).map((x, i) => areaId(x, `${path}.ids[${i}]`, fail)) };
  }
  const action = (o.action === undefined ? "update" : o.action) as AreaActionName;
  if (!AREA_ACTIONS.includes(action)) fail(`${path}.action`, `must be one of ${AREA_ACTIONS.join(", ")}`);
  if (!Array.isArray(o.areas) || o.areas.length === 0) fail(`${path}.areas`, "must be a non-empty array");
  const list = o.areas as unknown[];
  if (type === 3 && list.length !== 1) fail(`${path}.areas`, "a polygon message carries exactly one polygon");
  const areas = list.map((a, i) => {
    const p = `${path}.areas[${i}]`;
    if (typeof a !== "object" || a === null || Array.isArray(a)) fail(p, "must be an object");
    return area(a as Obj, type, p, fail, parseIso);
  });
  return { shape, action, areas };
}
