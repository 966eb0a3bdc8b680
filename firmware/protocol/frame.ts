/**
 * JT/T 808 framing: `7E | header | body | BCC | 7E`, BCC = XOR of header and body, then 7E/7D escaped. Both
 * editions: 2013 (phone BCD[6]) and 2019 (attribute bit 14, protocol version byte, phone BCD[10]).
 *
 * The parser is tolerant the way platforms must be: junk before the first 7E is skipped and counted, a frame
 * whose length field fits the other edition's header is read as that edition (2013 terminals that set bit 14
 * anyway, 2019 terminals that forget it), a bad BCC or a length that fits neither edition is reported on the
 * frame (bccOk/lenOk) rather than thrown, and the caller decides whether to drop it.
 */
import { bcdDecode, bcdEncode } from "./bcd";
import { Writer } from "../core/bytes";

export type Edition = 2013 | 2019;

export interface FrameHeader {
  msgId: number;
  edition: Edition;
  /** 2019 protocol version byte (1 for JT/T 808-2019); ignored for 2013. */
  protoVersion?: number;
  /** Terminal phone / id as BCD digits (12 for 2013, 20 for 2019 on the wire). */
  phone: string;
  serial: number;
  /** Attribute bits 10-12 (bit 10 = RSA); we never encrypt, but keep what we read. */
  encrypt?: number;
  packet?: { total: number; index: number };
}

export interface Frame {
  header: FrameHeader;
  body: Uint8Array;
  attr: number;
  bccOk: boolean;
  /** The attribute's body length matched the bytes present for the edition chosen. */
  lenOk: boolean;
  /** The edition chosen disagrees with attribute bit 14 (tolerated, counted by the callers). */
  editionGuessed: boolean;
}

export type FrameError = "too-short" | "empty";

export const MAX_BODY = 0x3ff;
const FLAG_SUBPACKAGE = 0x2000;
const FLAG_2019 = 0x4000;

export function bcc(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let x = 0;
  for (let i = start; i < end; i++) x ^= bytes[i];
  return x;
}

/** Escapes content (header+body+BCC) and adds the two 7E delimiters. */
export function escapeFrame(content: Uint8Array): Uint8Array {
  let n = content.length + 2;
  for (let i = 0; i < content.length; i++) if (content[i] === 0x7e || content[i] === 0x7d) n++;
  const out = new Uint8Array(n);
  let o = 0;
  out[o++] = 0x7e;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    if (b === 0x7e || b === 0x7d) {
      out[o++] = 0x7d;
      out[o++] = b === 0x7e ? 0x02 : 0x01;
    } else out[o++] = b;
  }
  out[o] = 0x7e;
  return out;
}

/**
 * Reverses the escaping of the bytes between the delimiters (delimiters themselves, if present, are dropped).
 * A 7D followed by anything but 01/02 is kept as it is and counted in `badEscapes`.
 */
export function unescapeFrame(raw: Uint8Array): { content: Uint8Array; badEscapes: number } {
  let start = 0;
  let end = raw.length;
  if (end > 0 && raw[0] === 0x7e) start++;
  if (end > start && raw[end - 1] === 0x7e) end--;
  const out = new Uint8Array(end - start);
  let o = 0;
  let badEscapes = 0;
  for (let i = start; i < end; i++) {
    const b = raw[i];
    if (b === 0x7d && i + 1 < end && (raw[i + 1] === 0x01 || raw[i + 1] === 0x02)) {
      out[o++] = raw[i + 1] === 0x02 ? 0x7e : 0x7d;
      i++;
    } else {
      if (b === 0x7d) badEscapes++;
      out[o++] = b;
    }
  }
  return { content: out.slice(0, o), badEscapes };
}

export function headerLength(edition: Edition, subpackaged: boolean): number {
  return (edition === 2019 ? 17 : 12) + (subpackaged ? 4 : 0);
}

