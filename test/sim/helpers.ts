/** Builds a simulated device around any firmware entry, for runner-level tests. */
import type { Ports } from "../../hal/ports";
import { DeviceRunner } from "../../sim/devices/device-runner";
import { SimFlash } from "../../sim/devices/flash-sim";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { SimRetained } from "../../sim/devices/retained-sim";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import { SimSettings } from "../../sim/devices/settings-sim";
import { validateTrace } from "../../sim/world/trace-loader";
import { SimUart, type SimModule } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";

export const silent: SimModule = { fromHost() {}, setPower() {} };

export function minimalTrace(extra: Record<string, unknown> = {}) {
  return validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: 3600,
    device: { id: "13800138000" },
    route: [{ t: 0, lat: 39.9, lon: 116.4 }],
    ...extra,
  });
}

export function rig(boot: (ports: Ports) => void, extra: Record<string, unknown> = {}) {
  const trace = minimalTrace(extra);
  const sched = new Scheduler();
  const world = new World(trace);
  const meter = new PowerMeter(sched, powerTable());
  const rng = new Rng(trace.seed);
  const flash = new SimFlash(512, 4);
  const retained = new SimRetained();
  const settings = new SimSettings();
  const logs: string[] = [];
  const runner = new DeviceRunner({
    sched,
    world,
    meter,
    rng,
    flash,
    retained,
    settings,
    gnss: new SimUart(sched, silent),
    modem: new SimUart(sched, silent),
    boot,
    onLog: (t, level, msg) => logs.push(`${t} ${level} ${msg}`),
  });
  return { trace, sched, world, meter, flash, retained, settings, runner, logs };
}
