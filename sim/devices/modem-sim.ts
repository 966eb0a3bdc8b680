/**
 * A simulated NB-IoT modem on a UART: answers AT like the chosen model (BC660K, BC95, SIM7020), registers as the
 * world's coverage allows, carries datagrams to the server and brings replies back while the radio is connected.
 *
 * States: unpowered | hung (a modem-hang fault: AT goes unanswered until its end or a power cycle) | running
 *   (radio states in modem-sim-radio.ts).
 * Inputs: bytes from the firmware, the power enable, world faults (modem-hang, modem-reboot), coverage edges,
 *   cut() for a power cut, and the misbehaviour a fault campaign asks for (ModemFaults: line noise, answers a byte
 *   at a time, CME storms, no SIM).
 * Outputs: answers and URCs on the UART, datagrams to the server, charge on the meter's "modem" component,
 *   counters.
 */
import { ascii } from "../../firmware/core/bytes";
import { answer, ceregBody, type SimModemCore, type SimSocket } from "./modem-sim-commands";
import { crlf, DIALECTS, type Dialect } from "./modem-sim-dialect";
import { SimRadio, type UplinkRelease } from "./modem-sim-radio";
import type { DatagramServer } from "../world/network";
import type { PowerMeter } from "../report/power-meter";
import type { Rng } from "../world/rng";
import type { Scheduler } from "../world/scheduler";
import type { Coverage, ModemModel } from "../world/trace-types";
import type { SimModule, SimUart } from "./uart";
import type { World } from "../world/world";

export interface SimModemOptions {
  sched: Scheduler;
  world: World;
  meter: PowerMeter;
  rng: Rng;
  model: ModemModel;
  server: DatagramServer;
  /** Share of commands (other than plain AT) answered with ERROR / +CME ERROR; default 0.005. */
  errorRate?: number;
  /** One-way network latency of a downlink in good coverage, ms (×modem_ce2_factor in poor). */
  latencyMs?: number;
  /** Misbehaviour a fault campaign asks for (none by default). */
  faults?: ModemFaults;
}

/** Modem misbehaviour beyond the trace's hangs and reboots; windows are [from, to) in trace seconds. */
export interface ModemFaults {
  /** Share of answers and URCs followed by line noise (bytes a UART makes of glitches: no CR or LF in them). */
  garbage?: number;
  /** Every answer reaches the firmware one byte per chunk: every split point of every reply. */
  byteByByte?: boolean;
  /** Every command but a plain AT answered with +CME ERROR (ERROR on models that do not use CME). */
  cmeWindows?: readonly (readonly [number, number])[];
  /** The SIM is missing: no network, and the SIM's own commands fail with +CME ERROR: 10. */
  noSimWindows?: readonly (readonly [number, number])[];
}

const inWindow = (ws: readonly (readonly [number, number])[] | undefined, s: number) => !!ws && ws.some(([a, b]) => s >= a && s < b);
const CME_CODES = Object.freeze([3, 4, 10, 13, 14, 30, 50, 100, 159, 4001]);

export interface SimModemCounters {
  commands: number;
  uplinks: number;
  uplinkBytes: number;
  downlinks: number;
  downlinksLost: number; // replies that found the radio window closed
  resets: number; // boots seen: power-ons, reboots, AT+NRB
  errorsInjected: number;
  ignored: number; // bytes lost to a hang, a boot or a PSM wake-up
}

/** Time from a command's CR to the first byte of its answer. */
const ANSWER_MS = 20;
const MAX_LINE = 4096;
const T3324_UNITS = Object.freeze([2, 60, 360]);

export class SimModem implements SimModule, SimModemCore {
  readonly dialect: Dialect;
  readonly radio: SimRadio;
  echo = true;
  ceregMode = 0;
  nsonmi = 1;
  rai = 0;
  tauBits = "11100000";
  activeBits = "11100000";
  readonly sockets = new Map<number, SimSocket>();
  readonly counters: SimModemCounters = {
    commands: 0, uplinks: 0, uplinkBytes: 0, downlinks: 0, downlinksLost: 0, resets: 0, errorsInjected: 0, ignored: 0,
  };
  private uart: SimUart | undefined;
  private powered = false;
  private hungUntil = -1;
  private line = "";
  private gen = 0;
  private readonly errorRate: number;

