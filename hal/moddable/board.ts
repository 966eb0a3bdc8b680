/**
 * The board description from mc/config (manifest.json `config`): which pin, UART and partition each part of
 * the tracker uses. mc/config objects are frozen and may miss entries on other boards, so they are copied into
 * plain objects with every field checked here, once, before any port is built.
 */
export interface SerialBoard {
  port: number;
  receive: number;
  transmit: number;
  baud: number;
  /** Power-enable output, or undefined where the module's supply is not switchable. */
  power?: PowerPinBoard;
}
export interface PowerPinBoard {
  pin: number;
  /** Output level that switches the supply on (load switches differ in polarity). */
  onLevel: 0 | 1;
  /** Whether the supply is on after a power cut, before the firmware sets it. */
  defaultOn: boolean;
}
export interface InputBoard {
  pin: number;
  /** Raw level that means "active" (door open, ignition on, truck power present). */
  activeLevel: 0 | 1;
}
export interface BatteryBoard {
  pin: number;
  /** Pin voltage at full ADC scale (Moddable's calibrated ESP32 reading scales to 2450 mV at 12 dB). */
  fullScaleMv: number;
  /** Battery voltage / pin voltage of the resistor divider. */
  divider: number;
  samples: number;
}
export interface Board {
  name: string;
  gnss: SerialBoard;
  modem: SerialBoard;
  rdss?: SerialBoard;
  door: InputBoard;
  ignition: InputBoard;
  externalPower: InputBoard;
  battery: BatteryBoard;
  oneWire?: { pin: number };
  i2c?: { data: number; clock: number; hz: number; port: number };
  flashPartition: string;
  settingsDomain: string;
  /** Settings written on first boot (keys absent from NVS), or on every boot when provisionForce is set. */
  provision: Record<string, string>;
  provisionForce: boolean;
}

type Raw = Record<string, unknown>;

function section(raw: Raw, name: string): Raw | undefined {
  const v = raw[name];
  return typeof v === "object" && v !== null ? (v as Raw) : undefined;
}
function required(raw: Raw, name: string): Raw {
  const s = section(raw, name);
  if (!s) throw new Error(`mc/config: "${name}" missing`);
  return s;
}
function int(raw: Raw, name: string, where: string, fallback?: number): number {
  const v = raw[name] ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new Error(`mc/config: ${where}.${name} must be an integer`);
  return v;
}
function num(raw: Raw, name: string, where: string, fallback?: number): number {
  const v = raw[name] ?? fallback;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`mc/config: ${where}.${name} must be a number`);
  return v;
}
function level(raw: Raw, name: string, where: string, fallback: 0 | 1): 0 | 1 {
  const v = int(raw, name, where, fallback);
  if (v !== 0 && v !== 1) throw new Error(`mc/config: ${where}.${name} must be 0 or 1`);
  return v;
}
function enabled(raw: Raw | undefined): raw is Raw {
  return raw !== undefined && raw.enabled !== false;
}

function serial(raw: Raw, where: string): SerialBoard {
  const out: SerialBoard = {
    port: int(raw, "port", where),
    receive: int(raw, "receive", where),
    transmit: int(raw, "transmit", where),
    baud: int(raw, "baud", where),
  };
  if (raw.powerPin !== undefined) {
    out.power = {
      pin: int(raw, "powerPin", where),
      onLevel: level(raw, "powerOnLevel", where, 1),
      defaultOn: raw.powerDefaultOn === true,
    };
  }
  return out;
}
function input(raw: Raw, where: string): InputBoard {
  return { pin: int(raw, "pin", where), activeLevel: level(raw, "activeLevel", where, 1) };
}

/** Copies and checks the board section of mc/config. Throws on a malformed manifest: that is a build bug. */
export function readBoard(source: Raw): Board {
  const oneWire = section(source, "oneWire");
  const i2c = section(source, "i2c");
  const rdss = section(source, "rdss");
  const battery = required(source, "battery");
  const provisionRaw = section(source, "provision") ?? {};
  const provision: Record<string, string> = {};
  for (const key of Object.keys(provisionRaw)) {
    const v = provisionRaw[key];
    if (typeof v === "string" || typeof v === "number") provision[key] = String(v);
    else throw new Error(`mc/config: provision.${key} must be text or a number`);
  }
  return {
    name: typeof source.board === "string" ? source.board : "esp32",
    gnss: serial(required(source, "gnss"), "gnss"),
    modem: serial(required(source, "modem"), "modem"),
    rdss: enabled(rdss) ? serial(rdss, "rdss") : undefined,
    door: input(required(source, "door"), "door"),
    ignition: input(required(source, "ignition"), "ignition"),
    externalPower: input(required(source, "externalPower"), "externalPower"),
    battery: {
      pin: int(battery, "pin", "battery"),
      fullScaleMv: num(battery, "fullScaleMv", "battery", 2450),
      divider: num(battery, "divider", "battery"),
      samples: int(battery, "samples", "battery", 8),
    },
    oneWire: enabled(oneWire) ? { pin: int(oneWire, "pin", "oneWire") } : undefined,
    i2c: enabled(i2c)
      ? {
          data: int(i2c, "data", "i2c"),
          clock: int(i2c, "clock", "i2c"),
          hz: int(i2c, "hz", "i2c", 100000),
          port: int(i2c, "port", "i2c", 0),
        }
      : undefined,
    flashPartition: typeof source.flashPartition === "string" ? source.flashPartition : "records",
    settingsDomain: typeof source.settingsDomain === "string" ? source.settingsDomain : "cfg",
    provision,
    provisionForce: source.provisionForce === true,
  };
}
