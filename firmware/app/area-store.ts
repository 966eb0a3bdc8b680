/**
 * The platform areas and the "inside" state, persisted in Settings (NVS), so both survive deep sleep and power
 * cuts. Areas take one key each, `area0`..`area23`, holding the area's 2019 message layout (area-messages.ts,
 * prefixed by its type byte) in base64; `area_n` is how many there are. The areas the truck is inside are one
 * key, `area_in`: `type:id:since[:flags[:overSince]]` joined by `;` (flags bit0 dwell raised, bit1 overspeed
 * raised). Only values that changed are written: NVS pages wear with every write.
 *
 * Why 24: the reference board's `nvs` partition is 0x6000 = 6 pages of 126 entries of 32 bytes; NVS keeps one
 * page free for garbage collection, so 630 entries are usable. A string takes one header entry plus one per 32
 * bytes (NUL included). The worst area (a 2019 polygon of 32 vertices, speed limit, window and a 32-byte name:
 * 316 bytes with its type byte, 424 characters of base64) takes 15 entries; 24 of them are 360, the fullest `area_in`
 * 29, and the configuration with every setting stored at its longest 93: 484 of 630, room left for NVS's own
 * bookkeeping and new settings (nvsEntries() and the test that adds them up).
 */
import type { Settings } from "../../hal/ports";
import { MAX_AREAS, checkArea, type Area, type AreaType } from "../config/area";
import type { InsideArea } from "./area-watch";
import { Reader, Writer } from "../core/bytes";
import { encodeAreaItem, readAreaItem } from "../protocol/area-messages";

export const AREA_KEYS = Object.freeze({ count: "area_n", inside: "area_in", slot: (i: number) => `area${i}` });

/** NVS of the reference board: 5 of 6 pages usable, 126 entries each. */
export const NVS_USABLE_ENTRIES = 5 * 126;

/** NVS entries a string value takes (one header entry, then 32-byte data entries holding the text and its NUL). */
export function nvsEntries(value: string): number {
  return 1 + Math.ceil((value.length + 1) / 32);
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function toBase64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i] << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    s += i + 1 < b.length ? B64[(n >> 6) & 63] : "=";
    s += i + 2 < b.length ? B64[n & 63] : "=";
  }
  return s;
}

export function fromBase64(s: string): Uint8Array | undefined {
  if (s.length % 4 !== 0) return undefined;
  const pad = s.endsWith("==") ? 2 : s.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = s[i + k];
      const v = c === "=" && i + k >= s.length - pad ? 0 : B64.indexOf(c);
      if (v < 0) return undefined;
      n = (n << 6) | v;
    }
    for (let k = 2; k >= 0 && o < out.length; k--) out[o++] = (n >> (8 * k)) & 255;
  }
  return out;
}

export function encodeStoredArea(a: Area): string {
  return toBase64(new Writer().u8(a.type).bytes(encodeAreaItem(a, 2019)).done());
}

/** Undefined for a value that does not decode to a valid area (a torn or foreign entry). */
export function decodeStoredArea(text: string): Area | undefined {
  const b = fromBase64(text);
  if (!b || b.length < 1 || b[0] < 1 || b[0] > 3) return undefined;
  const r = new Reader(b, 1);
  const a = readAreaItem(r, b[0] as AreaType, 2019);
  if (!a || r.left !== 0 || checkArea(a)) return undefined;
  return a;
}

export function loadAreas(settings: Settings): Area[] {
  const n = Math.min(MAX_AREAS, Number(settings.get(AREA_KEYS.count) ?? 0) || 0);
  const out: Area[] = [];
  for (let i = 0; i < n; i++) {
    const v = settings.get(AREA_KEYS.slot(i));
    const a = v === undefined ? undefined : decodeStoredArea(v);
    if (a) out.push(a);
  }
  return out;
}

export function saveAreas(settings: Settings, areas: readonly Area[]): void {
  const before = Math.min(MAX_AREAS, Number(settings.get(AREA_KEYS.count) ?? 0) || 0);
  const n = Math.min(MAX_AREAS, areas.length);
  for (let i = 0; i < n; i++) {
    const v = encodeStoredArea(areas[i]);
    if (settings.get(AREA_KEYS.slot(i)) !== v) settings.set(AREA_KEYS.slot(i), v);
  }
  for (let i = n; i < before; i++) settings.remove(AREA_KEYS.slot(i));
  if (settings.get(AREA_KEYS.count) !== String(n)) settings.set(AREA_KEYS.count, String(n));
}

export function encodeInside(inside: readonly InsideArea[]): string {
  return inside
    .map((e) => {
      const flags = (e.dwell ? 1 : 0) | (e.over ? 2 : 0);
      let s = `${e.type}:${e.id}:${e.since}`;
      if (flags || e.overSince !== undefined) s += `:${flags}`;
      if (e.overSince !== undefined) s += `:${e.overSince}`;
      return s;
    })
    .join(";");
}

export function decodeInside(text: string | undefined): InsideArea[] {
  const out: InsideArea[] = [];
  if (!text) return out;
  for (const part of text.split(";")) {
    const f = part.split(":").map(Number);
    if (f.length < 3 || f.some((x) => !Number.isInteger(x) || x < 0)) continue;
    const e: InsideArea = { type: f[0], id: f[1], since: f[2] };
    if (f[3] & 1) e.dwell = true;
    if (f[3] & 2) e.over = true;
    if (f.length > 4) e.overSince = f[4];
    out.push(e);
  }
  return out;
}

export function loadInside(settings: Settings): InsideArea[] {
  return decodeInside(settings.get(AREA_KEYS.inside));
}

export function saveInside(settings: Settings, inside: readonly InsideArea[]): void {
  const v = encodeInside(inside);
  if ((settings.get(AREA_KEYS.inside) ?? "") === v) return;
  if (v === "") settings.remove(AREA_KEYS.inside);
  else settings.set(AREA_KEYS.inside, v);
}
