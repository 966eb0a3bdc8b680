/**
 * The contracts the firmware sees. Every port is implemented twice: by the simulator (sim/devices) and by the
 * device layer (hal/moddable). The firmware imports nothing else from outside firmware/.
 *
 * Rules shared by all ports:
 * - Nothing blocks. Work that takes time completes through a callback dispatched later by the event loop.
 * - No port throws on an expected failure (no ack, no presence pulse, CRC): it returns a value saying so.
 * - Callbacks run to completion; a port never calls back re-entrantly from inside the call that armed it.
 */

/** Milliseconds on the monotonic device clock. */
export type Millis = number;

export interface Clock {
  /** Monotonic ms since the device first powered up. Never goes backwards, also across deep sleep. */
  now(): Millis;
  /** UTC ms since 1970, or undefined while no source (GNSS fix, network) has set it since the last power loss. */
  wallTime(): number | undefined;
  /** Sets wall time; it then survives deep sleep but not a power cut. */
  setWallTime(utcMs: number): void;
  /** Calls `fn` once when now() >= deadline (an absolute time, not a delay). Returns an id for cancel(). */
  at(deadline: Millis, fn: () => void): number;
  /** Cancels a pending deadline; unknown or fired ids are ignored. */
  cancel(id: number): void;
}

/** A UART with an attached module. */
export interface Serial {
  /** Queues bytes for transmission. Bytes written while the module is unpowered are lost, as on the wire. */
  write(bytes: Uint8Array): void;
  /** Receives byte chunks of any size (1 byte to a whole buffer) in arrival order. One receiver at a time. */
  onReceive(fn: (chunk: Uint8Array) => void): void;
  /** Switches the module's main supply where the board has a power enable (backup supply stays on). */
  setPower(on: boolean): void;
  /** Whether the module's main supply is on (as last set; on after a power cut if the board defaults to on). */
  powered(): boolean;
}

/** A debounced-by-hardware-nothing digital input: levels are logical (true = door open, ignition on). */
export interface DigitalIn {
  read(): boolean;
  /** Called on every edge with the level after the edge and the monotonic time of the edge. */
  onChange(fn: (level: boolean, at: Millis) => void): void;
}

/** 1-Wire bus master (DS18B20 probes). */
export interface OneWire {
  /** Reset pulse; true when at least one device answered with a presence pulse. */
  reset(): boolean;
  write(bytes: Uint8Array): void;
  read(count: number): Uint8Array;
  /** ROM search: the 8-byte ROM ids of every device on the bus (CRC not checked here). */
  search(): Uint8Array[];
}

/** I2C master (SHT4x). */
export interface I2C {
  /** Writes bytes to a 7-bit address; false on NACK. */
  write(address: number, bytes: Uint8Array): boolean;
  /** Reads count bytes; undefined on NACK. */
  read(address: number, count: number): Uint8Array | undefined;
}

/** A few KB that survive deep sleep (ESP32 RTC memory) but not a power cut. */
export interface Retained {
  readonly capacity: number;
  /** Last saved bytes, or undefined after a power cut or before the first save. */
  load(): Uint8Array | undefined;
  save(bytes: Uint8Array): void;
}

/** Persistent key-value settings (NVS). Keys at most 15 characters, values at most 4000 characters. */
export interface Settings {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
  remove(key: string): void;
}

/**
 * A raw flash partition with NOR semantics: erase() sets a whole page to 0xFF; write() can only clear bits
 * (new = old AND data). A power cut during write() or erase() may leave any prefix of the operation done and
 * the byte being written partially programmed: the record log must tolerate it.
 */
export interface RecordFlash {
  readonly pageSize: number;
  readonly pageCount: number;
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array): void;
  erase(page: number): void;
}

export type WakeCause = "power-on" | "timer" | "door" | "ignition" | "restart";
export type WakeSource = "door" | "ignition";

export interface Power {
  /** Why this boot happened. */
  wakeCause(): WakeCause;
  /**
   * Ends this wake: deep sleep until `deadline` (monotonic ms) or an edge on one of `wakeOn`. RAM is lost; the next
   * wake is a boot. The firmware must treat this as its last call of the wake.
   */
  deepSleep(deadline: Millis, wakeOn: readonly WakeSource[]): void;
  /** Reboots now (after too many faults, or on a platform command). Like deepSleep, the last call of a wake. */
  restart(): void;
  /** Battery terminal voltage in mV. */
  batteryMv(): number;
  /** True while truck power feeds the device. */
  externalPower(): boolean;
}

/**
 * Symmetric primitives from the platform's reviewed crypto library (the simulator: @noble/ciphers and
 * @noble/hashes; the ESP32: Moddable's native crypt module). Keys are 16 bytes (AES-128). The firmware builds its
 * modes (CCM, HKDF) on these, so both platforms run the same construction code over the same primitives.
 * Inputs are never modified; results are new arrays. A key of the wrong size throws (a bug, not an input).
 */
export interface Crypto {
  /** AES-128 in CBC mode without padding; `data` is whole 16-byte blocks, `iv` 16 bytes. */
  aesCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  /** AES-128 in CTR mode from the 16-byte counter block, which counts up big-endian across the whole block. */
  aesCtr(key: Uint8Array, counter: Uint8Array, data: Uint8Array): Uint8Array;
  /** HMAC-SHA-256 (32 bytes). */
  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
}

export type LogLevel = "debug" | "info" | "warn" | "error";
export interface Log {
  log(level: LogLevel, msg: string): void;
}

/** Everything one wake of the firmware is given. Optional ports are absent on boards without the part. */
export interface Ports {
  clock: Clock;
  power: Power;
  log: Log;
  retained: Retained;
  settings: Settings;
  flash: RecordFlash;
  gnss: Serial;
  modem: Serial;
  rdss?: Serial;
  door: DigitalIn;
  ignition: DigitalIn;
  oneWire?: OneWire;
  i2c?: I2C;
  /** Absent on a build without crypto: the device then runs unprovisioned (no keys, nothing sealed). */
  crypto?: Crypto;
}
