/**
 * Simulated temperature probes: DS18B20s on a 1-Wire bus and one SHT4x on I2C, answering from the World's cargo
 * temperatures. They behave as the parts do where the firmware has to cope:
 * - ROM ids derived from the seed (family 0x28, valid CRC). The low nibble of the first serial byte carries the
 *   probe's position bit-reversed, so the 1-Wire search (lowest bit first, 0 branch first) finds the probes in
 *   config order: the installer fitted them in that order.
 * - Readings quantised to 1/16 °C after seeded noise (σ 0.05 °C); a conversion takes 750 ms, and a scratchpad
 *   read before it ends still holds the previous value.
 * - The first conversion after a power-up (start of the run, end of a power cut or of a `probe-open` fault)
 *   leaves the 85.0 °C power-on value in the scratchpad.
 * - `probe-open`: the probe neither answers the search nor drives the bus (reads are all ones); no presence pulse
 *   when it is the only one.
 * - A small rate of scratchpad reads with one bit flipped, as a noisy cable gives.
 * Charge: ds18b20_mA for ds18b20_conv_s per conversion and sht4x_J per SHT4x measurement, on "probes".
 * The SHT4x humidity is not in the trace: it reads 80 %RH with noise.
 */
import type { I2C, OneWire } from "../../hal/ports";
import { crc8Maxim, crc8Sensirion } from "../../firmware/core/crc";
import type { PowerMeter } from "../report/power-meter";
import type { Rng } from "../world/rng";
import type { Scheduler } from "../world/scheduler";
import type { World } from "../world/world";

export interface SimSensorOptions {
  sched: Scheduler;
  world: World;
  meter: PowerMeter;
  rng: Rng;
  probes: string[];
  /** Probability that one scratchpad read comes back with a flipped bit; default 0.002. */
  crcErrorRate?: number;
}

const POWER_ON_SCRATCHPAD = Object.freeze([0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0x1c]);
const CONVERT_MS = 750;
const SHT_MEASURE_MS = 8.3;
const SHT_ADDRESS = 0x44;

type BusMode = "idle" | "rom-cmd" | "match" | "function" | "write-sp" | "read-sp";

interface Probe {
  name: string;
  rom: Uint8Array;
  scratch: Uint8Array;
  epoch: number; // end time (ms) of the last power interruption seen; -1 before the first look
  firstConversion: boolean;
  convertedAt: number | undefined; // conversion start whose result is not yet in the scratchpad
}

function isSht(name: string): boolean {
  return name.slice(0, 3).toLowerCase() === "sht";
}

function reverse4(i: number): number {
  return ((i & 1) << 3) | ((i & 2) << 1) | ((i & 4) >> 1) | ((i & 8) >> 3);
}

/**
 * Power state of a probe at t (ms): -2 while unpowered or unplugged, else the end time of the latest
 * interruption (a change means it powered up again since last seen).
 */
function powerEpoch(world: World, name: string, t: number): number {
  let epoch = 0;
  const s = t / 1000;
  for (const f of world.trace.faults) {
    if (f.kind !== "power-cut" && !(f.kind === "probe-open" && f.probe === name)) continue;
    if (s >= f.t && s < f.t + f.for) return -2;
    if (f.t + f.for <= s) epoch = Math.max(epoch, (f.t + f.for) * 1000);
  }
  return epoch;
}

export class SimOneWire implements OneWire {
  readonly devices: Probe[] = [];
  readonly counters = { conversions: 0, scratchpadReads: 0, corrupted: 0, powerUps: 0 };
  private mode: BusMode = "idle";
  private selected: Probe[] = [];
  private collect: number[] = [];
  private forcedErrors = 0;
  private readonly noise: Rng;
  private readonly faultRng: Rng;

  constructor(private readonly o: SimSensorOptions) {
    const romRng = o.rng.fork("ds18b20-rom");
    this.noise = o.rng.fork("ds18b20-noise");
    this.faultRng = o.rng.fork("ds18b20-bus");
    const names = o.probes.filter((n) => !isSht(n));
    names.forEach((name, i) => {
      const rom = new Uint8Array(8);
      rom[0] = 0x28;
      for (let k = 1; k < 7; k++) rom[k] = romRng.int(0, 255);
      rom[1] = (rom[1] & 0xf0) | reverse4(i & 15);
      rom[7] = crc8Maxim(rom, 0, 7);
      this.devices.push({ name, rom, scratch: Uint8Array.from(POWER_ON_SCRATCHPAD), epoch: -1, firstConversion: true, convertedAt: undefined });
    });
  }

  /** Test hook: the next n scratchpad reads come back corrupted. */
  corruptNextReads(n: number): void {
    this.forcedErrors += n;
  }

  reset(): boolean {
    this.mode = "rom-cmd";
    this.selected = [];
    this.collect = [];
    return this.present().length > 0;
  }

  write(bytes: Uint8Array): void {
    for (let i = 0; i < bytes.length; i++) this.feed(bytes[i]);
  }

  read(count: number): Uint8Array {
    const out = new Uint8Array(count).fill(0xff);
    if (this.mode !== "read-sp") return out;
    const live = this.selected.filter((p) => this.powered(p));
    for (const p of live) this.settle(p);
    // Several devices answering at once pull the line low wherever any sends a 0 (wired AND).
    for (let i = 0; i < count && i < 9; i++) for (const p of live) out[i] &= p.scratch[i];
    if (live.length > 0) {
      this.counters.scratchpadReads++;
      if (this.forcedErrors > 0 || this.faultRng.chance(this.o.crcErrorRate ?? 0.002)) {
        if (this.forcedErrors > 0) this.forcedErrors--;
        this.counters.corrupted++;
        out[this.faultRng.int(0, Math.min(count, 8) - 1)] ^= 1 << this.faultRng.int(0, 7);
      }
    }
    this.mode = "idle";
    return out;
  }