/** Header + body + BCC, unescaped. The body must fit the 10-bit length (callers sub-package longer bodies). */
export function frameContent(h: FrameHeader, body: Uint8Array): Uint8Array {
  if (body.length > MAX_BODY) throw new RangeError(`JT/T 808 body of ${body.length} bytes needs sub-packaging`);
  let attr = body.length | ((h.encrypt ?? 0) & 7) << 10;
  if (h.packet) attr |= FLAG_SUBPACKAGE;
  if (h.edition === 2019) attr |= FLAG_2019;
  const w = new Writer().u16(h.msgId).u16(attr);
  if (h.edition === 2019) w.u8(h.protoVersion ?? 1).bytes(bcdEncode(h.phone, 10));
  else w.bytes(bcdEncode(h.phone, 6));
  w.u16(h.serial & 0xffff);
  if (h.packet) w.u16(h.packet.total).u16(h.packet.index);
  w.bytes(body);
  const withoutBcc = w.done();
  return new Writer().bytes(withoutBcc).u8(bcc(withoutBcc)).done();
}

/** A complete escaped frame with delimiters. */
export function encodeFrame(h: FrameHeader, body: Uint8Array): Uint8Array {
  return escapeFrame(frameContent(h, body));
}

/** Reads unescaped content (header+body+BCC). */
export function parseContent(c: Uint8Array): { frame: Frame } | { error: FrameError } {
  if (c.length === 0) return { error: "empty" };
  if (c.length < 13) return { error: "too-short" };
  const attr = (c[2] << 8) | c[3];
  const bodyLen = attr & MAX_BODY;
  const sub = (attr & FLAG_SUBPACKAGE) !== 0;
  const flagged: Edition = attr & FLAG_2019 ? 2019 : 2013;
  const other: Edition = flagged === 2019 ? 2013 : 2019;
  let edition = flagged;
  let lenOk = headerLength(flagged, sub) + bodyLen + 1 === c.length;
  if (!lenOk && headerLength(other, sub) + bodyLen + 1 === c.length) {
    edition = other;
    lenOk = true;
  }
  const hl = headerLength(edition, sub);
  if (c.length < hl + 1) return { error: "too-short" };
  const header: FrameHeader = {
    msgId: (c[0] << 8) | c[1],
    edition,
    phone: edition === 2019 ? bcdDecode(c.subarray(5, 15)) : bcdDecode(c.subarray(4, 10)),
    serial: edition === 2019 ? (c[15] << 8) | c[16] : (c[10] << 8) | c[11],
  };
  if (edition === 2019) header.protoVersion = c[4];
  const enc = (attr >> 10) & 7;
  if (enc) header.encrypt = enc;
  if (sub) {
    const p = hl - 4;
    header.packet = { total: (c[p] << 8) | c[p + 1], index: (c[p + 2] << 8) | c[p + 3] };
  }
  return {
    frame: {
      header,
      body: c.slice(hl, c.length - 1),
      attr,
      bccOk: bcc(c, 0, c.length - 1) === c[c.length - 1],
      lenOk,
      editionGuessed: edition !== flagged,
    },
  };
}

/** Parses one escaped frame (delimiters optional). */
export function parseFrame(raw: Uint8Array): { frame: Frame } | { error: FrameError } {
  return parseContent(unescapeFrame(raw).content);
}

/**
 * Splits a datagram or stream chunk into the escaped frames it holds (each with its delimiters). Bytes outside
 * any 7E..7E pair are junk, counted; an unterminated tail is returned as `rest` for stream use.
 */
export function splitFrames(bytes: Uint8Array): { frames: Uint8Array[]; junk: number; rest: Uint8Array } {
  const frames: Uint8Array[] = [];
  let junk = 0;
  let i = 0;
  for (;;) {
    while (i < bytes.length && bytes[i] !== 0x7e) {
      junk++;
      i++;
    }
    if (i >= bytes.length) return { frames, junk, rest: new Uint8Array(0) };
    let j = i + 1;
    while (j < bytes.length && bytes[j] !== 0x7e) j++;
    if (j >= bytes.length) return { frames, junk, rest: bytes.slice(i) };
    // 7E 7E: the first was the end of something lost; the second opens the next frame
    if (j === i + 1) {
      i = j;
      continue;
    }
    frames.push(bytes.slice(i, j + 1));
    i = j + 1;
  }
}
