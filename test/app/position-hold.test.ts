import { describe, expect, it } from "vitest";
import { inputsDuty } from "../../firmware/app/inputs-duty";
import { positionRig } from "./position-rig";

/** An hour's drive north-east at 72 km/h, then parked where it ended for the rest of the trace. */
function driveThenPark(hours: number) {
  const route = [];
  for (let i = 0; i <= 6; i++) {
    const d = 12_000 * i;
    route.push({ t: i * 600, lat: 39.9 + (d * Math.SQRT1_2) / 111320, lon: 116.4 + (d * Math.SQRT1_2) / 85390, alt: 40 });
  }
  route.push({ t: hours * 3600, lat: route[6].lat, lon: route[6].lon, alt: 40 });
  return route;
}

const HOURS = 30;
const trace = { route: driveThenPark(HOURS), ignition: [{ t: 0, on: true }, { t: 3600, on: false }] };

function parkedRun(config: Record<string, number>, extra: Record<string, unknown> = {}) {
  const r = positionRig({
    hours: HOURS,
    trace: { ...trace, ...extra },
    config: { rep_parked_s: 3600, ...config },
    duties: [inputsDuty],
  });
  r.run();
  expect(r.runner.crashes).toBe(0);
  const parked = r.records().filter((rec) => rec.kind === "position" && rec.mono > 3700_000);
  const fixes = r.named("fix").filter((f) => f.t > 3600_000);
  return { r, parked, fixes };
}

describe("parked reports reuse the last fix", () => {
  it("with the engine off, hourly reports carry the arrival fix and its age; a fresh fix once per parked_fix_s", () => {
    const { r, parked, fixes } = parkedRun({ parked_fix_s: 43200 });
    expect(parked.length).toBeGreaterThanOrEqual(28);
    // The arrival fix (ignition off at 3600 s), which sees the truck standing (the ignition went off since the
    // last position, the speed reads low: the displacement since that position is the drive there), and then one
    // fresh fix per 12 h of parking.
    const fresh = fixes.filter((f) => f.t > 4000_000).map((f) => f.t);
    expect(fresh.length).toBe(2);
    expect(fixes[0].t).toBeLessThan(3700_000);
    expect(fresh[0] - fixes[0].t).toBeGreaterThanOrEqual(43200_000 - 120_000); // the search starts ahead of its report
    expect(fresh[1] - fresh[0]).toBeGreaterThanOrEqual(43200_000 - 120_000); // the search starts ahead of its report
    const held = parked.filter((p) => p.fix !== undefined && p.utc - p.fix.utc > 60_000);
    expect(held.length).toBeGreaterThanOrEqual(parked.length - 3);
    const end = r.world.position(HOURS * 3600);
    for (const p of parked) {
      expect(p.fix).toBeDefined();
      expect(Math.abs(p.fix!.lat - end.lat)).toBeLessThan(0.0005);
      expect(p.utc - p.fix!.utc).toBeLessThan(43200_000 + 3600_000);
    }
    expect(r.named("position-report").filter((e) => e.t > 3700_000 && e.f.fixed === "0").length).toBe(held.length);
    // No receiver left on between the fixes: about a warm start's time per fresh fix, nothing for a held report.
    const onS = r.meter.secondsIn("gnss", "on");
    expect(onS).toBeLessThan(45 + 60 * 5 + fixes.length * 45 + 120);
  });

  it("parked_fix_s = 0: every parked report takes a fix", () => {
    const { parked, fixes } = parkedRun({ parked_fix_s: 0 });
    expect(fixes.length).toBeGreaterThanOrEqual(parked.length);
    for (const p of parked) expect(p.utc - p.fix!.utc).toBeLessThan(5_000);
  });

  it("the ignition coming on ends the hold: the report it forces has a fresh fix", () => {
    const ignition = [{ t: 0, on: true }, { t: 3600, on: false }, { t: 20 * 3600, on: true }, { t: 20 * 3600 + 600, on: false }];
    const { r } = parkedRun({ parked_fix_s: 86400 }, { ignition });
    const on = r.named("ignition-edge").find((e) => e.f.level === "1" && e.t > 3700_000)!;
    const after = r.named("position-report").find((e) => e.t >= on.t)!;
    expect(after.f.fixed).toBe("1");
    expect(after.t - on.t).toBeLessThan(60_000);
    // Before it, the parked reports held the arrival fix.
    const before = r.named("position-report").filter((e) => e.t > 3700_000 + 900_000 && e.t < on.t);
    expect(before.length).toBeGreaterThan(10);
    expect(before.every((e) => e.f.fixed === "0")).toBe(true);
  });

  it("a truck still rolling with the engine off (towed) is not held: its last fix showed speed", () => {
    const r = positionRig({ hours: 3, config: { rep_parked_s: 600, parked_fix_s: 86400 } });
    r.run();
    const reports = r.named("position-report").filter((e) => e.t > 1200_000);
    expect(reports.length).toBeGreaterThan(5);
    expect(reports.every((e) => e.f.fixed === "1")).toBe(true);
  });
});
