/**
 * A simulated tracker for wake-cycle tests of the inputs and cold-chain duties: the device runner (a fresh firmware
 * per wake) with the trace's probes on a simulated 1-Wire bus (and an SHT4x on I2C for "sht…" names), door,
 * ignition and supply from the trace, and no radio: records stay in the flash, where the tests read them.
 */
import type { Duty } from "../../firmware/app/duty";
import { coldchainDuty } from "../../firmware/app/coldchain-duty";
import { inputsDuty } from "../../firmware/app/inputs-duty";
import { WakeCycle } from "../../firmware/app/wake-cycle";
import type { AppState } from "../../firmware/app/app-state";
import { parseEvent } from "../../firmware/core/events";
import { RecordLog } from "../../firmware/store/record-log";
import { decodeRetained } from "../../firmware/store/retained-state";
import type { TrackRecord } from "../../firmware/store/track-record";
import { DeviceRunner } from "../../sim/devices/device-runner";
import { SimFlash } from "../../sim/devices/flash-sim";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { SimRetained } from "../../sim/devices/retained-sim";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import { SimI2C, SimOneWire } from "../../sim/devices/sensors-sim";
import { SimSettings } from "../../sim/devices/settings-sim";
import { validateTrace } from "../../sim/world/trace-loader";
import { SimUart, type SimModule } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";

const silent: SimModule = { fromHost() {}, setPower() {} };

export interface ColdRigOptions {
  hours: number;
  probes?: string[];
  settings?: Record<string, string>;
  /** Trace fields: temperature, door, ignition, supply, faults... */
  trace?: Record<string, unknown>;
  /** Extra duties after inputs and coldchain. */
  duties?: Duty[];
}

export interface LogLine {
  t: number;
  name: string;
  fields: Record<string, string>;
}

export function coldRig(o: ColdRigOptions) {
  const probes = o.probes ?? ["front", "rear"];
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: o.hours * 3600,
    device: { id: "13800138000", probes },
    route: [{ t: 0, lat: 39.9, lon: 116.4 }],
    ...(o.trace ?? {}),
  });
  const sched = new Scheduler();
  const world = new World(trace);
  const meter = new PowerMeter(sched, powerTable());
  const rng = new Rng(trace.seed);
  const sensors = { sched, world, meter, rng: rng.fork("probes"), probes };
  const flash = new SimFlash(4096, 16);
  const retained = new SimRetained(4096);
  const settings = new SimSettings({ probes: probes.join(","), ...(o.settings ?? {}) });
  const logs: LogLine[] = [];
  const duties: Duty[] = [inputsDuty, coldchainDuty, ...(o.duties ?? [])];
  const runner = new DeviceRunner({
    sched,
    world,
    meter,
    rng: rng.fork("runner"),
    flash,
    retained,
    settings,
    gnss: new SimUart(sched, silent),
    modem: new SimUart(sched, silent),
    oneWire: new SimOneWire(sensors),
    i2c: probes.some((p) => p.toLowerCase().startsWith("sht")) ? new SimI2C(sensors) : undefined,
    boot: (ports) => new WakeCycle(ports, duties).start(),
    onLog: (t, _level, msg) => {
      const ev = parseEvent(msg);
      if (ev) logs.push({ t, name: ev.name, fields: ev.fields });
    },
  });
  const end = o.hours * 3600_000;
  return {
    trace,
    sched,
    meter,
    runner,
    retained,
    logs,
    run(until = end) {
      runner.start(end);
      sched.run(until);
    },
    /** Event lines of one name. */
    lines: (name: string) => logs.filter((l) => l.name === name),
    /** Every record in the flash (nothing is delivered in this rig). */
    records: (kind?: TrackRecord["kind"]): TrackRecord[] =>
      RecordLog.open(flash)
        .peek(100_000)
        .filter((r) => kind === undefined || r.kind === kind),
    /** The state the next boot would restore. */
    state: () => decodeRetained(retained.load()) as AppState | undefined,
  };
}

/** Gaps between consecutive times, in s. */
export function gapsS(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => (t - times[i]) / 1000);
}
