/** Where a fix lies against an area, the events a sequence of fixes raises, and when the next fix is worth it. */
import { describe, expect, it } from "vitest";
import { AREA_ATTR, inForce, type Area } from "../../firmware/config/area";
import { boundaryDistance, contains, crossingAhead } from "../../firmware/app/area-geometry";
import { MIN_CHECK_S, nextAreaCheck, watchAreas, type InsideArea } from "../../firmware/app/area-watch";
import { distanceM } from "../../firmware/gnss/geo";

const IN_OUT = AREA_ATTR.entryToPlatform | AREA_ATTR.exitToPlatform;
const C = { lat: 39.5, lon: 116.5 };
const circle: Area = { type: 1, id: 1, attr: IN_OUT, center: C, radiusM: 500 };
const rect: Area = { type: 2, id: 2, attr: IN_OUT, nw: { lat: 39.51, lon: 116.49 }, se: { lat: 39.49, lon: 116.51 } };
const tri: Area = { type: 3, id: 3, attr: IN_OUT, points: [{ lat: 39.5, lon: 116.5 }, { lat: 39.52, lon: 116.5 }, { lat: 39.5, lon: 116.53 }] };
/** A point `m` metres north (negative: south) of the centre. */
const north = (m: number) => ({ lat: C.lat + m / 111195, lon: C.lon });
const T0 = Date.UTC(2026, 6, 2, 2, 0, 0); // 10:00 GMT+8

describe("area geometry", () => {
  it("measures the signed distance to each shape's boundary", () => {
    expect(boundaryDistance(circle, north(300))).toBeCloseTo(-200, 0);
    expect(boundaryDistance(circle, north(800))).toBeCloseTo(300, 0);
    // the rectangle's north edge is 0.01° = 1112 m north of the centre
    expect(boundaryDistance(rect, C)).toBeCloseTo(-distanceM(C.lat, C.lon, C.lat, 116.51), -1);
    expect(boundaryDistance(rect, north(1500))).toBeCloseTo(1500 - 1112, -1);
    expect(contains(tri, { lat: 39.505, lon: 116.505 })).toBe(true);
    expect(contains(tri, { lat: 39.515, lon: 116.525 })).toBe(false);
    expect(contains(tri, { lat: 39.49, lon: 116.505 })).toBe(false);
  });

  it("finds the first crossing along a course, and none when heading away", () => {
    expect(crossingAhead(circle, north(1500), 180)).toBeCloseTo(1000, 0);
    expect(crossingAhead(circle, north(1500), 0)).toBe(Infinity);
    expect(crossingAhead(circle, north(300), 0)).toBeCloseTo(200, 0); // inside: the exit ahead
    expect(crossingAhead(circle, { lat: C.lat, lon: C.lon + 0.02 }, 0)).toBe(Infinity); // passing by 1.7 km east
    expect(crossingAhead(rect, north(1500), 180)).toBeCloseTo(1500 - 1112, -1);
    expect(crossingAhead(tri, { lat: 39.49, lon: 116.505 }, 0)).toBeCloseTo(1112, -1);
  });

  it("keeps daily windows by the GMT+8 clock, wrapping past midnight, and dated windows between their instants", () => {
    const day: Area = { ...circle, window: { start: [0, 0, 0, 8, 0, 0], end: [0, 0, 0, 20, 0, 0] } };
    const night: Area = { ...circle, window: { start: [0, 0, 0, 22, 0, 0], end: [0, 0, 0, 6, 0, 0] } };
    const dated: Area = { ...circle, window: { start: [26, 7, 2, 9, 0, 0], end: [26, 7, 2, 11, 0, 0] } };
    expect([inForce(day, T0), inForce(day, T0 + 11 * 3600e3)]).toEqual([true, false]);
    expect([inForce(night, T0), inForce(night, T0 + 13 * 3600e3)]).toEqual([false, true]);
    expect([inForce(dated, T0), inForce(dated, T0 + 2 * 3600e3)]).toEqual([true, false]);
  });
});

