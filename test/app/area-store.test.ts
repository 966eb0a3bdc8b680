/** Areas and the inside state in NVS: round trips, writes only on change, and the 24-area budget of the partition. */
import { describe, expect, it } from "vitest";
import { CONFIG_SPEC, defaults } from "../../firmware/config/config";
import {
  AREA_KEYS,
  NVS_USABLE_ENTRIES,
  decodeStoredArea,
  encodeInside,
  encodeStoredArea,
  fromBase64,
  loadAreas,
  loadInside,
  nvsEntries,
  saveAreas,
  saveInside,
  toBase64,
} from "../../firmware/app/area-store";
import { MAX_AREAS, MAX_NAME, MAX_VERTICES, type Area } from "../../firmware/config/area";
import type { InsideArea } from "../../firmware/app/area-watch";
import { SimSettings } from "../../sim/devices/settings-sim";

const circle = (id: number): Area => ({ type: 1, id, attr: 0x28, center: { lat: 39.5 + id / 1000, lon: 116.5 }, radiusM: 400 + id });
const e6 = (x: number) => Math.round(x * 1e6) / 1e6;
/** The largest area the terminal accepts. */
const worst = (id: number): Area => ({
  type: 3,
  id: 0xffffffff - id,
  attr: 0x2b,
  points: Array.from({ length: MAX_VERTICES }, (_, i) => ({ lat: e6(39 + Math.sin(i) * 0.01), lon: e6(116 + Math.cos(i) * 0.01) })),
  window: { start: [26, 1, 1, 0, 0, 0], end: [26, 12, 31, 23, 59, 59] },
  speed: { maxKmh: 120, forS: 255, nightMaxKmh: 80 },
  name: "n".repeat(MAX_NAME),
});

describe("area store", () => {
  it("base64 round-trips every length", () => {
    for (let n = 0; n < 9; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) & 255);
      expect(fromBase64(toBase64(b))).toEqual(b);
    }
    expect(fromBase64("abc")).toBeUndefined();
    expect(fromBase64("ab!d")).toBeUndefined();
  });

  it("persists areas, rewrites only the slots that changed and removes the ones no longer used", () => {
    const s = new SimSettings();
    saveAreas(s, [circle(1), circle(2), worst(0)]);
    expect(loadAreas(s)).toEqual([circle(1), circle(2), worst(0)]);
    const writes = s.writes;
    saveAreas(s, [circle(1), circle(3)]);
    expect(s.writes - writes).toBe(3); // slot 1, slot 2 removed, count
    expect(loadAreas(s)).toEqual([circle(1), circle(3)]);
    expect(s.get(AREA_KEYS.slot(2))).toBeUndefined();
    s.set(AREA_KEYS.slot(1), "garbage=");
    expect(loadAreas(s)).toEqual([circle(1)]); // a torn entry is skipped, never a crash
    expect(decodeStoredArea(encodeStoredArea(worst(5)))).toEqual(worst(5));
  });

  it("keeps what the truck is inside, with its dwell and overspeed marks", () => {
    const s = new SimSettings();
    const inside: InsideArea[] = [
      { type: 1, id: 101, since: 1782950000 },
      { type: 3, id: 301, since: 1782950100, dwell: true, over: true, overSince: 1782950200 },
    ];
    saveInside(s, inside);
    expect(loadInside(s)).toEqual(inside);
    const writes = s.writes;
    saveInside(s, inside);
    expect(s.writes).toBe(writes);
    saveInside(s, []);
    expect(s.get(AREA_KEYS.inside)).toBeUndefined();
  });

  it(`fits ${MAX_AREAS} of the largest areas, the fullest inside state and every setting in the reference NVS partition`, () => {
    let entries = 0;
    const d = defaults() as Record<string, string | number>;
    for (const k of Object.keys(CONFIG_SPEC)) {
      const spec = (CONFIG_SPEC as Record<string, { kind: string; max: number }>)[k];
      // every setting stored, text at its longest
      entries += nvsEntries(spec.kind === "str" ? "x".repeat(spec.max) : String(d[k]));
    }
    const areas = Array.from({ length: MAX_AREAS }, (_, i) => worst(i));
    for (const a of areas) entries += nvsEntries(encodeStoredArea(a));
    const inside = areas.map((a): InsideArea => ({ type: a.type, id: a.id, since: 1782950000, dwell: true, over: true, overSince: 1782950000 }));
    entries += nvsEntries(encodeInside(inside)) + nvsEntries(String(MAX_AREAS));
    expect(encodeStoredArea(worst(0)).length).toBe(424);
    expect(entries).toBeLessThanOrEqual(NVS_USABLE_ENTRIES);
  });
});
