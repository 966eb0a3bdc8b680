/**
 * What a provisioned device holds in one boot: the crypto port, the keys derived from its root key, the uplink
 * nonce counter, the at-rest sealer and the downlink / short-message counter floors. Absent (undefined) on a
 * device without a root key or without a crypto port: it then runs unsealed, as before provisioning.
 *
 * Settings it owns (never JT/T 808 parameters, never reported by 0x8104): root_key (factory), up_ctr (the uplink
 * counter's reserved mark), dl_floor and sms_floor (last accepted downlink / short-message counters).
 */
import type { Crypto, Ports, Settings } from "../../hal/ports";
import { type DeviceKeys, deriveKeys, loadRootKey } from "../security/keys";
import { NonceCounter } from "../security/nonce-counter";
import { StorageSealer } from "../security/record-sealer";

export const UPLINK_COUNTER_SETTING = "up_ctr";
export const DOWNLINK_FLOOR_SETTING = "dl_floor";
export const SMS_FLOOR_SETTING = "sms_floor";

export interface SecurityContext {
  readonly crypto: Crypto;
  readonly keys: DeviceKeys;
  readonly uplink: NonceCounter;
  readonly sealer: StorageSealer;
  readonly settings: Settings;
}

export function openSecurity(ports: Ports, deviceId: string): SecurityContext | undefined {
  const root = ports.crypto && loadRootKey(ports.settings);
  if (!ports.crypto || !root) return undefined;
  const keys = deriveKeys(ports.crypto, root, deviceId);
  return Object.freeze({
    crypto: ports.crypto,
    keys,
    uplink: new NonceCounter(ports.settings, UPLINK_COUNTER_SETTING),
    sealer: new StorageSealer(ports.crypto, keys.storage),
    settings: ports.settings,
  });
}

/** A persisted floor: the larger of what RTC memory and NVS remember (NVS alone after a power cut). */
export function loadFloor(sec: SecurityContext, setting: string, retained: unknown): number {
  const nvs = Number(sec.settings.get(setting) ?? "0");
  const a = Number.isInteger(nvs) && nvs > 0 ? nvs : 0;
  const b = typeof retained === "number" && Number.isInteger(retained) && retained > 0 ? retained : 0;
  return Math.max(a, b);
}

export function saveFloor(sec: SecurityContext, setting: string, floor: number): void {
  if (Number(sec.settings.get(setting) ?? "0") < floor) sec.settings.set(setting, String(floor));
}