describe("area events", () => {
  const run = (areas: Area[], fixes: [metresNorth: number, kmh: number, minutes: number][], dwellS = 0) => {
    let inside: InsideArea[] = [];
    const out: string[] = [];
    for (const [m, kmh, min] of fixes) {
      const r = watchAreas(areas, inside, { ...north(m), speedKmh: kmh }, T0 + min * 60e3, dwellS);
      inside = r.inside;
      for (const e of r.events) out.push(`${min} ${e.code}${e.raised ? "" : " cleared"} ${e.durationS}`);
    }
    return out;
  };

  it("raises an entry, a dwell once per visit, and an exit with the time inside", () => {
    expect(run([circle], [[900, 40, 0], [200, 20, 2], [0, 0, 30], [0, 0, 50], [0, 0, 70], [900, 40, 75]], 1800)).toEqual([
      "2 area-enter 0",
      "50 area-dwell 2880",
      "75 area-exit 4380",
    ]);
  });

  it("tells the platform only what the attribute asks for", () => {
    const quietIn: Area = { ...circle, attr: AREA_ATTR.exitToPlatform };
    expect(run([quietIn], [[900, 40, 0], [0, 20, 2], [900, 40, 5]])).toEqual(["5 area-exit 180"]);
  });

  it("raises overspeed after the limit held for its duration, clears it when slower or gone", () => {
    const limited: Area = { ...circle, speed: { maxKmh: 30, forS: 60 } };
    expect(run([limited], [[900, 50, 0], [400, 50, 1], [300, 50, 1.5], [200, 50, 2.2], [0, 20, 3], [-100, 45, 4], [-200, 45, 5.5], [-900, 45, 7]])).toEqual([
      "1 area-enter 0",
      "2.2 area-speed 72",
      "3 area-speed cleared 120",
      "5.5 area-speed 90",
      "7 area-speed cleared 180",
      "7 area-exit 360",
    ]);
  });

  it("sees no area outside its time window: closing on a truck inside leaves no exit, opening on one is an entry", () => {
    const evening: Area = { ...circle, window: { start: [0, 0, 0, 18, 0, 0], end: [0, 0, 0, 23, 0, 0] } };
    expect(run([evening], [[900, 40, 0], [0, 20, 2], [900, 40, 5]])).toEqual([]);
    const morning: Area = { ...circle, window: { start: [0, 0, 0, 10, 5, 0], end: [0, 0, 0, 10, 20, 0] } };
    expect(run([morning], [[0, 0, 0], [0, 0, 10], [0, 0, 30], [900, 40, 40]])).toEqual(["10 area-enter 0"]);
  });
});

describe("when the next fix is worth taking", () => {
  const now = 1_000_000;
  const report = now + 300_000;
  const at = (going: Parameters<typeof nextAreaCheck>[2], inside: InsideArea[] = [], dwellS = 0, areas = [circle]) =>
    nextAreaCheck(areas, inside, going, now, T0, report, dwellS);

  it("comes when the truck would be past the boundary ahead, never sooner than the minimum gap", () => {
    // 1 km out heading for it at 20 m/s: (1000 + 60) / 20 = 53 s
    expect(at({ pos: north(1500), speedMps: 20, course: 180, engineOn: true })).toEqual({ at: now + 53_000, noFix: false });
    expect(at({ pos: north(520), speedMps: 20, course: 180, engineOn: true }).at).toBe(now + MIN_CHECK_S * 1000);
  });

  it("adds nothing far away, heading away, parked with the engine off, or for areas that raise nothing", () => {
    expect(at({ pos: north(9000), speedMps: 20, course: 180, engineOn: true }).at).toBe(Infinity); // 425 s > report
    expect(at({ pos: north(1500), speedMps: 20, course: 0, engineOn: true }).at).toBe(Infinity);
    expect(at({ pos: north(300), speedMps: 0, engineOn: false }).at).toBe(Infinity);
    expect(at({ pos: north(1500), speedMps: 20, course: 180, engineOn: true }, [], 0, [{ ...circle, attr: 0 }]).at).toBe(Infinity);
    expect(nextAreaCheck([], [], { pos: north(600), speedMps: 20, course: 180, engineOn: true }, now, T0, report, 0).at).toBe(Infinity);
  });

  it("judges a standing truck with its engine on at a slow pace, and a dwell due with the engine off without a fix", () => {
    expect(at({ pos: north(300), speedMps: 0, engineOn: true }).at).toBe(now + Math.round(((200 + 60) / 8) * 1000));
    // found standing twice in a row: the wait doubles each time
    expect(at({ pos: north(300), speedMps: 0, engineOn: true, idleChecks: 2 }).at).toBe(now + Math.round(((200 + 60) / 8) * 4 * 1000));
    expect(at({ pos: north(1500), speedMps: 20, course: 180, engineOn: true, idleChecks: 5 }).at).toBe(now + 53_000); // moving: no doubling
    const inside: InsideArea[] = [{ type: 1, id: 1, since: T0 / 1000 - 1700 }];
    expect(at({ pos: north(0), speedMps: 0, engineOn: false }, inside, 1800)).toEqual({ at: now + 105_000, noFix: true });
  });
});
