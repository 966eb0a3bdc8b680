// A simulated GNSS receiver on a UART with a virtual clock, for driver tests.
import type { Clock, Log, Serial } from "../../hal/ports";
import { SimGnss } from "../../sim/devices/gnss-sim";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import type { GnssModel, SkyState, Step, Trace } from "../../sim/world/trace-types";
import { SimUart } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";

export function trace(sky: Step<SkyState>[] = [], faults: Trace["faults"] = []): Trace {
  return {
    name: "t",
    start: "2026-08-05T05:00:00Z",
    startUtcMs: Date.parse("2026-08-05T05:00:00Z"),
    duration: 86400,
    seed: 1,
    device: { id: "1", gnss: "atgm336h", modem: "bc660k", rdss: "none", probes: [], battery: { chemistry: "x", capacity_mAh: 1 } },
    config: {},
    power: {},
    route: [
      { t: 0, lat: 39.9, lon: 116.4, alt: 50 },
      { t: 36000, lat: 39.1, lon: 117.2, alt: 5 },
    ],
    sky,
    network: [],
    rdssSky: [],
    temperature: {},
    door: [],
    ignition: [],
    supply: [],
    faults,
  downlinks: [],
  };
}

export function rig(model: GnssModel, tr = trace(), chunk?: { rng: Rng; max: number }) {
  const sched = new Scheduler();
  const meter = new PowerMeter(sched, powerTable());
  const world = new World(tr);
  const gnss = new SimGnss({ sched, world, meter, rng: new Rng(42), model });
  const uart = new SimUart(sched, gnss);
  gnss.attach(uart);
  let alive = true;
  const clock: Clock = {
    now: () => sched.now,
    wallTime: () => undefined,
    setWallTime: () => {},
    at: (t, fn) => sched.at(t, fn),
    cancel: (id) => sched.cancel(id),
  };
  const logs: string[] = [];
  const log: Log = { log: (level, msg) => logs.push(`${level} ${msg}`) };
  const bind = (): Serial => {
    alive = true;
    const s = uart.bind(() => alive);
    if (!chunk) return s;
    // Re-deliver every chunk in pieces of 1..max bytes, as a slow UART driver would.
    return {
      ...s,
      onReceive: (fn) =>
        s.onReceive((c) => {
          for (let i = 0; i < c.length; ) {
            const n = chunk.rng.int(1, chunk.max);
            fn(c.subarray(i, i + n));
            i += n;
          }
        }),
    };
  };
  const sleep = () => {
    alive = false;
    uart.unbind();
  };
  return { sched, meter, world, gnss, uart, clock, log, logs, bind, sleep };
}
