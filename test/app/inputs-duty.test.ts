/**
 * The inputs duty in the wake cycle: door and ignition edges (with the switch bounce the device runner adds) while
 * the device sleeps deeply, while it light-sleeps on truck power, and the supply.
 */
import { describe, expect, it } from "vitest";
import type { App } from "../../firmware/app/app";
import type { Duty } from "../../firmware/app/duty";
import { coldRig } from "./coldchain-rig";

const brief = (r: { detail?: { code: string; raised: boolean } }) => `${r.detail!.code} ${r.detail!.raised ? "raised" : "cleared"}`;

describe("door", () => {
  it("makes one record per edge, stamped with the time the door moved, also for edges that wake the device", () => {
    const edges = [600, 700, 1800.5, 1830];
    const r = coldRig({
      hours: 1,
      trace: { door: [{ t: 0, state: "closed" }, ...edges.map((t, i) => ({ t, state: i % 2 === 0 ? "open" : "closed" }))] },
    });
    r.run();
    const doors = r.records("door");
    expect(doors.length).toBe(4);
    doors.forEach((d, i) => {
      expect(Math.abs(d.mono - edges[i] * 1000)).toBeLessThan(1);
      expect(d.doorOpen).toBe(i % 2 === 0);
    });
    expect(r.runner.wakes.filter((w) => w.cause === "door").length).toBe(4);
    expect(r.records("alarm")).toEqual([]);
    expect(r.state()!.door).toBe(false);
    // The temperature records in between show the door as it was.
    const during = r.records("temperature").filter((x) => x.mono > 600_000 && x.mono < 700_000);
    for (const x of during) expect(x.doorOpen).toBe(true);
  });

  it("raises door-open-too-long once at door_alarm_s and clears it when the door closes", () => {
    const r = coldRig({
      hours: 1,
      settings: { door_alarm_s: "900" },
      trace: { door: [{ t: 0, state: "closed" }, { t: 1000, state: "open" }, { t: 3000, state: "closed" }] },
    });
    r.run();
    const alarms = r.records("alarm");
    expect(alarms.map(brief)).toEqual(["door-open-long raised", "door-open-long cleared"]);
    // The device wakes for the deadline itself, not for the next reading.
    expect(alarms[0].mono).toBeGreaterThanOrEqual(1900_000);
    expect(alarms[0].mono).toBeLessThan(1900_000 + 200);
    expect(alarms[1].detail!.durationS).toBe(2000);
    expect(alarms[0].doorOpen).toBe(true);
  });

  it("ignores a blip that is over before the device has booted", () => {
    const r = coldRig({ hours: 1, trace: { door: [{ t: 0, state: "closed" }, { t: 500, state: "open" }, { t: 500.1, state: "closed" }] } });
    r.run();
    expect(r.runner.wakes.some((w) => w.cause === "door")).toBe(true);
    expect(r.records("door")).toEqual([]);
    expect(r.state()!.door).toBe(false);
  });

  it("raises door-open-while-moving from the position duty's motion state", () => {
    // A stand-in for the position duty: the truck moves from 1000 s on.
    const motion: Duty = {
      name: "t-motion",
      phase: "sense",
      dueAt: (app: App) => (app.mod<{ kind: string }>("motion")?.kind === "moving" ? Infinity : 1000_000),
      run(app: App, done: () => void) {
        app.saveMod("motion", { kind: app.now() >= 1000_000 ? "moving" : "stopped", since: app.now() });
        done();
      },
    };
    const r = coldRig({
      hours: 1,
      duties: [motion],
      trace: { door: [{ t: 0, state: "closed" }, { t: 1500, state: "open" }, { t: 1560, state: "closed" }] },
    });
    r.run();
    expect(r.records("alarm").map(brief)).toEqual(["door-open-moving raised", "door-open-moving cleared"]);
    expect(Math.abs(r.records("alarm")[0].mono - 1500_150)).toBeLessThan(50);
  });
});

describe("ignition", () => {
  it("settles the ACC line within the wake it caused, asks for a report at once, and starts the trip", () => {
    // A stand-in for the position duty: reports when app.due("position") says so.
    const report: Duty = {
      name: "position",
      phase: "sense",
      dueAt: (app: App) => app.due("position"),
      run(app: App, done: () => void) {
        app.emit("t-report");
        app.setDue("position", Infinity);
        done();
      },
    };
    const r = coldRig({
      hours: 2,
      duties: [report],
      trace: { ignition: [{ t: 0, on: false }, { t: 1000, on: true }, { t: 5000, on: false }] },
    });
    r.run(1500_000);
    const on = r.lines("ignition-edge");
    expect(on.length).toBe(1);
    expect(Number(on[0].fields.at)).toBeCloseTo(1000_000, -1);
    // Confirmed after the 1 s settle time, in the wake the edge started.
    expect(on[0].t).toBeLessThan(1000_000 + 1300);
    expect(r.state()!.acc).toBe(true);
    expect(r.lines("trip-start").map((l) => Number(l.fields.at))).toEqual([Number(on[0].fields.at)]);
    r.sched.run(2 * 3600_000);
    const off = r.lines("ignition-edge")[1];
    expect(off.fields.level).toBe("0");
    expect(r.state()!.acc).toBe(false);
    expect(Math.abs(r.state()!.accOffAt - 5000_000)).toBeLessThan(1);
    expect(r.runner.wakes.filter((w) => w.cause === "ignition").length).toBe(2);
    // A report right after each edge (the first wake at power-on has none due).
    const reports = r.lines("t-report").map((l) => l.t / 1000);
    expect(reports.length).toBe(2);
    expect(reports[0] - 1000).toBeLessThan(3);
    expect(reports[1] - 5000).toBeLessThan(3);
  });
});

describe("on truck power (light sleep between cycles)", () => {
  it("catches edges while light-sleeping with their exact times, and notices the supply going", () => {
    const r = coldRig({
      hours: 1,
      settings: { temp_log_s: "30" },
      trace: {
        supply: [{ t: 0, source: "external" }, { t: 2000, source: "battery" }],
        door: [{ t: 0, state: "closed" }, { t: 1000.3, state: "open" }, { t: 1100.7, state: "closed" }],
      },
    });
    r.run();
    expect(r.lines("light-sleep").length).toBeGreaterThan(10);
    const doors = r.records("door");
    expect(doors.map((d) => d.doorOpen)).toEqual([true, false]);
    expect(Math.abs(doors[0].mono - 1000_300)).toBeLessThan(10);
    expect(Math.abs(doors[1].mono - 1100_700)).toBeLessThan(10);
    const lost = r.records("alarm");
    expect(lost.map(brief)).toEqual(["power-lost raised"]);
    expect(lost[0].mono - 2000_000).toBeLessThan(31_000);
    expect(lost[0].alarms & (1 << 8)).not.toBe(0);
    expect(lost[0].external).toBe(false);
  });
});
