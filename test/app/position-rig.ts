/** A simulated tracker running the real wake cycle with the position duty against a simulated GNSS receiver. */
import type { Ports } from "../../hal/ports";
import { positionDuty } from "../../firmware/app/position-duty";
import { WakeCycle } from "../../firmware/app/wake-cycle";
import type { Duty } from "../../firmware/app/duty";
import { parseEvent } from "../../firmware/core/events";
import { RecordLog } from "../../firmware/store/record-log";
import type { TrackRecord } from "../../firmware/store/track-record";
import { DeviceRunner } from "../../sim/devices/device-runner";
import { SimFlash } from "../../sim/devices/flash-sim";
import { SimGnss } from "../../sim/devices/gnss-sim";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { SimRetained } from "../../sim/devices/retained-sim";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import { SimSettings } from "../../sim/devices/settings-sim";
import { validateTrace } from "../../sim/world/trace-loader";
import type { GnssModel } from "../../sim/world/trace-types";
import { SimUart, type SimModule } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";

/** 72 km/h due north-east for `hours`, route points every 10 minutes. */
export function drive(hours: number, kmh = 72) {
  const pts = [];
  const perStep = (kmh / 6) * 1000; // metres per 10 min
  for (let i = 0; i <= hours * 6; i++) {
    const d = perStep * i;
    pts.push({ t: i * 600, lat: 39.9 + (d * Math.SQRT1_2) / 111320, lon: 116.4 + (d * Math.SQRT1_2) / 85390, alt: 40 });
  }
  return pts;
}

export interface RigOptions {
  hours: number;
  model?: GnssModel;
  config?: Record<string, number>;
  trace?: Record<string, unknown>;
  duties?: Duty[];
  /** Replaces what the receiver sends before it reaches the UART (dead module, antenna faults). */
  filter?: (bytes: Uint8Array, now: number) => Uint8Array | undefined;
  /** Without a receiver on the UART at all. */
  dead?: boolean;
}

export interface Event {
  t: number;
  name: string;
  f: Record<string, string>;
}

export function positionRig(o: RigOptions) {
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: o.hours * 3600,
    device: { id: "13800138000", gnss: o.model ?? "atgm336h" },
    route: drive(o.hours),
    ...o.trace,
  });
  const sched = new Scheduler();
  const world = new World(trace);
  const meter = new PowerMeter(sched, powerTable());
  const rng = new Rng(trace.seed);
  const flash = new SimFlash(4096, 16);
  const retained = new SimRetained();
  const settings = new SimSettings();
  for (const [k, v] of Object.entries(o.config ?? {})) settings.set(k, String(v));
  const gnss = new SimGnss({ sched, world, meter, rng: new Rng(trace.seed + 1), model: trace.device.gnss });
  const silent: SimModule = { fromHost() {}, setPower() {} };
  const uart = new SimUart(sched, o.dead ? silent : gnss);
  const filter = o.filter;
  if (filter) {
    gnss.attach({
      toHost: (b: Uint8Array) => {
        const out = filter(b, sched.now);
        if (out) uart.toHost(out);
      },
    } as unknown as SimUart);
  } else gnss.attach(uart);
  const events: Event[] = [];
  const duties = [positionDuty, ...(o.duties ?? [])];
  const runner = new DeviceRunner({
    sched,
    world,
    meter,
    rng,
    flash,
    retained,
    settings,
    gnss: uart,
    modem: new SimUart(sched, silent),
    boot: (ports: Ports) => new WakeCycle(ports, duties).start(),
    onPowerCut: () => gnss.cut(),
    onLog: (t, level, msg) => {
      const e = parseEvent(msg);
      if (e) events.push({ t, name: e.name, f: e.fields });
      else if (level === "error") events.push({ t, name: "error", f: { msg } });
    },
  });
  const run = () => {
    runner.start(o.hours * 3600_000);
    sched.run(o.hours * 3600_000);
  };
  const named = (n: string) => events.filter((e) => e.name === n);
  const records = (): TrackRecord[] => RecordLog.open(flash).peek(100_000);
  return { trace, sched, world, meter, gnss, uart, runner, events, run, named, records, settings, retained };
}
