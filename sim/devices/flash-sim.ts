/**
 * The simulated record flash: NOR semantics enforced (erase sets a page to 0xFF, a write can only clear bits and
 * is applied as old AND new, as the real part does) and power cuts injected at a chosen byte of flash activity.
 *
 * A cut stops the operation in progress part-way: the bytes before the cut are done, the byte at the cut is
 * partly programmed (a write clears a random strict subset of the bits it would clear, an erase sets a random
 * strict subset of the bits it would set) and the rest is untouched; then PowerCutError is thrown so the
 * simulator can unwind the wake. The flash stays dead (every operation throws) until powerOn(), so firmware that
 * catches exceptions (the bus does) cannot go on writing after the power is gone.
 */
import type { RecordFlash } from "../../hal/ports";
import type { Rng } from "../world/rng";

export class PowerCutError extends Error {
  constructor(readonly during: "write" | "erase" | "read" | "dead") {
    super(`power cut during flash ${during}`);
    this.name = "PowerCutError";
  }
}

export class SimFlash implements RecordFlash {
  readonly data: Uint8Array;
  readonly erasesPerPage: Uint32Array;
  bytesWritten = 0;
  bytesRead = 0;
  writes = 0;
  cuts = 0;
  private budget = -1;
  private rng: Rng | undefined;
  private dead = false;

  constructor(
    readonly pageSize = 4096,
    readonly pageCount = 16,
  ) {
    if (!(pageSize > 0 && pageCount > 0)) throw new RangeError("flash geometry must be positive");
    this.data = new Uint8Array(pageSize * pageCount).fill(0xff);
    this.erasesPerPage = new Uint32Array(pageCount);
  }

  get size(): number {
    return this.data.length;
  }

  get erases(): number {
    let n = 0;
    for (let i = 0; i < this.erasesPerPage.length; i++) n += this.erasesPerPage[i];
    return n;
  }

  /**
   * Arms a cut after `afterBytes` more bytes of flash activity (a write counts its length, an erase its page
   * size); the operation that reaches the budget is the one cut. rng picks the partial bits of the byte at the cut.
   */
  armCut(afterBytes: number, rng: Rng): void {
    this.budget = Math.max(0, Math.floor(afterBytes));
    this.rng = rng;
  }

  disarm(): void {
    this.budget = -1;
  }

  get armed(): boolean {
    return this.budget >= 0;
  }

  /** Whether a cut happened and power has not been restored. */
  get isDead(): boolean {
    return this.dead;
  }

  powerOn(): void {
    this.dead = false;
  }

  read(offset: number, length: number): Uint8Array {
    if (this.dead) throw new PowerCutError("dead");
    this.check(offset, length);
    this.bytesRead += length;
    return this.data.slice(offset, offset + length);
  }

  write(offset: number, bytes: Uint8Array): void {
    if (this.dead) throw new PowerCutError("dead");
    this.check(offset, bytes.length);
    this.writes++;
    for (let i = 0; i < bytes.length; i++) {
      const old = this.data[offset + i];
      if (this.budget === 0) {
        const clear = old & ~bytes[i] & 0xff;
        this.data[offset + i] = old & ~this.strictSubset(clear);
        this.cut("write");
      }
      if (this.budget > 0) this.budget--;
      this.data[offset + i] = old & bytes[i];
      this.bytesWritten++;
    }
  }

  erase(page: number): void {
    if (this.dead) throw new PowerCutError("dead");
    if (!Number.isInteger(page) || page < 0 || page >= this.pageCount) throw new RangeError(`no flash page ${page}`);
    const base = page * this.pageSize;
    if (this.budget >= this.pageSize) this.budget -= this.pageSize;
    else if (this.budget >= 0) {
      const at = base + this.budget;
      this.data.fill(0xff, base, at);
      const set = ~this.data[at] & 0xff;
      this.data[at] |= this.strictSubset(set);
      this.erasesPerPage[page]++;
      this.cut("erase");
    }
    this.data.fill(0xff, base, base + this.pageSize);
    this.erasesPerPage[page]++;
  }

  /** A copy of the whole partition (to replay a scenario from the same state). */
  clone(): SimFlash {
    const f = new SimFlash(this.pageSize, this.pageCount);
    f.data.set(this.data);
    f.erasesPerPage.set(this.erasesPerPage);
    f.bytesWritten = this.bytesWritten;
    f.writes = this.writes;
    return f;
  }

  private strictSubset(mask: number): number {
    if (mask === 0) return 0;
    const r = mask & Math.floor((this.rng ? this.rng.next() : 0) * 256);
    return r === mask ? 0 : r;
  }

  private cut(during: "write" | "erase"): never {
    this.budget = -1;
    this.dead = true;
    this.cuts++;
    throw new PowerCutError(during);
  }

  private check(offset: number, length: number): void {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.data.length) {
      throw new RangeError(`flash access ${offset}+${length} outside 0..${this.data.length}`);
    }
  }
}
