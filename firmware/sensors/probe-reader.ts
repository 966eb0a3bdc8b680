/**
 * Reads every configured temperature probe once: DS18B20s on 1-Wire, and one SHT4x on I2C for a probe whose name
 * starts with "sht". Names come from the configuration in trace/record order; each DS18B20 name is bound to a
 * ROM id, kept in a small snapshot that lives across deep sleep.
 *
 * States: idle → converting (one deadline 750 ms after Convert T; the CPU sleeps) → [reconverting (one more
 *   deadline, only when a probe still showed its 85.0 °C power-on value)] → idle.
 * Inputs: start(), the deadline, stop().
 * Output: onResult(temps °C | null, faults | null, info) once per start(), always from a deadline callback.
 *
 * Binding: a name without a ROM takes the next unbound ROM in the port's search order (fit probes in config
 * order at installation, or set the binding with bind()). A bound probe that vanished while exactly one unknown
 * probe appeared is taken as a replacement and rebound. Other unknown ROMs are reported once, in info.unknown.
 */
import type { Clock, I2C, OneWire } from "../../hal/ports";
import { fromHex } from "../core/bytes";
import { DS18B20_CONVERT_MS, Ds18b20Bus, romHex, type Ds18b20Fault } from "./ds18b20";
import { SHT4X_MEASURE_MS, Sht4x, type Sht4xFault } from "./sht4x";

export type ProbeFault = Ds18b20Fault | Sht4xFault | "unbound";

export interface ReadInfo {
  /** Relative humidity from the SHT4x, when one was read. */
  rh?: number;
  /** ROM ids (hex) seen for the first time and bound to no name. */
  unknown: string[];
  /** Names whose probe was replaced by a new one this time. */
  rebound: string[];
}

export type ProbeResult = (temps: (number | null)[], faults: (ProbeFault | null)[], info: ReadInfo) => void;

export interface ProbeReaderState {
  bind: Record<string, string>; // probe name -> ROM hex
  unknown: string[]; // ROMs already reported as unknown
  rescan: boolean; // search the bus at the next start (a probe went missing)
}

export interface ProbeReaderOptions {
  oneWire?: OneWire;
  i2c?: I2C;
  clock: Clock;
  names: readonly string[];
  state?: ProbeReaderState;
  onResult: ProbeResult;
  /** Convert again once when a probe shows 85.0 °C (costs another 750 ms); default true. */
  reconvertPowerOn?: boolean;
}

type Phase = "idle" | "converting" | "reconverting";

const MAX_UNKNOWN = 8; // bounded snapshot even on a bus full of strangers

export function isShtName(name: string): boolean {
  return name.slice(0, 3).toLowerCase() === "sht";
}

export class ProbeReader {
  readonly bus?: Ds18b20Bus;
  readonly sht?: Sht4x;
  private readonly names: readonly string[];
  private readonly shtIndex: number;
  private state: ProbeReaderState;
  private phase: Phase = "idle";
  private timer: number | undefined;
  private temps: (number | null)[] = [];
  private faults: (ProbeFault | null)[] = [];
  private info: ReadInfo = { unknown: [], rebound: [] };
  private rereads: number[] = [];

  constructor(private readonly opts: ProbeReaderOptions) {
    this.names = opts.names.slice();
    if (opts.oneWire) this.bus = new Ds18b20Bus(opts.oneWire);
    if (opts.i2c) this.sht = new Sht4x(opts.i2c);
    this.shtIndex = this.names.findIndex(isShtName);
    this.state = restoreState(opts.state);
  }

  busy(): boolean {
    return this.phase !== "idle";
  }

  snapshot(): ProbeReaderState {
    return { bind: { ...this.state.bind }, unknown: this.state.unknown.slice(), rescan: this.state.rescan };
  }

  /** Binds a name to a ROM id (hex, 16 digits) from the platform or an installer; false if malformed. */
  bind(name: string, rom: string): boolean {
    const b = fromHex(rom);
    if (!b || b.length !== 8 || this.names.indexOf(name) < 0 || isShtName(name)) return false;
    this.assign(name, romHex(b));
    return true;
  }

  /** One ROM, one name: a ROM taken by a name leaves whichever name (maybe no longer configured) held it. */
  private assign(name: string, rom: string): void {
    for (const n of Object.keys(this.state.bind)) if (this.state.bind[n] === rom) delete this.state.bind[n];
    this.state.bind[name] = rom;
  }

  /** Starts one reading of every probe; false when one is already under way. */
  start(): boolean {
    if (this.phase !== "idle") return false;
    const n = this.names.length;
    this.temps = new Array<number | null>(n).fill(null);
    this.faults = new Array<ProbeFault | null>(n).fill(null);
    this.info = { unknown: [], rebound: [] };
    this.rereads = [];
    const ds = this.dsIndices();
    if (ds.length > 0) {
      if (!this.bus) for (const i of ds) this.faults[i] = "absent";
      else this.startDs(ds);
    }
    for (let i = 0; i < n; i++) {
      if (!isShtName(this.names[i])) continue;
      if (i !== this.shtIndex || !this.sht) this.faults[i] = "absent";
      else if (!this.sht.start()) this.faults[i] = "nack";
    }
    this.phase = "converting";
    const wait = ds.length > 0 && this.bus ? DS18B20_CONVERT_MS : SHT4X_MEASURE_MS;
    this.timer = this.opts.clock.at(this.opts.clock.now() + wait, () => this.collect());
    return true;
  }

