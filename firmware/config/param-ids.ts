/**
 * The parameter-id map: each JT/T 808 parameter id the tracker understands, mapped to one configuration key with
 * its wire type. Standard ids where the standard has the setting; product settings under vendor ids 0xF000 and up.
 * It belongs to the configuration layer because the platform's 0x8103/0x8104/0x8106 and the short-message `SET`
 * command name the same settings; protocol/params.ts carries the wire encoding.
 */
import type { ConfigKey } from "./config";

export type WireType = "u32" | "u16" | "u8" | "string";

export interface ParamSpec {
  id: number;
  key: ConfigKey;
  type: WireType;
  /** wire = config value x scale (for settings with a fractional unit) */
  scale: number;
}

const p = (id: number, key: ConfigKey, type: WireType, scale = 1): ParamSpec => Object.freeze({ id, key, type, scale });

export const PARAMS: readonly ParamSpec[] = Object.freeze([
  // standard JT/T 808 ids
  p(0x0001, "heartbeat_s", "u32"),
  p(0x0004, "ack_timeout_s", "u32"), // UDP reply timeout
  p(0x0005, "ack_retries", "u32"), // UDP retransmissions
  p(0x0013, "server", "string"),
  p(0x0019, "port", "u32"), // UDP port
  p(0x0020, "rep_strategy", "u32"),
  p(0x0027, "rep_parked_s", "u32"), // interval while sleeping
  p(0x0029, "rep_moving_s", "u32"), // default interval
  p(0x002c, "rep_distance_m", "u32"),
  p(0x0030, "corner_deg", "u32"),
  // vendor ids: reporting
  p(0xf001, "rep_stopped_s", "u32"),
  p(0xf002, "rep_moving_ext_s", "u32"),
  p(0xf003, "rep_stop_ext_s", "u32"),
  p(0xf004, "park_after_s", "u32"),
  // temperature logging and alarms
  p(0xf010, "temp_log_s", "u32"),
  p(0xf011, "temp_fast_s", "u32"),
  p(0xf012, "temp_fast_for_s", "u32"),
  p(0xf013, "bands", "string"),
  p(0xf014, "ignore_start_s", "u32"),
  p(0xf015, "defrost_s", "u32"),
  p(0xf016, "door_alarm_s", "u32"),
  p(0xf017, "batt_low_mv", "u16"),
  // GNSS fix policy
  p(0xf020, "fix_hdop_max", "u16", 10),
  p(0xf021, "fix_min_sats", "u8"),
  p(0xf022, "fix_settle", "u8"),
  p(0xf023, "fix_cap_s", "u16"),
  p(0xf024, "fix_abort_s", "u16"),
  p(0xf025, "fix_backoff_s", "u32"),
  p(0xf026, "parked_fix_s", "u32"),
  // uplink and NB-IoT power saving
  p(0xf030, "proto", "u16"),
  p(0xf031, "psm_tau_s", "u32"),
  p(0xf032, "psm_active_s", "u16"),
  p(0xf033, "edrx", "u8"),
  p(0xf034, "modem_check_s", "u32"),
  p(0xf035, "trip_hold_s", "u32"),
  // Beidou short message
  p(0xf040, "rdss_dest", "string"),
  p(0xf041, "rdss_after_s", "u32"),
  p(0xf042, "rdss_stale_s", "u32"),
  p(0xf043, "rdss_daily_j", "u16"),
  // platform areas
  p(0xf050, "area_dwell_s", "u32"),
]);

/**
 * Settings never changed over the air: the terminal id (a wrong one orphans the device on the platform) and the
 * fitted parts and probe names, which are set at installation.
 */
export const LOCAL_ONLY: readonly string[] = Object.freeze(["device_id", "modem_model", "gnss_model", "probes"]);

export function paramById(id: number): ParamSpec | undefined {
  for (const s of PARAMS) if (s.id === id) return s;
  return undefined;
}

/** `0x0029` style text for an id (as in traces and reports). */
export function paramIdText(id: number): string {
  const h = id.toString(16).toUpperCase();
  return "0x" + "0".repeat(Math.max(0, 4 - h.length)) + h;
}
