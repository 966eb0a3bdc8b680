/**
 * SHT4x humidity/temperature sensor on I2C: high-precision measurement (command 0xFD, ready within 8.3 ms), six
 * bytes back — temperature word, CRC, humidity word, CRC — each CRC-8 Sensirion (poly 0x31, init 0xFF).
 * Conversions follow the datasheet: T = −45 + 175·raw/65535 °C, RH = −6 + 125·raw/65535 %, clipped to 0..100
 * (the formula overshoots slightly at the ends by design).
 */
import type { I2C } from "../../hal/ports";
import { crc8Sensirion } from "../core/crc";

export const SHT4X_ADDRESS = 0x44;
export const SHT4X_MEASURE_HIGH = 0xfd;
/** Datasheet maximum for the high-precision measurement. */
export const SHT4X_MEASURE_MS = 9;

export type Sht4xFault = "absent" | "nack" | "crc";

export type Sht4xResult = { ok: true; celsius: number; rh: number } | { ok: false; fault: Sht4xFault };

export function sht4xCelsius(raw: number): number {
  return -45 + (175 * raw) / 65535;
}

export function sht4xHumidity(raw: number): number {
  const rh = -6 + (125 * raw) / 65535;
  return rh < 0 ? 0 : rh > 100 ? 100 : rh;
}

/** Decodes the 6 reply bytes; a wrong CRC on either word rejects the whole reading. */
export function decodeSht4x(b: Uint8Array): Sht4xResult {
  if (b.length !== 6) return { ok: false, fault: "nack" };
  if (crc8Sensirion(b, 0, 2) !== b[2] || crc8Sensirion(b, 3, 5) !== b[5]) return { ok: false, fault: "crc" };
  return { ok: true, celsius: sht4xCelsius((b[0] << 8) | b[1]), rh: sht4xHumidity((b[3] << 8) | b[4]) };
}

export interface Sht4xCounters {
  measurements: number;
  nacks: number;
  crcErrors: number;
}

/** Start and read halves of one measurement; the wait between them is the caller's deadline. */
export class Sht4x {
  readonly counters: Sht4xCounters = { measurements: 0, nacks: 0, crcErrors: 0 };

  constructor(
    private readonly i2c: I2C,
    private readonly address = SHT4X_ADDRESS,
  ) {}

  /** False when the sensor did not acknowledge (unplugged, or still busy with a previous command). */
  start(): boolean {
    const ok = this.i2c.write(this.address, Uint8Array.of(SHT4X_MEASURE_HIGH));
    if (ok) this.counters.measurements++;
    else this.counters.nacks++;
    return ok;
  }

  read(): Sht4xResult {
    const b = this.i2c.read(this.address, 6);
    if (b === undefined) {
      this.counters.nacks++;
      return { ok: false, fault: "nack" };
    }
    const r = decodeSht4x(b);
    if (!r.ok) this.counters.crcErrors++;
    return r;
  }
}