  /** Abandons a reading in progress (the wake is ending); no result is reported. */
  stop(): void {
    if (this.timer !== undefined) this.opts.clock.cancel(this.timer);
    this.timer = undefined;
    this.phase = "idle";
  }

  private dsIndices(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.names.length; i++) if (!isShtName(this.names[i])) out.push(i);
    return out;
  }

  private startDs(ds: number[]): void {
    const bus = this.bus!;
    const unbound = ds.some((i) => this.state.bind[this.names[i]] === undefined);
    if (unbound || this.state.rescan) this.scan(bus, ds);
    if (!bus.convertAll()) {
      for (const i of ds) this.faults[i] = "absent";
      this.state.rescan = true;
      return;
    }
    for (const i of ds) if (this.state.bind[this.names[i]] === undefined) this.faults[i] = "unbound";
  }

  private scan(bus: Ds18b20Bus, ds: number[]): void {
    const found = bus.search().map(romHex);
    this.state.rescan = false;
    const bound = new Set<string>();
    for (const i of ds) {
      const rom = this.state.bind[this.names[i]];
      if (rom !== undefined) bound.add(rom);
    }
    const fresh = found.filter((r) => !bound.has(r));
    const missing = ds.filter((i) => {
      const rom = this.state.bind[this.names[i]];
      return rom !== undefined && found.indexOf(rom) < 0;
    });
    const unbound = ds.filter((i) => this.state.bind[this.names[i]] === undefined);
    for (const i of unbound) {
      const rom = fresh.shift();
      if (rom === undefined) break;
      this.assign(this.names[i], rom);
    }
    if (missing.length === 1 && fresh.length === 1) {
      this.assign(this.names[missing[0]], fresh.shift()!);
      this.info.rebound.push(this.names[missing[0]]);
    }
    if (missing.length > 0) this.state.rescan = true;
    for (const rom of fresh) {
      if (this.state.unknown.indexOf(rom) >= 0) continue;
      this.info.unknown.push(rom);
      this.state.unknown.push(rom);
      if (this.state.unknown.length > MAX_UNKNOWN) this.state.unknown.shift();
    }
    // A ROM bound since it was first reported is no longer a stranger.
    const all = new Set(Object.keys(this.state.bind).map((k) => this.state.bind[k]));
    this.state.unknown = this.state.unknown.filter((r) => !all.has(r));
  }

  private collect(): void {
    this.timer = undefined;
    const again = this.phase === "converting" ? this.readDs() : this.rereadDs();
    if (this.phase === "converting" && this.shtIndex >= 0 && this.sht && this.faults[this.shtIndex] === null) {
      const r = this.sht.read();
      if (r.ok) {
        this.temps[this.shtIndex] = r.celsius;
        this.info.rh = r.rh;
      } else this.faults[this.shtIndex] = r.fault;
    }
    if (again.length > 0 && this.phase === "converting" && this.opts.reconvertPowerOn !== false) {
      this.rereads = [];
      for (const i of again) if (this.bus!.convertOne(this.rom(i)!)) this.rereads.push(i);
      if (this.rereads.length > 0) {
        this.phase = "reconverting";
        this.timer = this.opts.clock.at(this.opts.clock.now() + DS18B20_CONVERT_MS, () => this.collect());
        return;
      }
    }
    this.phase = "idle";
    this.opts.onResult(this.temps, this.faults, this.info);
  }

  /** Reads every bound probe; returns the probes still showing their power-on value. */
  private readDs(): number[] {
    if (!this.bus) return [];
    const again: number[] = [];
    for (const i of this.dsIndices()) {
      if (this.faults[i] !== null) continue;
      if (this.readOne(i) === "power-on") again.push(i);
    }
    return again;
  }

  private rereadDs(): number[] {
    for (const i of this.rereads) this.readOne(i);
    return [];
  }

  private readOne(i: number): ProbeFault | null {
    const rom = this.rom(i);
    if (!rom) {
      this.faults[i] = "unbound";
      return "unbound";
    }
    const r = this.bus!.read(rom);
    if (r.ok) {
      this.temps[i] = r.celsius;
      this.faults[i] = null;
      return null;
    }
    this.faults[i] = r.fault;
    if (r.fault === "absent" || r.fault === "open") this.state.rescan = true;
    return r.fault;
  }

  private rom(i: number): Uint8Array | undefined {
    const hex = this.state.bind[this.names[i]];
    return hex === undefined ? undefined : fromHex(hex);
  }
}

function restoreState(s: ProbeReaderState | undefined): ProbeReaderState {
  const out: ProbeReaderState = { bind: {}, unknown: [], rescan: false };
  if (!s || typeof s !== "object") return out;
  if (s.bind && typeof s.bind === "object") {
    for (const k of Object.keys(s.bind)) {
      const v = s.bind[k];
      if (typeof v === "string" && fromHex(v)?.length === 8) out.bind[k] = v.toLowerCase();
    }
  }
  if (Array.isArray(s.unknown)) out.unknown = s.unknown.filter((r) => typeof r === "string").slice(-MAX_UNKNOWN);
  out.rescan = s.rescan === true;
  return out;
}
