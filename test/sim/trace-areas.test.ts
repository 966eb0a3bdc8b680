/** The trace's area commands: read into areas with their attribute bits, and one clear line per bad field. */
import { describe, expect, it } from "vitest";
import { validateTrace } from "../../sim/world/trace-loader";

const base = { start: "2026-07-01T06:00:00+08:00", duration: 3600, device: { id: "13800138000" }, route: [{ t: 0, lat: 39.9, lon: 116.4 }] };
const load = (downlinks: unknown[]) => validateTrace({ ...base, downlinks });
const error = (downlinks: unknown[]) => {
  try {
    load(downlinks);
    return "";
  } catch (e) {
    return (e as Error).message;
  }
};

describe("trace area commands", () => {
  it("reads circles with a daily window and a limit, rectangles, polygons and deletes", () => {
    const t = load([
      { t: 10, message: "set-areas", shape: "circle", action: "append", areas: [{ id: 1, lat: 39.5, lon: 116.5, radius_m: 300, start: "08:30:00", end: "18:00:00", max_kmh: 40, over_s: 5, alarms: "in" }] },
      { t: 20, message: "set-areas", shape: "rectangle", areas: [{ id: 2, north: 39.6, west: 116.4, south: 39.5, east: 116.5 }] },
      { t: 30, message: "set-areas", shape: "polygon", areas: [{ id: 3, points: [[39.5, 116.5], [39.6, 116.5], [39.6, 116.6]], start: "2026-07-01T08:00:00+08:00", end: "2026-07-01T09:00:00Z", alarms: "none" }] },
      { t: 40, message: "delete-areas", shape: "circle", ids: [1] },
      { t: 50, message: "delete-areas", shape: "polygon" },
    ]);
    const [c, r, p, d, all] = t.downlinks.map((x) => x.area!);
    expect(c).toMatchObject({ shape: "circle", action: "append", areas: [{ type: 1, id: 1, attr: 8, radiusM: 300, window: { start: [0, 0, 0, 8, 30, 0] }, speed: { maxKmh: 40, forS: 5 } }] });
    expect(r.areas![0]).toMatchObject({ type: 2, attr: 40, nw: { lat: 39.6, lon: 116.4 }, se: { lat: 39.5, lon: 116.5 } });
    expect(p.areas![0]).toMatchObject({ type: 3, attr: 0, window: { start: [26, 7, 1, 8, 0, 0], end: [26, 7, 1, 17, 0, 0] } });
    expect([d.areaIds, all.areaIds]).toEqual([[1], []]);
  });

  it("names the bad field", () => {
    expect(error([{ t: 1, message: "set-areas", shape: "hexagon", areas: [] }])).toBe("downlinks[0].shape: must be one of circle, rectangle, polygon");
    expect(error([{ t: 1, message: "set-areas", shape: "circle", areas: [{ id: 1, lat: 39, radius_m: 5 }] }])).toBe("downlinks[0].areas[0].lon: must be a number");
    expect(error([{ t: 1, message: "set-areas", shape: "circle", action: "merge", areas: [{ id: 1 }] }])).toBe("downlinks[0].action: must be one of update, append, modify");
    expect(error([{ t: 1, message: "set-areas", shape: "polygon", areas: [{ id: 1, points: [] }, { id: 2, points: [] }] }])).toBe("downlinks[0].areas: a polygon message carries exactly one polygon");
    expect(error([{ t: 1, message: "set-areas", shape: "circle", areas: [{ id: 1, lat: 1, lon: 1, radius_m: 1, start: "8h" }] }])).toBe('downlinks[0].areas[0].start: must be "hh:mm:ss" or an ISO 8601 time');
    expect(error([{ t: 1, message: "delete-areas", shape: "circle", ids: [-1] }])).toBe("downlinks[0].ids[0]: must be an integer 0..4294967295");
  });

  it("still reads the other downlinks as before", () => {
    expect(load([{ t: 1, message: "set-params", params: { "0x0029": 60 } }, { t: 2, message: "query-location" }]).downlinks.map((d) => d.area)).toEqual([undefined, undefined]);
  });
});
