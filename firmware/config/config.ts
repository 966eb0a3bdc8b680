/**
 * The device configuration: every knob with its default and valid range, one frozen table. Values persist in
 * Settings (one key per entry, names <= 15 characters for NVS). A trace's `config` and the platform's 0x8103
 * parameters go through validate(): anything out of range is rejected whole, nothing half-applied.
 */
import type { Settings } from "../../hal/ports";

interface NumSpec {
  kind: "num";
  def: number;
  min: number;
  max: number;
  int: boolean;
  doc: string;
}
interface StrSpec {
  kind: "str";
  def: string;
  max: number; // length
  check?: (v: string) => string | undefined; // error text, or undefined when valid
  doc: string;
}
export type Spec = NumSpec | StrSpec;

const num = (def: number, min: number, max: number, doc: string, int = true): NumSpec =>
  Object.freeze({ kind: "num", def, min, max, int, doc });
const str = (def: string, max: number, doc: string, check?: StrSpec["check"]): StrSpec =>
  Object.freeze({ kind: "str", def, max, check, doc });

/** Temperature bands: "probe:low:high:delay_s:clear_s:hyst:latch" joined by ";" (probe "*" = every probe). */
export function checkBands(v: string): string | undefined {
  if (v === "") return undefined;
  for (const part of v.split(";")) {
    const f = part.split(":");
    if (f.length !== 7) return `band "${part}" needs 7 fields`;
    if (!/^[A-Za-z0-9_*-]{1,16}$/.test(f[0])) return `band "${part}": bad probe name`;
    const n = f.slice(1).map(Number);
    if (n.some((x) => !Number.isFinite(x))) return `band "${part}": not a number`;
    const [low, high, delay, clear, hyst, latch] = n;
    if (!(low < high) || low < -60 || high > 80) return `band "${part}": low < high within -60..80 °C`;
    if (delay < 0 || delay > 86400 || clear < 0 || clear > 86400) return `band "${part}": delays 0..86400 s`;
    if (hyst < 0 || hyst > 10) return `band "${part}": hysteresis 0..10 °C`;
    if (latch !== 0 && latch !== 1) return `band "${part}": latch 0 or 1`;
  }
  return undefined;
}

function checkServer(v: string): string | undefined {
  return /^[0-9]{1,3}(\.[0-9]{1,3}){3}$/.test(v) && v.split(".").every((o) => Number(o) <= 255)
    ? undefined
    : "server must be an IPv4 address";
}

const oneOf =
  (name: string, list: readonly string[]) =>
  (v: string): string | undefined =>
    list.includes(v) ? undefined : `${name} must be one of ${list.join(", ")}`;

