/**
 * DS18B20 on the 1-Wire port: ROM ids, scratchpad decoding and the bus transactions the probe reader strings
 * together. Every transaction is a few ms of bit slots, done synchronously by the port; the 750 ms conversion
 * is not waited for here: the caller arms a deadline and sleeps (see probe-reader.ts).
 *
 * A reading is only a temperature when the scratchpad passes CRC-8 (Dallas/Maxim), its fixed bytes look like a
 * DS18B20's, and the value is not one of the tell-tale non-readings:
 * - all ones: nobody drove the bus (probe unplugged, cable cut) — "open";
 * - all zeros / wrong fixed bytes: the bus is shorted or another device answered — "bus" (all zeros even has
 *   a valid CRC, so the CRC alone would pass it as 0.0 °C);
 * - 85.0 °C with the power-on pattern: the register still holds its reset value, no conversion ran — "power-on";
 * - −127 °C or outside −55..+125 °C: a library's "disconnected" marker or garbage — "range".
 */
import type { OneWire } from "../../hal/ports";
import { crc8Maxim } from "../core/crc";
import { toHex } from "../core/bytes";

export const DS18B20_FAMILY = 0x28;
/** Conversion time at 12 bits (datasheet tCONV max). */
export const DS18B20_CONVERT_MS = 750;
/** CRC failures are retried this many times before the read counts as a fault. */
export const DS18B20_CRC_RETRIES = 2;

export const OW_CMD = Object.freeze({
  searchRom: 0xf0,
  matchRom: 0x55,
  skipRom: 0xcc,
  convertT: 0x44,
  readScratchpad: 0xbe,
  writeScratchpad: 0x4e,
});

/** Configuration register for 12-bit resolution (R1 = R0 = 1, other bits fixed). */
export const CONFIG_12_BIT = 0x7f;
const RAW_POWER_ON = 0x0550; // 85.0 °C
const RAW_DISCONNECTED = -127 * 16;

export type Ds18b20Fault = "absent" | "open" | "bus" | "crc" | "power-on" | "range";

export type ScratchpadResult =
  | { ok: true; celsius: number; config: number }
  | { ok: false; fault: Exclude<Ds18b20Fault, "absent"> };

export type RomCheck = "ok" | "length" | "crc" | "family";

/** Whether a ROM id from the search is a whole, intact DS18B20 id. */
export function checkRom(rom: Uint8Array): RomCheck {
  if (rom.length !== 8) return "length";
  if (crc8Maxim(rom, 0, 7) !== rom[7]) return "crc";
  if (rom[0] !== DS18B20_FAMILY) return "family";
  return "ok";
}

export function romHex(rom: Uint8Array): string {
  return toHex(rom);
}

function allEqual(b: Uint8Array, v: number): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] !== v) return false;
  return true;
}

/** Decodes the 9 scratchpad bytes (12-bit: 1/16 °C per count). */
export function decodeScratchpad(sp: Uint8Array): ScratchpadResult {
  if (sp.length !== 9 || allEqual(sp, 0xff)) return { ok: false, fault: "open" };
  if (crc8Maxim(sp, 0, 8) !== sp[8]) return { ok: false, fault: "crc" };
  // Byte 5 is fixed at 0xFF and byte 7 at 0x10 on a DS18B20; an all-zero read has a valid CRC and fails here.
  if (sp[5] !== 0xff || sp[7] !== 0x10) return { ok: false, fault: "bus" };
  const raw = ((sp[1] << 8) | sp[0]) << 16 >> 16;
  // A real 85.0 °C is impossible in a reefer; clones differ in byte 6, so the value alone decides.
  if (raw === RAW_POWER_ON) return { ok: false, fault: "power-on" };
  if (raw === RAW_DISCONNECTED || raw < -55 * 16 || raw > 125 * 16) return { ok: false, fault: "range" };
  return { ok: true, celsius: raw / 16, config: sp[4] };
}

/** Public counters: every rejected answer is counted, never thrown. */
export interface Ds18b20Counters {
  searches: number;
  romRejected: number;
  noPresence: number;
  conversions: number;
  reads: number;
  crcRetries: number;
  faults: number;
  resolutionFixed: number;
}

/** The bus transactions, with the retry policy for corrupted scratchpads. */
export class Ds18b20Bus {
  readonly counters: Ds18b20Counters = {
    searches: 0,
    romRejected: 0,
    noPresence: 0,
    conversions: 0,
    reads: 0,
    crcRetries: 0,
    faults: 0,
    resolutionFixed: 0,
  };

  constructor(private readonly ow: OneWire) {}

  /** The intact DS18B20 ids on the bus, in the port's search order; damaged or foreign ids are counted. */
  search(): Uint8Array[] {
    this.counters.searches++;
    const out: Uint8Array[] = [];
    const seen: string[] = [];
    for (const rom of this.ow.search()) {
      const hex = rom.length === 8 ? romHex(rom) : "";
      if (checkRom(rom) !== "ok" || seen.indexOf(hex) >= 0) {
        this.counters.romRejected++;
        continue;
      }
      seen.push(hex);
      out.push(rom.slice());
    }
    return out;
  }

  /** Starts a conversion on every probe at once (Skip ROM), so one 750 ms wait serves them all. */
  convertAll(): boolean {
    return this.command(undefined, OW_CMD.convertT);
  }

  /** Starts a conversion on one probe (Match ROM). */
  convertOne(rom: Uint8Array): boolean {
    return this.command(rom, OW_CMD.convertT);
  }

  /** Reads one probe's scratchpad, retrying a CRC failure up to DS18B20_CRC_RETRIES times. */
  read(rom: Uint8Array): ScratchpadResult | { ok: false; fault: "absent" } {
    for (let attempt = 0; ; attempt++) {
      if (!this.select(rom)) {
        this.counters.faults++;
        return { ok: false, fault: "absent" };
      }
      this.ow.write(Uint8Array.of(OW_CMD.readScratchpad));
      this.counters.reads++;
      const r = decodeScratchpad(this.ow.read(9));
      if (r.ok) {
        if (r.config !== CONFIG_12_BIT) this.setResolution12(rom);
        return r;
      }
      if (r.fault !== "crc" || attempt >= DS18B20_CRC_RETRIES) {
        this.counters.faults++;
        return r;
      }
      this.counters.crcRetries++;
    }
  }

  /**
   * A probe that lost its EEPROM setting or was set up elsewhere may run at 9–11 bits: put it back to 12 bits for
   * the next conversion (alarm bytes TH/TL are unused by this product and written as the reset values).
   */
  private setResolution12(rom: Uint8Array): void {
    if (!this.select(rom)) return;
    this.ow.write(Uint8Array.of(OW_CMD.writeScratchpad, 0x4b, 0x46, CONFIG_12_BIT));
    this.counters.resolutionFixed++;
  }

  private command(rom: Uint8Array | undefined, cmd: number): boolean {
    if (!this.select(rom)) return false;
    this.ow.write(Uint8Array.of(cmd));
    if (cmd === OW_CMD.convertT) this.counters.conversions++;
    return true;
  }

  private select(rom: Uint8Array | undefined): boolean {
    if (!this.ow.reset()) {
      this.counters.noPresence++;
      return false;
    }
    if (rom === undefined) {
      this.ow.write(Uint8Array.of(OW_CMD.skipRom));
    } else {
      const w = new Uint8Array(9);
      w[0] = OW_CMD.matchRom;
      w.set(rom, 1);
      this.ow.write(w);
    }
    return true;
  }
}
