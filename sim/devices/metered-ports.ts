/**
 * The device's storage and crypto ports as a wake sees them: the same calls, each charged as MCU time for the bytes
 * it moves, at the flash rate (native code over a buffer on the ESP32). Split from the device runner, which builds
 * these afresh for every wake, so the cost model sits apart from the wake/sleep state machine.
 */
import type { Crypto, RecordFlash, Settings } from "../../hal/ports";
import type { PowerMeter } from "../report/power-meter";

/** Charges `ms` of MCU run time above idle. */
export type CpuMs = (ms: number) => void;

/** The flash: every byte moved costs CPU time (the boot scan reads the whole log). */
export function meteredFlash(f: RecordFlash, meter: PowerMeter, cpuMs: CpuMs): RecordFlash {
  const perKb = () => meter.table.mcu_ms_per_flash_kbyte / 1024;
  return {
    pageSize: f.pageSize,
    pageCount: f.pageCount,
    read: (offset, length) => {
      cpuMs(length * perKb());
      return f.read(offset, length);
    },
    write: (offset, bytes) => {
      cpuMs(bytes.length * perKb());
      f.write(offset, bytes);
    },
    erase: (page) => {
      cpuMs(f.pageSize * perKb());
      f.erase(page);
    },
  };
}

/**
 * Crypto as CPU work over the bytes it handles, at the flash rate (native code over a buffer, as the flash's SPI
 * and scan are): the AES and SHA-256 run in C on the device; HMAC hashes two extra 64-byte blocks.
 */
export function meteredCrypto(c: Crypto, meter: PowerMeter, cpuMs: CpuMs): Crypto {
  const ms = (bytes: number) => cpuMs((bytes * meter.table.mcu_ms_per_flash_kbyte) / 1024);
  return {
    aesCbc: (key, iv, data) => (ms(data.length), c.aesCbc(key, iv, data)),
    aesCtr: (key, counter, data) => (ms(data.length), c.aesCtr(key, counter, data)),
    hmacSha256: (key, data) => (ms(data.length + 128), c.hmacSha256(key, data)),
  };
}

/** NVS writes cost a 32-byte entry plus a share of the 4 KB sector erase every 126 entries, at the flash rate. */
export function meteredSettings(s: Settings, meter: PowerMeter, cpuMs: CpuMs): Settings {
  const perKb = () => meter.table.mcu_ms_per_flash_kbyte / 1024;
  return {
    get: (key) => s.get(key),
    set: (key, value) => {
      cpuMs((32 + 4096 / 126) * perKb());
      s.set(key, value);
    },
    remove: (key) => s.remove(key),
  };
}
