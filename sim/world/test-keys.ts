/**
 * TEST KEYS ONLY. The simulator's devices and its fleet platform share root keys derived from a public label and
 * the terminal id, so every trip runs provisioned without a key in the repository. Anyone can compute them: they
 * must never be written into a real device (the factory generates real root keys, README "Security").
 */
import type { Crypto } from "../../hal/ports";
import { ascii } from "../../firmware/core/bytes";
import { keyId } from "../../firmware/security/keys";

export const TEST_ROOT_KEY_LABEL = "TEST-ONLY reefer-tracker root key: public, never on a real device";

export function testRootKey(c: Crypto, deviceId: string): Uint8Array {
  return c.hmacSha256(ascii(TEST_ROOT_KEY_LABEL), ascii(keyId(deviceId))).slice(0, 16);
}