export const CONFIG_SPEC = Object.freeze({
  // Identity and parts (provisioned at the factory; the simulator provisions them from the trace)
  device_id: str("0", 20, "terminal phone number used in the JT/T 808 header", (v) =>
    /^[0-9]{1,20}$/.test(v) ? undefined : "device_id must be 1-20 digits",
  ),
  modem_model: str("detect", 8, "NB-IoT modem: detect, bc660k, bc95 or sim7020", oneOf("modem_model", ["detect", "bc660k", "bc95", "sim7020"])),
  probes: str("front", 140, "temperature probe names in bus order, comma separated (sht... = SHT4x on I2C)", (v) =>
    /^[A-Za-z0-9_-]{1,16}(,[A-Za-z0-9_-]{1,16}){0,7}$/.test(v) ? undefined : "probes must be 1-8 names of 1-16 letters, digits, _ or -",
  ),
  gnss_model: str("auto", 9, "GNSS receiver: auto, atgm336h or ublox-m10", oneOf("gnss_model", ["auto", "atgm336h", "ublox-m10"])),
  // Reporting (JT/T 808 0x0020, 0x0027, 0x0029, 0x002C, 0x0030; defaults per product spec)
  rep_strategy: num(0, 0, 2, "0 by time, 1 by distance, 2 both"),
  rep_moving_s: num(300, 10, 86400, "position interval while moving, on battery"),
  rep_stopped_s: num(1800, 10, 86400, "interval while stopped (ignition on or recently moving)"),
  rep_parked_s: num(14400, 60, 604800, "interval while parked (ignition off > park_after_s)"),
  rep_moving_ext_s: num(30, 5, 86400, "interval while moving, on truck power"),
  rep_stop_ext_s: num(300, 5, 86400, "interval while stopped, on truck power"),
  rep_distance_m: num(1000, 50, 100000, "distance between reports when the strategy uses distance"),
  corner_deg: num(30, 5, 179, "course change that triggers a report while moving"),
  park_after_s: num(600, 0, 86400, "ignition off this long means parked"),
  heartbeat_s: num(0, 0, 86400, "JT/T heartbeat interval; 0 = off (reports double as liveness)"),
  // GNSS fix acceptance and policy
  fix_hdop_max: num(2.5, 0.5, 20, "accept a fix at or below this HDOP", false),
  fix_min_sats: num(4, 3, 30, "accept a fix with at least this many satellites"),
  fix_settle: num(0, 0, 30, "extra epochs to wait after the first acceptable one"),
  fix_cap_s: num(90, 10, 600, "longest search per try"),
  fix_abort_s: num(20, 5, 300, "give up when after this long fewer than 3 satellites have signal"),
  fix_backoff_s: num(3600, 60, 86400, "cap of the backoff after failed searches"),
  parked_fix_s: num(86400, 0, 604800, "parked with the engine off since the last fix: reports reuse it until it is this old; 0 = a fix per report"),
  // Temperature logging and cold-chain alarms
  temp_log_s: num(300, 10, 1800, "temperature record interval in transport (GSP: at most 300 s)"),
  temp_fast_s: num(60, 10, 1800, "record interval during an excursion and after it"),
  temp_fast_for_s: num(3600, 0, 86400, "keep the fast interval this long after an excursion clears"),
  bands: str("*:2:8:600:300:0.5:0", 255, "temperature bands per probe", checkBands),
  ignore_start_s: num(0, 0, 86400, "ignore excursions this long after trip start (loading)"),
  defrost_s: num(0, 0, 86400, "suspend excursions this long after a defrost start"),
  door_alarm_s: num(900, 0, 86400, "door open longer than this raises an alarm; 0 = off"),
  batt_low_mv: num(3300, 2000, 4200, "battery below this raises the low-battery alarm"),
  // Uplink
  server: str("127.0.0.1", 15, "fleet server IPv4 address", checkServer),
  port: num(6808, 1, 65535, "fleet server UDP port"),
  proto: num(2019, 2013, 2019, "JT/T 808 edition: 2013 or 2019"),
  ack_timeout_s: num(10, 2, 300, "first wait for a platform ack (JT/T 0x0004)"),
  ack_retries: num(2, 0, 10, "retransmissions (JT/T 0x0005); waits grow as T(N+1) = T(N) x (N+1)"),
  psm_tau_s: num(0, 0, 1152000, "requested periodic TAU; 0 = derived from the report interval"),
  psm_active_s: num(0, 0, 3720, "requested PSM active time (T3324); 0 = PSM right after release"),
  edrx: num(0, 0, 1, "request eDRX while on truck power"),
  modem_check_s: num(1800, 0, 86400, "on battery, a modem left in PSM is checked this often (on a wake due anyway) for having lost PSM; 0 = off"),
  trip_hold_s: num(1800, 0, 86400, "a trip report waits this long for a session it can ride (a report, an event); 0 = a session of its own at once"),
  // Beidou short message fallback
  rdss_dest: str("0000000", 7, "short-message destination id (command centre card)", (v) =>
    /^[0-9]{1,7}$/.test(v) ? undefined : "rdss_dest must be 1-7 digits",
  ),
  rdss_after_s: num(600, 60, 86400, "use short messages after NB-IoT has failed this long"),
  rdss_stale_s: num(14400, 600, 604800, "send a position by short message when the last delivered is older"),
  rdss_daily_j: num(200, 0, 5000, "daily energy cap for short messages, J"),
  // Platform areas (JT/T 808 0x8600-0x8605)
  area_dwell_s: num(0, 0, 604800, "inside one area longer than this raises area-dwell; 0 = off"),
});

export type ConfigKey = keyof typeof CONFIG_SPEC;
export type Config = { [K in ConfigKey]: (typeof CONFIG_SPEC)[K] extends StrSpec ? string : number };

export function defaults(): Config {
  const c = {} as Record<string, number | string>;
  for (const k of Object.keys(CONFIG_SPEC) as ConfigKey[]) c[k] = CONFIG_SPEC[k].def;
  return c as Config;
}

/** Checks one value; returns an error text or undefined. Accepts numeric strings for number entries. */
export function checkValue(key: string, value: unknown): string | undefined {
  const spec = (CONFIG_SPEC as Record<string, Spec>)[key];
  if (!spec) return `unknown setting "${key}"`;
  if (spec.kind === "num") {
    const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) return `${key} must be a number`;
    if (spec.int && !Number.isInteger(n)) return `${key} must be an integer`;
    if (n < spec.min || n > spec.max) return `${key} must be within ${spec.min}..${spec.max}`;
    return undefined;
  }
  if (typeof value !== "string") return `${key} must be text`;
  if (value.length > spec.max) return `${key} is longer than ${spec.max}`;
  return spec.check?.(value);
}

/**
 * Validates a set of changes as a whole. Returns the normalised changes, or the first error: either all of
 * them are valid or none is applied.
 */
export function validate(changes: Record<string, unknown>): { ok: Partial<Config> } | { error: string } {
  const out: Record<string, number | string> = {};
  for (const k of Object.keys(changes)) {
    const err = checkValue(k, changes[k]);
    if (err) return { error: err };
    const spec = (CONFIG_SPEC as Record<string, Spec>)[k];
    out[k] = spec.kind === "num" ? Number(changes[k]) : (changes[k] as string);
  }
  return { ok: out as Partial<Config> };
}

/** Loads the configuration from Settings; a stored value that no longer validates falls back to its default. */
export function loadConfig(settings: Settings): Config {
  const c = defaults() as Record<string, number | string>;
  for (const k of Object.keys(CONFIG_SPEC) as ConfigKey[]) {
    const raw = settings.get(k);
    if (raw === undefined) continue;
    if (checkValue(k, raw) === undefined) c[k] = CONFIG_SPEC[k].kind === "num" ? Number(raw) : raw;
  }
  return c as Config;
}

/** Persists validated changes (only keys that differ from the stored value are written, to spare the flash). */
export function saveConfig(settings: Settings, changes: Partial<Config>): void {
  for (const k of Object.keys(changes) as ConfigKey[]) {
    const v = String(changes[k]);
    if (settings.get(k) !== v) settings.set(k, v);
  }
}