  constructor(private readonly o: SimModemOptions) {
    this.dialect = DIALECTS[o.model];
    this.errorRate = o.errorRate ?? 0.005;
    this.radio = new SimRadio(o.sched, o.world, o.meter, (stat) => this.onStat(stat));
  }

  /** Connects to the UART and arms the world's faults and coverage edges. */
  attach(uart: SimUart): void {
    this.uart = uart;
    const { sched, world } = this.o;
    for (const f of world.trace.faults) {
      if (f.kind === "modem-hang") sched.at(f.t * 1000, () => this.hang((f.t + f.for) * 1000));
      if (f.kind === "modem-reboot") sched.at(f.t * 1000, () => this.reboot());
    }
    for (const e of world.edges(world.trace.network, "good" as Coverage)) sched.at(e.t * 1000, () => this.radio.onCoverage(this.radio.coverage()));
    for (const [a, b] of this.o.faults?.noSimWindows ?? []) {
      sched.at(a * 1000, () => this.simPresent(false));
      sched.at(b * 1000, () => this.simPresent(true));
    }
    if (uart.powered) this.setPower(true);
  }

  fromHost(bytes: Uint8Array): void {
    if (!this.powered) return;
    if (this.o.sched.now < this.hungUntil || !this.radio.touch()) {
      this.counters.ignored += bytes.length;
      return;
    }
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === 13 || c === 10) {
        if (this.line !== "") this.command(this.line);
        this.line = "";
      } else if (this.line.length < MAX_LINE) this.line += String.fromCharCode(c);
    }
  }

  setPower(on: boolean): void {
    if (on === this.powered) return;
    this.powered = on;
    this.forget();
    this.hungUntil = -1; // a power cycle clears a hung firmware
    if (on) this.boot();
    else this.radio.powerOff();
  }

  /** Power cut: supply and every volatile setting gone at once. */
  cut(): void {
    this.powered = false;
    this.hungUntil = -1;
    this.forget();
    this.radio.powerOff();
  }

  /** The modem restarts on its own (fault or AT+NRB): boot lines, sockets and registration lost. */
  reboot(): void {
    if (!this.powered) return;
    this.forget();
    this.boot();
  }

  // --- SimModemCore ---

  stat(): number {
    return this.radio.stat;
  }

  coverage(): Coverage {
    return this.radio.coverage();
  }

  canSend(): boolean {
    return this.radio.canSend();
  }

  setPsm(enabled: boolean, tauBits: string, activeBits: string): void {
    this.tauBits = tauBits;
    this.activeBits = activeBits;
    const unit = parseInt(activeBits.slice(0, 3), 2);
    const active = unit === 7 ? -1 : (T3324_UNITS[unit] ?? 60) * parseInt(activeBits.slice(3), 2);
    this.radio.psmEnabled = enabled && active >= 0;
    this.radio.activeMs = Math.max(0, active) * 1000;
  }

  uplink(socket: number, peer: { ip: string; port: number }, bytes: Uint8Array, release: UplinkRelease, seq: number): void {
    const g = this.gen;
    this.radio.transmit(release, (ok) => {
      if (g !== this.gen) return;
      if (seq > 0) this.urc(`+NSOSTR:${this.dialect.sp}${socket},${seq},${ok ? 1 : 0}`);
      if (!ok) return;
      const now = this.o.sched.now;
      this.counters.uplinks++;
      this.counters.uplinkBytes += bytes.length;
      const replies = this.o.server.receive(bytes.slice(), now);
      const latency = (this.o.latencyMs ?? 400) * this.radio.factor();
      for (const r of replies) this.o.sched.at(now + latency, () => this.downlink(g, socket, peer, r));
    });
  }

  // --- internals ---

  private command(line: string): void {
    this.counters.commands++;
    let out = this.echo ? `${line}\r` : "";
    const plain = line.toUpperCase() === "AT";
    const at = this.o.sched.now / 1000;
    const simCmd = /^AT\+(CCID|QCCID|NCCID|CPIN|CIMI)/i.test(line);
    if (!plain && (inWindow(this.o.faults?.cmeWindows, at) || (simCmd && this.radio.noSim))) {
      this.counters.errorsInjected++;
      const code = simCmd && this.radio.noSim ? 10 : CME_CODES[this.o.rng.int(0, CME_CODES.length - 1)];
      out += this.dialect.cmeOnError ? crlf(`+CME ERROR: ${code}`) : crlf("ERROR");
    } else if (!plain && this.errorRate > 0 && this.o.rng.chance(this.errorRate)) {
      this.counters.errorsInjected++;
      out += this.dialect.cmeOnError && this.o.rng.chance(0.5) ? crlf("+CME ERROR: 3") : crlf("ERROR");
    } else out += answer(this, line);
    this.send(out, ANSWER_MS);
  }

  private downlink(g: number, socket: number, peer: { ip: string; port: number }, bytes: Uint8Array): void {
    if (g !== this.gen || !this.radio.windowOpen() || !this.sockets.has(socket)) {
      this.counters.downlinksLost++;
      return;
    }
    this.counters.downlinks++;
    let hex = "";
    for (let i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16).toUpperCase();
    const sp = this.dialect.sp;
    if (this.dialect.sockets === "cso") this.urc(`+CSONMI: ${socket},${hex.length},${hex}`);
    else if (this.nsonmi === 2) this.urc(`+NSONMI:${sp}${socket},${peer.ip},${peer.port},${bytes.length},${hex}`);
    else this.urc(`+NSONMI:${sp}${socket},${bytes.length}`); // buffered for AT+NSORF, which the link never uses
    this.radio.downlinkDelivered();
  }

  private hang(until: number): void {
    if (this.powered) this.hungUntil = Math.max(this.hungUntil, until);
  }

  private boot(): void {
    this.counters.resets++;
    this.radio.reboot(() => this.send(this.dialect.boot.map(crlf).join(""), 0));
  }

  private forget(): void {
    this.gen++;
    this.sockets.clear();
    this.echo = true;
    this.ceregMode = 0;
    this.nsonmi = 1;
    this.rai = 0;
    this.line = "";
    this.tauBits = "11100000";
    this.activeBits = "11100000";
  }

  private onStat(_stat: number): void {
    if (this.ceregMode > 0) this.urc(`+CEREG:${this.dialect.sp}${ceregBody(this)}`);
  }

  private urc(line: string): void {
    this.send(crlf(line), 0);
  }

  private send(text: string, delay: number): void {
    if (!this.uart || !this.powered || this.o.sched.now < this.hungUntil) return;
    const f = this.o.faults;
    let bytes = ascii(text);
    if (f?.garbage && this.o.rng.chance(f.garbage)) {
      const noise = new Uint8Array(this.o.rng.int(1, 16));
      for (let i = 0; i < noise.length; i++) {
        const b = this.o.rng.int(0, 255);
        noise[i] = b === 13 || b === 10 ? 0 : b;
      }
      const out = new Uint8Array(bytes.length + noise.length);
      out.set(bytes);
      out.set(noise, bytes.length);
      bytes = out;
    }
    const at = this.o.sched.now + delay;
    if (f?.byteByByte) for (let i = 0; i < bytes.length; i++) this.uart.toHost(bytes.subarray(i, i + 1), at);
    else this.uart.toHost(bytes, at);
  }

  /** The SIM taken out or put back: registration follows (a modem re-reads a SIM only at boot, so a reboot). */
  private simPresent(present: boolean): void {
    this.radio.noSim = !present;
    this.radio.onCoverage(this.radio.coverage());
  }
}
