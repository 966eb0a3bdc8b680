/**
 * The area messages byte by byte (layouts: yezhihao/jt808-server T8600/T8602/T8604/T8601, SmallChi/JT808
 * JT808_0x8600/0x8603/0x8604) and the all-or-nothing rules of applying them to the areas held.
 */
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/core/bytes";
import { AREA_ATTR, MAX_AREAS, type Area } from "../../firmware/config/area";
import { applyAreaMessage } from "../../firmware/protocol/area-downlink";
import { AREA_MSG, decodeSetAreas, encodeAreaItem, encodeDeleteAreas, encodeSetAreas } from "../../firmware/protocol/area-messages";
import { handleDownlink } from "../../firmware/protocol/downlink";
import { defaults } from "../../firmware/config/config";

const IN_OUT = AREA_ATTR.entryToPlatform | AREA_ATTR.exitToPlatform;
const circle = (id: number, lat = 39.5381, lon = 116.6833, radiusM = 500): Area => ({ type: 1, id, attr: IN_OUT, center: { lat, lon }, radiusM });
const rect: Area = { type: 2, id: 201, attr: IN_OUT, nw: { lat: 39.74, lon: 116.32 }, se: { lat: 39.71, lon: 116.36 } };
const poly: Area = {
  type: 3,
  id: 301,
  attr: IN_OUT,
  points: [
    { lat: 39.41, lon: 116.995 },
    { lat: 39.4, lon: 117.065 },
    { lat: 39.37, lon: 117.0655 },
  ],
  window: { start: [0, 0, 0, 8, 0, 0], end: [0, 0, 0, 20, 0, 0] },
  speed: { maxKmh: 30, forS: 10 },
};

describe("area message layouts", () => {
  it("writes a 2013 circle item field by field", () => {
    // id 101, attr 0x0028 (bits 3, 5), lat 39.538100 = 0x025B4DB4, lon 116.683300 = 0x06F47224, radius 500 m
    expect(toHex(encodeSetAreas(0, [circle(101)], 2013), true)).toBe("0001" + "00000065" + "0028" + "025B4DB4" + "06F47224" + "000001F4");
  });

  it("puts the window and the speed limit where attribute bits 0 and 1 say, and the 2019 tail after them", () => {
    const b = encodeAreaItem(poly, 2019);
    const h = toHex(b, true);
    // id, attr (0x002B: bits 0, 1, 3, 5), start 00-00-00 08:00:00, end 20:00:00, 30 km/h for 10 s, 3 vertices...
    expect(h.startsWith("0000012D" + "002B" + "000000080000" + "000000200000" + "001E" + "0A" + "0003")).toBe(true);
    // ... then night limit (= the day one when not given) and an empty name
    expect(h.endsWith("001E" + "0000")).toBe(true);
    expect(b.length).toBe(4 + 2 + 12 + 3 + 2 + 3 * 8 + 2 + 2);
  });

  it("round-trips every shape in both editions, southern and western coordinates included", () => {
    const south: Area = { ...circle(7, -33.8688, -70.6693, 1200), name: "santiago" };
    for (const edition of [2013, 2019] as const) {
      const c = decodeSetAreas(AREA_MSG.setCircles, encodeSetAreas(1, [circle(1), south], edition), edition);
      expect("areas" in c && c.areas.map((a) => a.type === 1 && [a.center.lat, a.center.lon])).toEqual([
        [39.5381, 116.6833],
        [-33.8688, -70.6693],
      ]);
      const r = decodeSetAreas(AREA_MSG.setRectangles, encodeSetAreas(2, [rect], edition), edition);
      expect("areas" in r && r.areas[0]).toMatchObject({ type: 2, id: 201, nw: rect.type === 2 ? rect.nw : {}, se: rect.type === 2 ? rect.se : {} });
      const p = decodeSetAreas(AREA_MSG.setPolygon, encodeAreaItem(poly, edition), edition);
      expect("areas" in p && p.areas[0]).toMatchObject({ type: 3, id: 301, window: poly.window, speed: { maxKmh: 30, forS: 10 } });
    }
    expect(toHex(encodeDeleteAreas([101, 102]))).toBe("020000006500000066");
  });

  it("refuses the whole message for one bad area, a cut or an overlong body, a bad time or a repeated id", () => {
    const bad = (msgId: number, body: Uint8Array) => decodeSetAreas(msgId, body, 2013);
    expect(bad(AREA_MSG.setCircles, encodeSetAreas(0, [circle(1), circle(2, 39.5, 116.6, 0)], 2013))).toEqual({ error: "circle 2: radius must be 1..1000000 m" });
    const good = encodeSetAreas(0, [circle(1)], 2013);
    expect(bad(AREA_MSG.setCircles, good.subarray(0, good.length - 1))).toHaveProperty("error");
    expect(bad(AREA_MSG.setCircles, Uint8Array.of(...good, 0))).toEqual({ error: "1 bytes after the last area" });
    expect(bad(AREA_MSG.setCircles, encodeSetAreas(0, [circle(1), circle(1)], 2013))).toHaveProperty("error");
    expect(bad(AREA_MSG.setCircles, fromHex("030100000001002800000000000000000000000a")!)).toEqual({ error: "area setting attribute 3" });
    const flipped: Area = { ...rect, nw: { lat: 39.7, lon: 116.36 }, se: { lat: 39.74, lon: 116.32 } } as Area;
    expect(bad(AREA_MSG.setRectangles, encodeSetAreas(0, [flipped], 2013))).toHaveProperty("error");
    const line: Area = { ...poly, points: [{ lat: 1, lon: 1 }, { lat: 2, lon: 2 }, { lat: 3, lon: 3 }] } as Area;
    expect(bad(AREA_MSG.setPolygon, encodeAreaItem(line, 2013))).toHaveProperty("error");
    const b = encodeAreaItem(poly, 2013);
    b[6] = 0x0a; // start "YY" = 0A: not BCD
    expect(bad(AREA_MSG.setPolygon, b)).toHaveProperty("error");
  });
});

