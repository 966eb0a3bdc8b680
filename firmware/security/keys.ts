/**
 * The key hierarchy. One 128-bit root key per device is written at the factory into NVS (setting `root_key`, 32 hex
 * digits; on the ESP32 the NVS partition is encrypted, see README "Security"). From it HKDF-SHA-256 derives one
 * key per purpose, bound to the terminal id, so that a key compromised in one role says nothing about the others:
 * uplink (datagrams the device seals), downlink (commands the platform seals), storage (the record log at rest)
 * and sms (the MAC of short-message commands).
 *
 * Inputs: the crypto port, the root key, the terminal id. Outputs: the derived keys (16 bytes each).
 */
import type { Crypto, Settings } from "../../hal/ports";
import { ascii, fromHex } from "../core/bytes";
import { hkdf, hkdfExpand, hkdfExtract } from "./hkdf";

export const ROOT_KEY_SETTING = "root_key";
const SALT = "reefer-tracker key hierarchy v1";

export type KeyRole = "uplink" | "downlink" | "storage" | "sms";

export interface DeviceKeys {
  readonly uplink: Uint8Array;
  readonly downlink: Uint8Array;
  readonly storage: Uint8Array;
  readonly sms: Uint8Array;
}

/** The terminal id as bound into the keys: its digits without leading zeros (the BCD header pads them). */
export function keyId(deviceId: string): string {
  return deviceId.replace(/^0+(?=.)/, "");
}

export function deriveKey(c: Crypto, root: Uint8Array, deviceId: string, role: KeyRole): Uint8Array {
  return hkdf(c, root, ascii(SALT), ascii(`${role}|${keyId(deviceId)}`), 16);
}

/**
 * The four keys, each derived on first use: a wake that only logs a temperature pays for the storage key alone
 * (one HKDF extract, shared, and one expand per role).
 */
export function deriveKeys(c: Crypto, root: Uint8Array, deviceId: string): DeviceKeys {
  let prk: Uint8Array | undefined;
  const made: Partial<Record<KeyRole, Uint8Array>> = {};
  const key = (role: KeyRole): Uint8Array => {
    prk = prk ?? hkdfExtract(c, ascii(SALT), root);
    return (made[role] = made[role] ?? hkdfExpand(c, prk, ascii(`${role}|${keyId(deviceId)}`), 16));
  };
  return Object.freeze({
    get uplink() {
      return key("uplink");
    },
    get downlink() {
      return key("downlink");
    },
    get storage() {
      return key("storage");
    },
    get sms() {
      return key("sms");
    },
  });
}

/** The provisioned root key, or undefined when none (or a malformed one) is set: the device then runs unsealed. */
export function loadRootKey(settings: Settings): Uint8Array | undefined {
  const hex = settings.get(ROOT_KEY_SETTING);
  const k = hex === undefined ? undefined : fromHex(hex);
  return k && k.length === 16 ? k : undefined;
}
