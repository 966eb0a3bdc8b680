/** Test rig: the simulated modem on a simulated UART, the firmware's link on the other end, one virtual clock. */
import type { Clock, Log, Serial } from "../../hal/ports";
import { NbLink } from "../../firmware/modem/nb-link";
import type { LinkEvent, LinkSnapshot, LinkTimings } from "../../firmware/modem/link-types";
import { type ModemFaults, SimModem } from "../../sim/devices/modem-sim";
import type { DatagramServer } from "../../sim/world/network";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import type { Coverage, Fault, ModemModel, Step, Trace } from "../../sim/world/trace-types";
import { SimUart } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";

export function makeTrace(network: Step<Coverage>[] = [], faults: Fault[] = []): Trace {
  return {
    name: "modem-test", start: "2026-01-01T00:00:00Z", startUtcMs: Date.UTC(2026, 0, 1), duration: 86400, seed: 1,
    device: { id: "T1", gnss: "atgm336h", modem: "bc660k", rdss: "none", probes: [], battery: { chemistry: "li", capacity_mAh: 19000 } },
    config: {}, power: {}, route: [{ t: 0, lat: 39.9, lon: 116.4, alt: 40 }], sky: [], network, rdssSky: [],
    temperature: {}, door: [], ignition: [], supply: [], faults, downlinks: [],
  };
}

export function simClock(sched: Scheduler): Clock {
  return {
    now: () => sched.now,
    wallTime: () => undefined,
    setWallTime: () => {},
    at: (t, fn) => sched.at(t, fn),
    cancel: (id) => sched.cancel(id),
  };
}

/** A server that answers every datagram whose first byte is 0x7E with a 4-byte ack echoing bytes 1..3. */
export class AckServer implements DatagramServer {
  readonly got: { bytes: Uint8Array; at: number }[] = [];
  receive(bytes: Uint8Array, atMs: number): Uint8Array[] {
    this.got.push({ bytes, at: atMs });
    return bytes[0] === 0x7e ? [Uint8Array.of(0xaa, bytes[1] ?? 0, bytes[2] ?? 0, bytes[3] ?? 0)] : [];
  }
}

export interface Rig {
  sched: Scheduler;
  meter: PowerMeter;
  modem: SimModem;
  uart: SimUart;
  server: AckServer;
  events: LinkEvent[];
  logs: string[];
  /** Starts a wake: a fresh link bound to the UART, as the firmware does after every boot. */
  wake(state?: LinkSnapshot, timings?: Partial<LinkTimings>): NbLink;
  /** Ends the wake: the MCU sleeps, nobody listens on the UART. */
  sleep(): void;
  serial(): Serial;
}

export function rig(model: ModemModel, trace: Trace = makeTrace(), errorRate = 0, faults?: ModemFaults): Rig {
  const sched = new Scheduler();
  const world = new World(trace);
  const meter = new PowerMeter(sched, powerTable());
  const server = new AckServer();
  const modem = new SimModem({ sched, world, meter, rng: new Rng(7), model, server, errorRate, faults });
  const uart = new SimUart(sched, modem, false);
  modem.attach(uart);
  const events: LinkEvent[] = [];
  const logs: string[] = [];
  const log: Log = { log: (level, msg) => logs.push(`${level} ${msg}`) };
  let alive = false;
  let serial: Serial | undefined;
  return {
    sched, meter, modem, uart, server, events, logs,
    wake(state, timings) {
      alive = true;
      serial = uart.bind(() => alive);
      return new NbLink({
        serial, clock: simClock(sched), log, model, server: { ip: "10.1.2.3", port: 6808 },
        psm: { tauS: 4 * 3600, activeS: 2 }, state, timings, onEvent: (ev) => events.push(ev),
      });
    },
    sleep() {
      alive = false;
      uart.unbind();
    },
    serial: () => serial!,
  };
}

/** A frame that asks the AckServer for a reply. */
export function frame(n: number, size = 60): Uint8Array {
  const b = new Uint8Array(size);
  b[0] = 0x7e;
  b[1] = n;
  for (let i = 2; i < size; i++) b[i] = (i * 7 + n) & 0xff;
  return b;
}