  search(): Uint8Array[] {
    return this.present().map((p) => p.rom.slice());
  }

  private present(): Probe[] {
    return this.devices.filter((p) => this.powered(p));
  }

  /** Applies power-ups since last seen; false while the probe is unpowered or unplugged. */
  private powered(p: Probe): boolean {
    const epoch = powerEpoch(this.o.world, p.name, this.o.sched.now);
    if (epoch === -2) return false;
    if (epoch !== p.epoch) {
      if (p.epoch !== -1 || epoch > 0) this.counters.powerUps++;
      p.epoch = epoch;
      p.scratch = Uint8Array.from(POWER_ON_SCRATCHPAD);
      p.firstConversion = true;
      p.convertedAt = undefined;
    }
    return true;
  }

  private feed(b: number): void {
    switch (this.mode) {
      case "rom-cmd":
        if (b === 0xcc) {
          this.selected = this.present();
          this.mode = "function";
        } else if (b === 0x55) {
          this.collect = [];
          this.mode = "match";
        } else this.mode = "idle";
        return;
      case "match":
        this.collect.push(b);
        if (this.collect.length === 8) {
          this.selected = this.present().filter((p) => p.rom.every((v, k) => v === this.collect[k]));
          this.mode = "function";
        }
        return;
      case "function":
        this.function(b);
        return;
      case "write-sp":
        this.collect.push(b);
        if (this.collect.length === 3) {
          for (const p of this.selected) {
            this.settle(p);
            p.scratch.set(this.collect, 2);
            p.scratch[8] = crc8Maxim(p.scratch, 0, 8);
          }
          this.mode = "idle";
        }
        return;
      default:
        this.mode = "idle";
    }
  }

  private function(b: number): void {
    if (b === 0x44) {
      const t = this.o.sched.now;
      const tab = this.o.meter.table;
      for (const p of this.selected) {
        this.settle(p);
        p.convertedAt = t;
        this.counters.conversions++;
        this.o.meter.addMah("probes", (tab.ds18b20_mA * tab.ds18b20_conv_s) / 3600);
      }
      this.mode = "idle";
    } else if (b === 0xbe) this.mode = "read-sp";
    else if (b === 0x4e) {
      this.collect = [];
      this.mode = "write-sp";
    } else this.mode = "idle";
  }

  /** Puts a finished conversion's result in the scratchpad (lazily: nothing is scheduled per conversion). */
  private settle(p: Probe): void {
    if (p.convertedAt === undefined || this.o.sched.now < p.convertedAt + CONVERT_MS) return;
    const at = p.convertedAt + CONVERT_MS;
    p.convertedAt = undefined;
    if (p.firstConversion) {
      p.firstConversion = false;
      return;
    }
    const c = this.o.world.temperature(p.name, at / 1000) + this.noise.gauss(0.05);
    const bits = 9 + ((p.scratch[4] >> 5) & 3);
    let raw = Math.round(c * 16);
    raw = Math.max(-55 * 16, Math.min(125 * 16, raw)) & ~((1 << (12 - bits)) - 1);
    p.scratch[0] = raw & 0xff;
    p.scratch[1] = (raw >> 8) & 0xff;
    p.scratch[6] = 0x10 - (raw & 0x0f);
    p.scratch[8] = crc8Maxim(p.scratch, 0, 8);
  }
}

/** One SHT4x at 0x44 for the first probe named "sht…"; nothing answers when the trace has none. */
export class SimI2C implements I2C {
  readonly counters = { measurements: 0, nacks: 0 };
  private readonly name: string | undefined;
  private measuredAt: number | undefined;
  private readonly noise: Rng;

  constructor(private readonly o: SimSensorOptions) {
    this.name = o.probes.find(isSht);
    this.noise = o.rng.fork("sht4x");
  }

  write(address: number, bytes: Uint8Array): boolean {
    if (!this.answers(address) || this.busy()) return this.nack();
    if (bytes.length === 1 && bytes[0] === 0xfd) {
      this.measuredAt = this.o.sched.now;
      this.counters.measurements++;
      this.o.meter.addJoules("probes", this.o.meter.table.sht4x_J);
    }
    return true;
  }

  read(address: number, count: number): Uint8Array | undefined {
    if (!this.answers(address) || this.measuredAt === undefined || this.busy()) {
      this.nack();
      return undefined;
    }
    const t = (this.measuredAt + SHT_MEASURE_MS) / 1000;
    this.measuredAt = undefined;
    const c = this.o.world.temperature(this.name!, t) + this.noise.gauss(0.02);
    const rh = 80 + this.noise.gauss(1);
    const rawT = clamp16(Math.round(((c + 45) * 65535) / 175));
    const rawH = clamp16(Math.round(((rh + 6) * 65535) / 125));
    const b = Uint8Array.of(rawT >> 8, rawT & 0xff, 0, rawH >> 8, rawH & 0xff, 0);
    b[2] = crc8Sensirion(b, 0, 2);
    b[5] = crc8Sensirion(b, 3, 5);
    return b.slice(0, count);
  }

  private answers(address: number): boolean {
    if (address !== SHT_ADDRESS || this.name === undefined) return false;
    return powerEpoch(this.o.world, this.name, this.o.sched.now) !== -2;
  }

  private busy(): boolean {
    return this.measuredAt !== undefined && this.o.sched.now < this.measuredAt + SHT_MEASURE_MS;
  }

  private nack(): false {
    this.counters.nacks++;
    return false;
  }
}

function clamp16(v: number): number {
  return v < 0 ? 0 : v > 0xffff ? 0xffff : v;
}
