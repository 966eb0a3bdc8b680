/** Byte helpers shared by every codec. Big-endian unless named otherwise (JT/T 808 and most wire formats). */

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const HEX = "0123456789abcdef";

export function toHex(bytes: Uint8Array, upper = false): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i] >> 4] + HEX[bytes[i] & 15];
  return upper ? s.toUpperCase() : s;
}

/** Parses hex (any case, no separators). Undefined when the text is not whole bytes of hex. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = hexDigit(text.charCodeAt(2 * i));
    const lo = hexDigit(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

export function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** ASCII/Latin-1 text to bytes (protocol text is ASCII; anything above 0xFF is replaced by '?'). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[i] = c > 0xff ? 0x3f : c;
  }
  return out;
}

export function fromAscii(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** UTF-8 encode without TextEncoder (not present on every engine). */
export function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
  return Uint8Array.from(out);
}

export function fromUtf8(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    let c: number;
    let n: number;
    if (b < 0x80) [c, n] = [b, 1];
    else if (b >= 0xf0) [c, n] = [b & 7, 4];
    else if (b >= 0xe0) [c, n] = [b & 15, 3];
    else if (b >= 0xc0) [c, n] = [b & 31, 2];
    else [c, n] = [0xfffd, 1];
    for (let k = 1; k < n; k++) c = (c << 6) | ((bytes[i + k] ?? 0) & 63);
    s += String.fromCodePoint(c > 0x10ffff ? 0xfffd : c);
    i += n;
  }
  return s;
}

/** Growable big-endian writer. */
export class Writer {
  private buf = new Uint8Array(64);
  private n = 0;
  get length(): number {
    return this.n;
  }
  private room(k: number): void {
    if (this.n + k <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.n + k) size *= 2;
    const b = new Uint8Array(size);
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  u8(v: number): this {
    this.room(1);
    this.buf[this.n++] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(v >>> 16).u16(v);
  }
  u16le(v: number): this {
    return this.u8(v).u8(v >>> 8);
  }
  u32le(v: number): this {
    return this.u16le(v).u16le(v >>> 16);
  }
  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  /** Writes exactly `size` bytes: b truncated or padded with `pad`. */
  fixed(b: Uint8Array, size: number, pad = 0): this {
    for (let i = 0; i < size; i++) this.u8(i < b.length ? b[i] : pad);
    return this;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

/** Bounds-checked big-endian reader: reading past the end sets `ok` false and yields zeros, never throws. */
export class Reader {
  pos: number;
  ok = true;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }
  get left(): number {
    return this.end - this.pos;
  }
  private take(k: number): number {
    if (this.pos + k > this.end) {
      this.ok = false;
      this.pos = this.end;
      return -1;
    }
    const p = this.pos;
    this.pos += k;
    return p;
  }
  u8(): number {
    const p = this.take(1);
    return p < 0 ? 0 : this.buf[p];
  }
  u16(): number {
    const p = this.take(2);
    return p < 0 ? 0 : (this.buf[p] << 8) | this.buf[p + 1];
  }
  u32(): number {
    const p = this.take(4);
    return p < 0 ? 0 : ((this.buf[p] << 24) | (this.buf[p + 1] << 16) | (this.buf[p + 2] << 8) | this.buf[p + 3]) >>> 0;
  }
  u16le(): number {
    const p = this.take(2);
    return p < 0 ? 0 : this.buf[p] | (this.buf[p + 1] << 8);
  }
  u32le(): number {
    const p = this.take(4);
    return p < 0 ? 0 : (this.buf[p] | (this.buf[p + 1] << 8) | (this.buf[p + 2] << 16) | (this.buf[p + 3] << 24)) >>> 0;
  }
  bytes(k: number): Uint8Array {
    const p = this.take(k);
    return p < 0 ? new Uint8Array(0) : this.buf.slice(p, p + k);
  }
  rest(): Uint8Array {
    return this.bytes(this.left);
  }
}
