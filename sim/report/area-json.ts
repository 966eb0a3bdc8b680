/**
 * Readable JSON for the JT/T 808 area messages (0x8600-0x8605) and the area items of a location (0x11, 0x12),
 * for `tracker jt808 decode` and the fleet server's transcript. Platform-free.
 */
import { AREA_TYPE_NAMES, type Area, type AreaType, type WindowTime } from "../../firmware/config/area";
import { areaMessageType, decodeDeleteAreas, decodeSetAreas, isDeleteMessage } from "../../firmware/protocol/area-messages";
import type { Edition } from "../../firmware/protocol/frame";
import { toHex } from "../../firmware/core/bytes";
import { ITEM } from "../../firmware/protocol/record-location";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };
type Obj = { [k: string]: Json | undefined };

const ACTIONS = ["update", "append", "modify"];

function timeText(t: WindowTime): string {
  const two = (n: number) => (n < 10 ? "0" : "") + n;
  const tod = `${two(t[3])}:${two(t[4])}:${two(t[5])}`;
  return t[0] === 0 && t[1] === 0 && t[2] === 0 ? `daily ${tod}` : `20${two(t[0])}-${two(t[1])}-${two(t[2])}T${tod}+08:00`;
}

export function areaJson(a: Area): Obj {
  const o: Obj = { id: a.id, attr: a.attr };
  if (a.type === 1) Object.assign(o, { lat: a.center.lat, lon: a.center.lon, radius_m: a.radiusM });
  else if (a.type === 2) Object.assign(o, { north: a.nw.lat, west: a.nw.lon, south: a.se.lat, east: a.se.lon });
  else o.points = a.points.map((p) => [p.lat, p.lon]);
  if (a.window) Object.assign(o, { start: timeText(a.window.start), end: timeText(a.window.end) });
  if (a.speed) Object.assign(o, { max_kmh: a.speed.maxKmh, over_s: a.speed.forS, night_max_kmh: a.speed.nightMaxKmh });
  if (a.name) o.name = a.name;
  return o;
}

/** The body of an area message, or undefined when msgId is not one. */
export function areaBodyJson(msgId: number, edition: Edition, body: Uint8Array): Obj | undefined {
  const type = areaMessageType(msgId);
  if (type === undefined) return undefined;
  const shape = AREA_TYPE_NAMES[type];
  if (isDeleteMessage(msgId)) {
    const ids = decodeDeleteAreas(body);
    return ids ? { shape, delete: ids.length ? ids : "all" } : { error: "malformed area id list", hex: toHex(body) };
  }
  const r = decodeSetAreas(msgId, body, edition);
  if ("error" in r) return { error: r.error, hex: toHex(body) }; // what the terminal refuses, and why
  const o: Obj = { shape, areas: r.areas.map(areaJson) };
  if (type !== 3) o.action = ACTIONS[r.action];
  return o;
}

const u32 = (v: Uint8Array, i: number) => ((v[i] << 24) | (v[i + 1] << 16) | (v[i + 2] << 8) | v[i + 3]) >>> 0;

/** Items 0x11 (overspeed) and 0x12 (in/out of area), or undefined for other items. */
export function areaItemJson(id: number, v: Uint8Array): Obj | undefined {
  if (id === ITEM.areaInOut && v.length === 6) {
    return { area: AREA_TYPE_NAMES[v[0] as AreaType] ?? v[0], area_id: u32(v, 1), direction: v[5] === 0 ? "in" : "out" };
  }
  if (id === ITEM.overspeed && (v.length === 1 || v.length === 5)) {
    return v.length === 1 ? { overspeed: "no area" } : { overspeed: AREA_TYPE_NAMES[v[0] as AreaType] ?? v[0], area_id: u32(v, 1) };
  }
  return undefined;
}
