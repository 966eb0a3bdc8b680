import { describe, expect, it } from "vitest";
import type { Ports } from "../../hal/ports";
import { Rng } from "../../sim/world/rng";
import { rig } from "./helpers";

/** A firmware that counts its wakes twice: in a JS object field, and in retained bytes. */
class Counter {
  field = 0;
  constructor(private readonly ports: Ports) {}
  run(seen: { field: number; retained: number; cause: string }[]): void {
    this.field++;
    const prev = this.ports.retained.load();
    const n = prev ? prev[0] + 1 : 1;
    this.ports.retained.save(Uint8Array.of(n));
    seen.push({ field: this.field, retained: n, cause: this.ports.power.wakeCause() });
    this.ports.power.deepSleep(this.ports.clock.now() + 600_000, ["door"]);
  }
}

describe("device runner: every wake is a boot", () => {
  it("builds a fresh firmware instance per wake: a JS field does not survive deep sleep, retained bytes do", () => {
    const seen: { field: number; retained: number; cause: string }[] = [];
    const r = rig((ports) => new Counter(ports).run(seen));
    r.runner.start(3600_000);
    r.sched.run(3600_000);
    expect(seen.length).toBe(6); // t = 0, 10, 20, 30, 40, 50 min
    expect(seen.map((s) => s.field)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(seen.map((s) => s.retained)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen[0].cause).toBe("power-on");
    expect(seen[1].cause).toBe("timer");
  });

  it("a power cut wipes retained bytes and wall time; settings and flash survive", () => {
    const seen: { field: number; retained: number; cause: string }[] = [];
    const walls: (number | undefined)[] = [];
    const r = rig(
      (ports) => {
        walls.push(ports.clock.wallTime());
        if (ports.clock.wallTime() === undefined) ports.clock.setWallTime(1_800_000_000_000);
        if (!ports.settings.get("k")) ports.settings.set("k", "kept");
        new Counter(ports).run(seen);
      },
      { faults: [{ t: 1500, kind: "power-cut", for: 5 }] },
    );
    r.runner.start(3600_000);
    r.sched.run(3600_000);
    // Wakes at 0, 600, 1200 s; cut at 1500 s; power-on at 1505 s; then every 600 s until the end.
    expect(seen.map((s) => s.retained)).toEqual([1, 2, 3, 1, 2, 3, 4]);
    expect(seen[3].cause).toBe("power-on");
    expect(walls[1]).toBeDefined();
    expect(walls[3]).toBeUndefined();
    expect(r.settings.get("k")).toBe("kept");
    expect(r.runner.powerCuts).toBe(1);
  });

  it("a door edge wakes the device only when the firmware asked for it", () => {
    const causes: string[] = [];
    const r = rig(
      (ports) => {
        causes.push(ports.power.wakeCause());
        ports.power.deepSleep(ports.clock.now() + 3_000_000, ["door"]);
      },
      {
        door: [
          { t: 100, state: "open" },
          { t: 200, state: "closed" },
        ],
        ignition: [{ t: 300, on: true }],
      },
    );
    r.runner.start(3600_000);
    r.sched.run(3600_000);
    expect(causes).toEqual(["power-on", "door", "door", "timer"]);
  });

  it("an exception escaping the firmware is a crash: counted, and the device restarts", () => {
    let boots = 0;
    const r = rig((ports) => {
      boots++;
      if (boots === 1) throw new Error("bug");
      ports.power.deepSleep(ports.clock.now() + 10_000_000, []);
    });
    r.runner.start(3600_000);
    r.sched.run(3600_000);
    expect(r.runner.crashes).toBe(1);
    expect(r.runner.wakes.map((w) => w.cause)).toEqual(["power-on", "restart"]);
  });

  it("a cut at a flash byte stops the firmware there: what it does after catching the cut is never seen", () => {
    let boots = 0;
    const r = rig((ports) => {
      boots++;
      ports.log.log("info", `boot ${boots}`);
      if (boots === 1) {
        r.flash.armCut(10, new Rng(1));
        try {
          ports.flash.write(0, new Uint8Array(64));
        } catch (e) {
          ports.log.log("info", `fault caught ${(e as Error).message}`); // a board never gets here
        }
      }
      ports.power.deepSleep(ports.clock.now() + 10_000_000, []);
    });
    r.runner.start(3600_000);
    r.sched.run(3600_000);
    expect(r.logs.filter((l) => / info /.test(l)).map((l) => l.split(" info ")[1])).toEqual(["boot 1", "boot 2"]);
    expect(r.runner.powerCuts).toBe(1);
    expect(r.runner.crashes).toBe(0);
  });

  it("a wake left with nothing pending is reset by the watchdog instead of draining the battery", () => {
    const r = rig(() => {
      /* forgets to sleep and arms nothing */
    });
    r.runner.start(200_000);
    r.sched.run(200_000);
    expect(r.runner.watchdogResets).toBeGreaterThanOrEqual(1);
  });

  it("charges deep sleep at the sleep current and wakes at the boot cost", () => {
    const r = rig((ports) => ports.power.deepSleep(ports.clock.now() + 10_000_000, []));
    r.runner.start(3600_000);
    r.sched.run(3600_000);
    const mcu = r.meter.byComponent().mcu;
    const t = r.meter.table;
    const expected = (t.mcu_run_mA * t.mcu_boot_s) / 3600 + (t.mcu_sleep_mA * 3600) / 3600;
    expect(mcu).toBeGreaterThan(expected * 0.99);
    expect(mcu).toBeLessThan(expected * 1.05);
  });
});
