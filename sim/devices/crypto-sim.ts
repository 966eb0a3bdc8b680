/**
 * The crypto port in the simulator and the XS run: the audited pure-JS @noble libraries (AES from @noble/ciphers,
 * HMAC-SHA-256 from @noble/hashes), the same primitives the ESP32 gets from Moddable's native crypt module.
 */
import { cbc, ctr } from "@noble/ciphers/aes.js";
import { hmac } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";
import type { Crypto } from "../../hal/ports";

export const simCrypto: Crypto = Object.freeze({
  aesCbc: (key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array => cbc(key, iv, { disablePadding: true }).encrypt(data),
  aesCtr: (key: Uint8Array, counter: Uint8Array, data: Uint8Array): Uint8Array => ctr(key, counter).encrypt(data),
  hmacSha256: (key: Uint8Array, data: Uint8Array): Uint8Array => hmac(sha256, key, data),
});
