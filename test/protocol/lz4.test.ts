/**
 * The LZ4 block codec the seal uses to shrink uplink bodies (firmware/core/lz4.ts): it reads a block made by the
 * reference tool, what it writes follows the format's rules (so any LZ4 decoder reads it), it round-trips, and
 * a damaged block gives undefined, never an exception or a wrong-sized body.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fromHex } from "../../firmware/core/bytes";
import { compressBlock, decompressBlock, maxCompressed } from "../../firmware/core/lz4";

const ref = JSON.parse(readFileSync(new URL("./lz4-reference.json", import.meta.url), "utf8")) as { body: string; block: string };
const body = fromHex(ref.body)!;
const block = fromHex(ref.block)!;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) & 0xff;
}

/** The sequences of a block: [literal count, match offset, match length] (offset 0 = the last, literals only). */
function sequences(b: Uint8Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  let i = 0;
  const more = (v: number) => {
    let x: number;
    do v += x = b[i++];
    while (x === 255);
    return v;
  };
  while (i < b.length) {
    const t = b[i++];
    let lit = t >> 4;
    if (lit === 15) lit = more(lit);
    i += lit;
    if (i >= b.length) {
      out.push([lit, 0, 0]);
      break;
    }
    const off = b[i] | (b[i + 1] << 8);
    i += 2;
    let len = t & 15;
    if (len === 15) len = more(len);
    out.push([lit, off, len + 4]);
  }
  return out;
}

describe("LZ4 block codec", () => {
  it("decodes the reference tool's block of a location batch", () => {
    expect(decompressBlock(block, body.length)).toEqual(body);
  });

  it("compresses that batch to about a third, within a few bytes of the tool's high-compression mode", () => {
    const mine = compressBlock(body);
    expect(decompressBlock(mine, body.length)).toEqual(body);
    expect(mine.length).toBeLessThan(body.length * 0.4);
    expect(mine.length).toBeLessThan(block.length * 1.1);
  });

  it("keeps the format's end rules: the last 5 bytes literal, the last match starting 12 or more before the end", () => {
    const next = rng(3);
    const inputs = [body, new Uint8Array(40).fill(7), Uint8Array.from({ length: 300 }, (_, i) => (i % 17 < 9 ? 0x7e : next()))];
    for (const src of inputs) {
      const seqs = sequences(compressBlock(src));
      let pos = 0;
      let lastMatch = -1;
      for (const [lit, off, len] of seqs) {
        pos += lit;
        if (off) {
          lastMatch = pos;
          pos += len;
        }
      }
      expect(pos).toBe(src.length);
      expect(seqs[seqs.length - 1][1]).toBe(0);
      expect(seqs[seqs.length - 1][0]).toBeGreaterThanOrEqual(Math.min(5, src.length));
      if (lastMatch >= 0) expect(lastMatch).toBeLessThanOrEqual(src.length - 12);
    }
  });

  it("round-trips short, long, repetitive and random inputs, never above the worst case", () => {
    const next = rng(11);
    for (let n = 0; n < 70; n++) {
      const src = Uint8Array.from({ length: n }, () => next() & 3);
      expect(decompressBlock(compressBlock(src), n)).toEqual(src);
    }
    for (const n of [255, 256, 270, 1000, 5000, 70000]) {
      const random = Uint8Array.from({ length: n }, next);
      const c = compressBlock(random);
      expect(c.length).toBeLessThanOrEqual(maxCompressed(n));
      expect(decompressBlock(c, n)).toEqual(random);
      const runs = Uint8Array.from({ length: n }, (_, i) => (i >> 9) & 0xff);
      expect(decompressBlock(compressBlock(runs), n)).toEqual(runs);
    }
  });

  it("refuses damaged blocks: truncated, wrong size, offset zero or before the start, lengths past the end", () => {
    expect(decompressBlock(block.subarray(0, block.length - 3), body.length)).toBeUndefined();
    expect(decompressBlock(block, body.length - 1)).toBeUndefined();
    expect(decompressBlock(block, body.length + 1)).toBeUndefined();
    expect(decompressBlock(Uint8Array.of(0x10, 0x41, 0x00, 0x00, 0x00), 10)).toBeUndefined(); // offset 0
    expect(decompressBlock(Uint8Array.of(0x10, 0x41, 0x05, 0x00, 0x00), 10)).toBeUndefined(); // before the start
    expect(decompressBlock(Uint8Array.of(0xf0, 0xff, 0xff), 10)).toBeUndefined(); // literal length runs out
    expect(decompressBlock(Uint8Array.of(0x50, 1, 2, 3), 3)).toBeUndefined(); // literals past the end
    expect(decompressBlock(new Uint8Array(0), 0)).toEqual(new Uint8Array(0));
  });

  it("never throws on random bytes", () => {
    const next = rng(5);
    for (let k = 0; k < 2000; k++) {
      const junk = Uint8Array.from({ length: next() % 64 }, next);
      const size = next() * 4;
      const out = decompressBlock(junk, size);
      if (out) expect(out.length).toBe(size);
    }
  });
});
