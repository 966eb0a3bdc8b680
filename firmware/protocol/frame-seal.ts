/**
 * A JT/T 808 frame with its body sealed by AES-128-CCM. The header stays in the clear (a platform routes by terminal
 * id and serial) and is authenticated as AAD; the 2019 message-property encryption field (attribute bits 10-12)
 * is set to SEALED so that a platform knows the body is not plain JT/T 808 — one without keys rejects it (the
 * standard defines only 0 = plain and bit 10 = RSA) instead of misreading ciphertext as a location.
 *
 * Sealed body: u32 counter | ciphertext | 8-byte tag. Nonce (13 bytes): direction byte | 8 zero bytes | counter.
 * With SEALED_LZ4 (bit 12 as well) the plaintext is u16 body length | the body as an LZ4 block (core/lz4.ts): a
 * sender compresses a body when that makes it shorter, and the opened frame is the same plain JT/T 808 body.
 * The counter is the sender's (nonce-counter.ts on the device, the platform's own per device): strictly
 * increasing, so the receiver also rejects a counter it has already passed (a replay).
 *
 * Inputs: frame header and plain body, the direction's key and a counter. Outputs: wire bytes; open() gives the
 * plain body and the counter, or the reason it refused.
 */
import type { Crypto } from "../../hal/ports";
import { ccmOpen, ccmSeal } from "../security/ccm";
import { compressBlock, decompressBlock } from "../core/lz4";
import { type Frame, type FrameHeader, MAX_BODY, encodeFrame, frameContent, headerLength } from "./frame";

/** Encryption field value for "AES-128-CCM sealed body" (attribute bit 11): vendor use of a reserved value. */
export const SEALED = 2;
/** Sealed, and the plaintext LZ4-compressed (bits 11 and 12). */
export const SEALED_LZ4 = 6;
export const TAG_BYTES = 8;
/** Bytes sealing adds to a body. */
export const SEAL_BODY_OVERHEAD = 4 + TAG_BYTES;
/** The largest body the terminal frames, sealed or not: sealing must still fit the 10-bit length. */
export const PLAIN_BODY_MAX = MAX_BODY - SEAL_BODY_OVERHEAD;
export const UP = 0x55;
export const DOWN = 0x44;

export type OpenRefusal = "unsealed" | "short" | "bad-mac" | "bad-body";

export function isSealed(encrypt: number | undefined): boolean {
  return encrypt === SEALED || encrypt === SEALED_LZ4;
}

/** What the seal carries for a body, and the encryption field that says so. */
export interface SealedPlain {
  plain: Uint8Array;
  encrypt: number;
}

/** What a sender seals for `body`: the compressed form when it is shorter, else the body itself. Deterministic. */
export function sealedPlain(body: Uint8Array, compress: boolean): SealedPlain {
  if (!compress || body.length < 16) return { plain: body, encrypt: SEALED };
  const block = compressBlock(body);
  if (block.length + 2 >= body.length) return { plain: body, encrypt: SEALED };
  const plain = new Uint8Array(2 + block.length);
  plain[0] = body.length >>> 8;
  plain[1] = body.length & 0xff;
  plain.set(block, 2);
  return { plain, encrypt: SEALED_LZ4 };
}

function unpack(plain: Uint8Array): Uint8Array | undefined {
  if (plain.length < 3) return undefined;
  const n = (plain[0] << 8) | plain[1];
  return n > MAX_BODY ? undefined : decompressBlock(plain.subarray(2), n);
}

function nonce(dir: number, counter: number): Uint8Array {
  const n = new Uint8Array(13);
  n[0] = dir;
  n[9] = counter >>> 24;
  n[10] = (counter >>> 16) & 0xff;
  n[11] = (counter >>> 8) & 0xff;
  n[12] = counter & 0xff;
  return n;
}

/** The header bytes as they go on the wire for a body of `bodyLen` bytes (unescaped). */
function aad(h: FrameHeader, bodyLen: number): Uint8Array {
  return frameContent(h, new Uint8Array(bodyLen)).slice(0, headerLength(h.edition, !!h.packet));
}

/** A sealed frame; with `compress`, its body LZ4-compressed inside the seal when that is shorter. */
export function sealFrame(
  c: Crypto, key: Uint8Array, dir: number, counter: number, h: FrameHeader, body: Uint8Array, compress = false,
): Uint8Array {
  return sealPlain(c, key, dir, counter, h, sealedPlain(body, compress));
}

/** Seals a plaintext already prepared for the encryption field it names (sealedPlain's output). */
export function sealPlain(
  c: Crypto, key: Uint8Array, dir: number, counter: number, h: FrameHeader, p: SealedPlain,
): Uint8Array {
  const { plain, encrypt } = p;
  const sh: FrameHeader = { ...h, encrypt };
  const ct = ccmSeal(c, key, nonce(dir, counter), aad(sh, plain.length + SEAL_BODY_OVERHEAD), plain, TAG_BYTES);
  const sealed = new Uint8Array(4 + ct.length);
  sealed[0] = counter >>> 24;
  sealed[1] = (counter >>> 16) & 0xff;
  sealed[2] = (counter >>> 8) & 0xff;
  sealed[3] = counter & 0xff;
  sealed.set(ct, 4);
  return encodeFrame(sh, sealed);
}

/** The counter a sealed frame claims (not yet authenticated). */
export function sealCounter(f: Frame): number | undefined {
  if (!isSealed(f.header.encrypt) || f.body.length < SEAL_BODY_OVERHEAD) return undefined;
  return ((f.body[0] << 24) | (f.body[1] << 16) | (f.body[2] << 8) | f.body[3]) >>> 0;
}

export function openFrame(c: Crypto, key: Uint8Array, dir: number, f: Frame): { body: Uint8Array; counter: number } | { refused: OpenRefusal } {
  if (!isSealed(f.header.encrypt)) return { refused: "unsealed" };
  const counter = sealCounter(f);
  if (counter === undefined) return { refused: "short" };
  const plain = ccmOpen(c, key, nonce(dir, counter), aad(f.header, f.body.length), f.body.subarray(4), TAG_BYTES);
  if (!plain) return { refused: "bad-mac" };
  if (f.header.encrypt === SEALED) return { body: plain, counter };
  const body = unpack(plain);
  return body ? { body, counter } : { refused: "bad-body" };
}
