/**
 * The two-customer trip with areas set from the platform mid-trip, judged by what reached the fleet server: every
 * entry and exit of each customer's area arrives as an alarm naming the area, each caught within one report
 * interval of the real crossing; the refused message changed nothing; platform and terminal agree on what is held;
 * the areas survive power cuts; and areas far from the route cost no fix at all.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { simulate, type SimResult } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";
import { events } from "./trip-log";

/** The trace file as written, to vary before loading it as a trace file would be. */
const raw = (): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL("../../sim/traces/two-customers-areas.json", import.meta.url), "utf8")) as Record<string, unknown>;

const REP_MOVING_S = 300; // the default moving report interval (the trip does not change it)

describe("two customers with areas from the platform (two-customers-areas)", () => {
  let r: SimResult;
  beforeAll(() => {
    r = simulate(validateTrace(raw()));
  });

  const crossings = (res: SimResult, area: string) =>
    res.summary.areas.events.filter((e) => e.area === area && /enter|exit/.test(e.event)).map((e) => e.event);

  it("reports every entry and exit of both customers' areas, in order, as delivered alarms", () => {
    expect(crossings(r, "circle 101")).toEqual(["area-enter", "area-exit"]);
    expect(crossings(r, "circle 102")).toEqual(["area-enter", "area-exit"]);
    expect(crossings(r, "polygon 301")).toEqual(["area-enter", "area-exit"]);
    expect(crossings(r, "rectangle 201")).toEqual(["area-enter"]); // back at the depot at the end of the day
    const a = r.summary.areas;
    expect(a.events.filter((e) => e.event === "area-dwell").map((e) => e.area)).toContain("circle 102"); // 50 min > 40
    expect(a.events.filter((e) => e.event === "area-dwell").map((e) => e.area)).not.toContain("circle 101"); // 25 min
    // into (and out of) the logistics park at 75 km/h, limit 30: every overspeed raised is cleared again
    expect(a.speed_alarms).toBeGreaterThanOrEqual(1);
    const speed = a.events.filter((e) => e.event.startsWith("area-speed")).map((e) => e.event);
    expect(speed).toEqual(speed.map((_, i) => (i % 2 === 0 ? "area-speed" : "area-speed-cleared")));
    expect(r.summary.records_lost).toBe(0);
    expect(r.summary.alarms_delivered).toBe(r.summary.alarms_raised);
  });

  it("catches each crossing within one report interval of the truth", () => {
    expect(r.summary.areas.worst_delay_s).not.toBeNull();
    expect(r.summary.areas.worst_delay_s!).toBeLessThanOrEqual(REP_MOVING_S);
  });

  it("refuses the set with a bad radius whole (result 2) and agrees with the platform on what is held", () => {
    expect(r.server.areas.changes.map((c) => [c.msgId.toString(16), c.result])).toEqual([
      ["8600", 0],
      ["8600", 2],
      ["8602", 0],
      ["8604", 0],
      ["8601", 0],
    ]);
    expect(r.server.areas.held.map((x) => `${x.type}:${x.id}`).sort()).toEqual(["1:102", "2:201", "3:301"]);
    // what the terminal persisted after each accepted message: 2 circles, + rectangle, + polygon, - circle 101
    expect(events(r.transcript).filter((e) => e.name === "areas-change").map((e) => Number(e.f.count))).toEqual([2, 3, 4, 3]);
  });

  it("positions exactly as without areas when every area is far from the route", () => {
    const t = raw();
    const far = { t: 600, message: "set-areas", shape: "circle", areas: [{ id: 9, lat: 31.2304, lon: 121.4737, radius_m: 2000 }] };
    const none = simulate(validateTrace({ ...t, downlinks: [] }));
    const away = simulate(validateTrace({ ...t, downlinks: [far] }));
    expect(away.summary.areas.held).toBe(1);
    expect(away.summary.fixes).toBe(none.summary.fixes);
    expect(events(away.transcript).filter((e) => e.name === "area-check")).toEqual([]);
    expect(away.summary.areas.events).toEqual([]);
  });

  it("keeps areas and the inside state across power cuts (both live in NVS)", () => {
    const t = raw();
    const cuts = Array.from({ length: 40 }, (_, k) => ({ t: 3600 + k * 600 + 17, kind: "power-cut", for: 3 }));
    const storm = simulate(validateTrace({ ...t, faults: cuts }));
    expect(storm.summary.records_lost).toBe(0);
    expect(crossings(storm, "circle 102")).toEqual(["area-enter", "area-exit"]);
    expect(crossings(storm, "polygon 301")).toEqual(["area-enter", "area-exit"]);
  });
});
