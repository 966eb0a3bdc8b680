/**
 * LZ4 block format (lz4.org, doc/lz4_Block_format.md), so that any LZ4 block decoder on a platform reads what the
 * device writes. A block is a run of sequences: a token (high nibble: literal count, low nibble: match length − 4;
 * 15 means more length bytes follow, each adding up to 255), the literals, a 2-byte little-endian offset back into
 * what was already decoded, and the match length's extra bytes. The last sequence has literals only; the last
 * 5 bytes are always literals and the last match starts at least 12 bytes before the end.
 *
 * The encoder is the greedy single-probe one (a 1024-entry hash of 4-byte groups, 4 KB, as LZ4's fast mode): small and
 * quick, and the repeated fields of a JT/T 808 location batch (position, status, items) are what it finds.
 * Pure: no allocation beyond the output and one table.
 */
const MIN_MATCH = 4;
const LAST_LITERALS = 5;
const MF_LIMIT = 12;
const HASH_BITS = 10;
const MAX_OFFSET = 0xffff;

function read32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

function hash(v: number): number {
  return Math.imul(v, 2654435761) >>> (32 - HASH_BITS);
}

/** The worst case: incompressible input grows by one byte per 255 and a token. */
export function maxCompressed(n: number): number {
  return n + Math.floor(n / 255) + 16;
}

class Out {
  readonly buf: Uint8Array;
  n = 0;
  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }
  byte(v: number): void {
    this.buf[this.n++] = v;
  }
  /** A length's bytes beyond the token's 15. */
  extra(v: number): void {
    for (; v >= 255; v -= 255) this.byte(255);
    this.byte(v);
  }
}

function sequence(o: Out, src: Uint8Array, from: number, to: number, offset: number, matchLen: number): void {
  const lit = to - from;
  const m = matchLen - MIN_MATCH;
  o.byte((Math.min(lit, 15) << 4) | (matchLen > 0 ? Math.min(m, 15) : 0));
  if (lit >= 15) o.extra(lit - 15);
  o.buf.set(src.subarray(from, to), o.n);
  o.n += lit;
  if (matchLen <= 0) return;
  o.byte(offset & 0xff);
  o.byte(offset >>> 8);
  if (m >= 15) o.extra(m - 15);
}

export function compressBlock(src: Uint8Array): Uint8Array {
  const n = src.length;
  const o = new Out(maxCompressed(n));
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let anchor = 0;
  let i = 0;
  const lastStart = n - MF_LIMIT; // a match may start up to here
  const matchEnd = n - LAST_LITERALS; // and may not reach into the last literals
  while (i <= lastStart) {
    const v = read32(src, i);
    const h = hash(v);
    const ref = table[h];
    table[h] = i;
    if (ref < 0 || i - ref > MAX_OFFSET || read32(src, ref) !== v) {
      i++;
      continue;
    }
    let len = MIN_MATCH;
    while (i + len < matchEnd && src[ref + len] === src[i + len]) len++;
    sequence(o, src, anchor, i, i - ref, len);
    i += len;
    anchor = i;
  }
  sequence(o, src, anchor, n, 0, 0);
  return o.buf.slice(0, o.n);
}

/** The block's `size` bytes, or undefined when it is not a valid block of exactly that size. */
export function decompressBlock(src: Uint8Array, size: number): Uint8Array | undefined {
  const out = new Uint8Array(size);
  let i = 0;
  let o = 0;
  const more = (len: number): number => {
    for (;;) {
      if (i >= src.length) return -1;
      const b = src[i++];
      len += b;
      if (b !== 255) return len;
    }
  };
  while (i < src.length) {
    const token = src[i++];
    let lit = token >>> 4;
    if (lit === 15 && (lit = more(lit)) < 0) return undefined;
    if (i + lit > src.length || o + lit > size) return undefined;
    out.set(src.subarray(i, i + lit), o);
    i += lit;
    o += lit;
    if (i === src.length) break; // the last sequence: literals only
    if (i + 2 > src.length) return undefined;
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > o) return undefined;
    let len = token & 15;
    if (len === 15 && (len = more(len)) < 0) return undefined;
    len += MIN_MATCH;
    if (o + len > size) return undefined;
    // byte by byte: a match may overlap what it copies (a run)
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset];
  }
  return o === size ? out : undefined;
}
