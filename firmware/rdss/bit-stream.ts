/**
 * MSB-first bit packing for the short-message payload, where every bit of a 628-bit message counts. The reader
 * never throws: reading past the end sets `ok` false and yields zeros, like core/bytes' Reader.
 */

export class BitWriter {
  private buf = new Uint8Array(64);
  private bits = 0;

  get length(): number {
    return this.bits;
  }

  /** Writes the low `n` bits of v (n <= 32), most significant first. Callers clamp v to its field. */
  put(v: number, n: number): this {
    for (let k = n - 1; k >= 0; k--) this.bit(Math.floor(v / 2 ** k) % 2);
    return this;
  }

  flag(b: boolean): this {
    return this.bit(b ? 1 : 0);
  }

  /** Rewrites `n` bits at bit position `at` (a count patched after the fact). */
  patch(at: number, v: number, n: number): void {
    const end = this.bits;
    this.bits = at;
    this.put(v, n);
    this.bits = end;
  }

  /** Drops everything after bit position `at` (a record that did not fit). */
  truncate(at: number): void {
    for (let i = at; i < this.bits; i++) this.buf[i >> 3] &= ~(0x80 >> (i & 7));
    this.bits = Math.min(this.bits, at);
  }

  /** The bytes written, the last one padded with zero bits. */
  done(): Uint8Array {
    return this.buf.slice(0, (this.bits + 7) >> 3);
  }

  private bit(b: number): this {
    if (this.bits >> 3 >= this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    const i = this.bits++;
    if (b) this.buf[i >> 3] |= 0x80 >> (i & 7);
    else this.buf[i >> 3] &= ~(0x80 >> (i & 7));
    return this;
  }
}

export class BitReader {
  ok = true;
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    private readonly endBit = buf.length * 8,
  ) {}

  get left(): number {
    return this.endBit - this.pos;
  }

  get(n: number): number {
    let v = 0;
    for (let k = 0; k < n; k++) {
      let b = 0;
      if (this.pos < this.endBit) b = (this.buf[this.pos >> 3] >> (7 - (this.pos & 7))) & 1;
      else this.ok = false;
      this.pos++;
      v = v * 2 + b;
    }
    return v;
  }

  flag(): boolean {
    return this.get(1) === 1;
  }
}
