/**
 * The record log's at-rest sealer (the RecordSealer contract of firmware/store/record-seal.ts): AES-128-CCM with
 * the storage key. Body on flash: the two clear bytes (codec version, kind) | ciphertext of the rest | 8-byte tag.
 * Nonce (13 bytes): 0x53 | page sequence u32 | offset in page u32 | 0 0 0 0 — unique per write (record-seal.ts
 * says why). AAD: seq u32 and the two clear bytes, so a frame cannot be passed off under another seq or kind.
 */
import type { Crypto } from "../../hal/ports";
import { ccmOpen, ccmSeal } from "./ccm";

const CLEAR = 2;
/** Bytes a record grows by at rest: the truncated CCM tag. */
export const REST_TAG = 8;

function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

function nonce(pageSeq: number, offset: number): Uint8Array {
  const n = new Uint8Array(13);
  n[0] = 0x53;
  put32(n, 1, pageSeq);
  put32(n, 5, offset);
  return n;
}

function aad(seq: number, body: Uint8Array): Uint8Array {
  const a = new Uint8Array(4 + CLEAR);
  put32(a, 0, seq);
  a.set(body.subarray(0, CLEAR), 4);
  return a;
}

export class StorageSealer {
  readonly overhead = REST_TAG;
  constructor(
    private readonly crypto: Crypto,
    private readonly key: Uint8Array,
  ) {}

  seal(body: Uint8Array, seq: number, pageSeq: number, offset: number): Uint8Array {
    const ct = ccmSeal(this.crypto, this.key, nonce(pageSeq, offset), aad(seq, body), body.subarray(CLEAR), REST_TAG);
    const out = new Uint8Array(CLEAR + ct.length);
    out.set(body.subarray(0, CLEAR), 0);
    out.set(ct, CLEAR);
    return out;
  }

  open(body: Uint8Array, seq: number, pageSeq: number, offset: number): Uint8Array | undefined {
    if (body.length < CLEAR + REST_TAG) return undefined;
    const pt = ccmOpen(this.crypto, this.key, nonce(pageSeq, offset), aad(seq, body), body.subarray(CLEAR), REST_TAG);
    if (!pt) return undefined;
    const out = new Uint8Array(CLEAR + pt.length);
    out.set(body.subarray(0, CLEAR), 0);
    out.set(pt, CLEAR);
    return out;
  }
}