describe("applying area messages to the areas held", () => {
  const held = [circle(1), circle(2), rect];
  const apply = (msgId: number, body: Uint8Array, h: readonly Area[] = held) => applyAreaMessage(msgId, body, 2013, h);
  const ids = (r: ReturnType<typeof apply>) => (r.ok ? r.areas.map((a) => `${a.type}:${a.id}`) : r.error);

  it("update replaces the shape's areas only, append adds or replaces by id, modify needs the id held", () => {
    expect(ids(apply(AREA_MSG.setCircles, encodeSetAreas(0, [circle(9)], 2013)))).toEqual(["2:201", "1:9"]);
    expect(ids(apply(AREA_MSG.setCircles, encodeSetAreas(1, [circle(2, 39, 116, 900), circle(3)], 2013)))).toEqual(["1:1", "1:2", "2:201", "1:3"]);
    const mod = apply(AREA_MSG.setCircles, encodeSetAreas(2, [circle(2, 39, 116, 900)], 2013));
    expect(mod.ok && mod.areas[1].type === 1 && mod.areas[1].radiusM).toBe(900);
    expect(ids(apply(AREA_MSG.setCircles, encodeSetAreas(2, [circle(5)], 2013)))).toBe("circle 5 is not held: nothing to modify");
    expect(ids(apply(AREA_MSG.setPolygon, encodeAreaItem(poly, 2013)))).toEqual(["1:1", "1:2", "2:201", "3:301"]);
  });

  it("deletes listed ids or, with none, every area of the shape", () => {
    expect(ids(apply(AREA_MSG.deleteCircles, encodeDeleteAreas([2, 77])))).toEqual(["1:1", "2:201"]);
    expect(ids(apply(AREA_MSG.deleteCircles, encodeDeleteAreas([])))).toEqual(["2:201"]);
    expect(ids(apply(AREA_MSG.deleteRectangles, encodeDeleteAreas([1])))).toEqual(["1:1", "1:2", "2:201"]);
    const tooMany = new Uint8Array(1 + 126 * 4);
    tooMany[0] = 126;
    expect(apply(AREA_MSG.deletePolygons, tooMany).ok).toBe(false);
  });

  it(`holds at most ${MAX_AREAS} areas`, () => {
    const full = Array.from({ length: MAX_AREAS - 1 }, (_, i) => circle(100 + i));
    expect(apply(AREA_MSG.setRectangles, encodeSetAreas(1, [rect], 2013), full).ok).toBe(true);
    expect(ids(apply(AREA_MSG.setCircles, encodeSetAreas(1, [circle(1), circle(2)], 2013), full))).toBe(`25 areas: at most ${MAX_AREAS} are held`);
  });

  it("answers 0x0001 result 2 for a refused message and result 0 with the new set otherwise", () => {
    const ctx = { config: defaults(), current: () => undefined, areas: () => held };
    const no = handleDownlink(AREA_MSG.setCircles, 40, encodeSetAreas(1, [circle(4, 39, 116, 0)], 2019), ctx);
    expect(no.actions).toEqual([]);
    expect(toHex(no.replies[0].body)).toBe("0028860002");
    const yes = handleDownlink(AREA_MSG.deleteCircles, 41, encodeDeleteAreas([]), ctx);
    expect(toHex(yes.replies[0].body)).toBe("0029860100");
    expect(yes.actions).toEqual([{ type: "areas-change", areas: [rect] }]);
    const without = handleDownlink(AREA_MSG.deleteCircles, 42, encodeDeleteAreas([]), { config: defaults(), current: () => undefined });
    expect(toHex(without.replies[0].body)).toBe("002a860103");
  });
});
