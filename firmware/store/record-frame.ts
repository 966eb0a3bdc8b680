/**
 * The on-flash layout of the record log: a header per page and a frame per record. Markers are single bytes that
 * start at 0xFF and are cleared in place (NOR allows 1→0 without an erase); a marker counts as set as soon as any
 * of its bits is cleared, because a power cut can leave a byte partly programmed.
 *
 * Page header (20 bytes):
 *   0 u32 magic | 4 u32 page sequence | 8 u32 seq base (first seq this page may hold) | 12 u32 CRC-32 of 0..12 |
 *   16 u8 retired marker | 17..19 0xFF
 * Record frame (12-byte head + body):
 *   0 u8 commit marker (written last, by its own write) | 1 u8 consumed marker (the ack) |
 *   2 u32 CRC-32 of 6..end | 6 u16 body length | 8 u32 seq | 12 body (record-codec)
 *
 * The commit marker has a write of its own instead of being the last byte of the data write because a real
 * flash programs a page buffer in no particular order: only a completed earlier write orders bytes.
 */
import { Reader, Writer } from "../core/bytes";
import { crc32 } from "../core/crc";
import { KIND_OFFSET } from "./record-codec";

export const PAGE_MAGIC = 0x524c4f31; // "RLO1"
export const PAGE_HDR = 20;
export const PAGE_HDR_SIGNED = 16; // magic..CRC: what a header write covers and what a kill write zeroes
export const RETIRED_AT = 16;
export const FRAME_HDR = 12;
export const COMMIT_AT = 0;
export const CONSUMED_AT = 1;
/** The head plus the kind byte of the body: what the boot scan reads of each frame. */
export const FRAME_PROBE = FRAME_HDR + KIND_OFFSET + 1;
export const ERASED = 0xff;

export interface PageHeader {
  pageSeq: number;
  seqBase: number;
  /** The retired marker byte: 0xFF live, 0x00 retired and counted, anything else a retire cut short. */
  retired: number;
}

export function encodePageHeader(pageSeq: number, seqBase: number): Uint8Array {
  const w = new Writer().u32(PAGE_MAGIC).u32(pageSeq).u32(seqBase);
  const head = w.done();
  return w.u32(crc32(head)).done();
}

export function parsePageHeader(b: Uint8Array): PageHeader | undefined {
  if (b.length < PAGE_HDR) return undefined;
  const r = new Reader(b);
  if (r.u32() !== PAGE_MAGIC) return undefined;
  const pageSeq = r.u32();
  const seqBase = r.u32();
  if (r.u32() !== crc32(b, 0, 12)) return undefined;
  return { pageSeq, seqBase, retired: b[RETIRED_AT] };
}

/** A whole frame with both markers still erased. */
export function buildFrame(seq: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HDR + body.length);
  out[COMMIT_AT] = ERASED;
  out[CONSUMED_AT] = ERASED;
  out[6] = body.length >>> 8;
  out[7] = body.length & 0xff;
  out[8] = seq >>> 24;
  out[9] = (seq >>> 16) & 0xff;
  out[10] = (seq >>> 8) & 0xff;
  out[11] = seq & 0xff;
  out.set(body, FRAME_HDR);
  const crc = crc32(out, 6);
  out[2] = crc >>> 24;
  out[3] = (crc >>> 16) & 0xff;
  out[4] = (crc >>> 8) & 0xff;
  out[5] = crc & 0xff;
  return out;
}

export interface FrameHead {
  committed: boolean;
  consumed: boolean;
  blank: boolean; // the whole head still erased: nothing was written here
  len: number;
  seq: number;
}

/** Reads the head of a frame from b at `at` (b must hold FRAME_HDR bytes from there). */
export function parseFrameHead(b: Uint8Array, at = 0): FrameHead {
  const r = new Reader(b, at);
  const commit = r.u8();
  const consumed = r.u8();
  r.u32();
  const len = r.u16();
  const seq = r.u32();
  return {
    committed: commit !== ERASED,
    consumed: consumed !== ERASED,
    blank: isErased(b, at, at + FRAME_HDR),
    len,
    seq,
  };
}

/** Whether a whole frame (head and body) is intact. */
export function frameIntact(frame: Uint8Array): boolean {
  if (frame.length < FRAME_HDR) return false;
  const len = (frame[6] << 8) | frame[7];
  if (FRAME_HDR + len !== frame.length) return false;
  const r = new Reader(frame, 2);
  return r.u32() === crc32(frame, 6);
}

export function isErased(b: Uint8Array, start = 0, end = b.length): boolean {
  for (let i = start; i < end; i++) if (b[i] !== ERASED) return false;
  return true;
}
