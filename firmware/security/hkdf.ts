/**
 * HKDF-SHA-256 (RFC 5869) on the platform's HMAC: extract a pseudo-random key from the root key and a salt, then
 * expand it into as many output bytes as asked (at most 255 x 32), bound to an `info` label so that keys derived
 * for different purposes are independent.
 */
import type { Crypto } from "../../hal/ports";

const HASH_LEN = 32;

export function hkdfExtract(c: Crypto, salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return c.hmacSha256(salt.length ? salt : new Uint8Array(HASH_LEN), ikm);
}

export function hkdfExpand(c: Crypto, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (length < 1 || length > 255 * HASH_LEN) throw new RangeError("HKDF length out of range");
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, at = 0; at < length; i++) {
    const input = new Uint8Array(t.length + info.length + 1);
    input.set(t, 0);
    input.set(info, t.length);
    input[input.length - 1] = i;
    t = c.hmacSha256(prk, input);
    out.set(t.subarray(0, Math.min(HASH_LEN, length - at)), at);
    at += HASH_LEN;
  }
  return out;
}

export function hkdf(c: Crypto, ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  return hkdfExpand(c, hkdfExtract(c, salt, ikm), info, length);
}
