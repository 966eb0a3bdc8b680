/**
 * AES-128-CCM (RFC 3610, NIST SP 800-38C): CBC-MAC over (B0 | encoded AAD | payload) and CTR encryption from A0,
 * built on the platform's AES-CBC and AES-CTR primitives (hal/ports.ts Crypto). Nonces are 7 to 13 bytes; AAD up
 * to 65279 bytes (the two-byte length form: every header here is tens of bytes).
 *
 * Inputs: key, nonce, AAD, payload, tag length (4..16, even). Outputs: ciphertext | tag, or for open() the
 * payload — undefined when the tag does not match (wrong key, tampered bytes, wrong nonce or AAD).
 * A nonce must never be used twice with the same key: the callers draw it from a counter (nonce-counter.ts).
 */
import type { Crypto } from "../../hal/ports";

const BLOCK = 16;

function check(nonce: Uint8Array, aad: Uint8Array, tagLen: number): number {
  if (nonce.length < 7 || nonce.length > 13) throw new RangeError("CCM nonce must be 7..13 bytes");
  if (tagLen < 4 || tagLen > 16 || tagLen % 2) throw new RangeError("CCM tag must be 4..16 bytes, even");
  if (aad.length >= 0xff00) throw new RangeError("CCM AAD too long");
  return 15 - nonce.length; // L: bytes of the length field and of the counter
}

const padded = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

/** The CBC-MAC T of RFC 3610 section 2.2 (16 bytes; the tag is its first tagLen bytes). */
function cbcMac(c: Crypto, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, msg: Uint8Array, tagLen: number, L: number): Uint8Array {
  if (L < 4 && msg.length >= 2 ** (8 * L)) throw new RangeError("CCM payload too long for this nonce");
  const aadPart = aad.length ? padded(2 + aad.length) : 0;
  const buf = new Uint8Array(BLOCK + aadPart + padded(msg.length));
  buf[0] = (aad.length ? 0x40 : 0) | (((tagLen - 2) / 2) << 3) | (L - 1);
  buf.set(nonce, 1);
  for (let i = 0, n = msg.length; i < L; i++, n = Math.floor(n / 256)) buf[15 - i] = n & 0xff;
  if (aad.length) {
    buf[BLOCK] = aad.length >>> 8;
    buf[BLOCK + 1] = aad.length & 0xff;
    buf.set(aad, BLOCK + 2);
  }
  buf.set(msg, BLOCK + aadPart);
  const out = c.aesCbc(key, new Uint8Array(BLOCK), buf); // CBC-MAC starts from a zero IV
  return out.subarray(out.length - BLOCK);
}

/** A0: flags L-1, the nonce, counter 0. CTR from A0 turns T into U and, from A1 on, the payload into ciphertext. */
function a0(nonce: Uint8Array, L: number): Uint8Array {
  const a = new Uint8Array(BLOCK);
  a[0] = L - 1;
  a.set(nonce, 1);
  return a;
}

export function ccmSeal(c: Crypto, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, msg: Uint8Array, tagLen: number): Uint8Array {
  const L = check(nonce, aad, tagLen);
  const t = cbcMac(c, key, nonce, aad, msg, tagLen, L);
  const io = new Uint8Array(BLOCK + msg.length);
  io.set(t, 0);
  io.set(msg, BLOCK);
  const x = c.aesCtr(key, a0(nonce, L), io);
  const out = new Uint8Array(msg.length + tagLen);
  out.set(x.subarray(BLOCK), 0);
  out.set(x.subarray(0, tagLen), msg.length);
  return out;
}

export function ccmOpen(c: Crypto, key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array, tagLen: number): Uint8Array | undefined {
  const L = check(nonce, aad, tagLen);
  if (sealed.length < tagLen) return undefined;
  const n = sealed.length - tagLen;
  const io = new Uint8Array(BLOCK + n);
  io.set(sealed.subarray(n), 0);
  io.set(sealed.subarray(0, n), BLOCK);
  const x = c.aesCtr(key, a0(nonce, L), io);
  const msg = x.slice(BLOCK);
  const t = cbcMac(c, key, nonce, aad, msg, tagLen, L);
  return sameBytes(t, x, tagLen) ? msg : undefined;
}

/** Compares the first n bytes without an early exit, so timing tells nothing about where a forged tag differs. */
export function sameBytes(a: Uint8Array, b: Uint8Array, n = a.length): boolean {
  if (a.length < n || b.length < n) return false;
  let d = 0;
  for (let i = 0; i < n; i++) d |= a[i] ^ b[i];
  return d === 0;
}
