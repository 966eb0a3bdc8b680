/** Shared fixtures for the cold-chain tests: a World from a few trace fields and a Clock on the sim scheduler. */
import type { Clock } from "../../hal/ports";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import type { Trace } from "../../sim/world/trace-types";
import { World } from "../../sim/world/world";

export function makeTrace(over: Partial<Trace> = {}): Trace {
  return {
    name: "test",
    start: "2026-01-01T00:00:00Z",
    startUtcMs: Date.UTC(2026, 0, 1),
    duration: 86400,
    seed: 7,
    device: {
      id: "test",
      gnss: "atgm336h",
      modem: "bc660k",
      rdss: "none",
      probes: ["front", "rear"],
      battery: { chemistry: "li-socl2", capacity_mAh: 19000 },
    },
    config: {},
    power: {},
    route: [{ t: 0, lat: 39.9, lon: 116.4, alt: 50 }],
    sky: [],
    network: [],
    rdssSky: [],
    temperature: { front: [{ t: 0, c: 4.0 }], rear: [{ t: 0, c: -18.0 }] },
    door: [],
    ignition: [],
    supply: [],
    faults: [],
    downlinks: [],
    ...over,
  };
}

export function simClock(sched: Scheduler): Clock {
  let wall: number | undefined;
  return {
    now: () => sched.now,
    wallTime: () => wall,
    setWallTime: (ms) => {
      wall = ms;
    },
    at: (deadline, fn) => sched.at(deadline, fn),
    cancel: (id) => sched.cancel(id),
  };
}

export function simRig(over: Partial<Trace> = {}, seed = 7) {
  const trace = makeTrace(over);
  const sched = new Scheduler();
  const world = new World(trace);
  const meter = new PowerMeter(sched, powerTable());
  const rng = new Rng(seed);
  return { trace, sched, world, meter, rng, clock: simClock(sched), probes: trace.device.probes };
}
