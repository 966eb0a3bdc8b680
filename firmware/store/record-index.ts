/**
 * The RAM index of the record log: one entry per undelivered record, ordered by seq, in typed arrays so a full
 * 64 KB partition (~2000 small records) costs about 20 KB of heap on XS rather than an object per record.
 * An entry holds the seq, the flash offset of the frame, the frame size and the record kind (plus a consumed
 * bit used while the boot scan merges copies of a relocated record).
 */
import { RECORD_KINDS } from "./record-codec";
import type { RecordKind } from "./track-record";

const CONSUMED = 0x80;

export class RecordIndex {
  private seqs = new Uint32Array(64);
  private locs = new Uint32Array(64);
  private sizes = new Uint16Array(64);
  private metas = new Uint8Array(64);
  private n = 0;

  get length(): number {
    return this.n;
  }
  seq(i: number): number {
    return this.seqs[i];
  }
  loc(i: number): number {
    return this.locs[i];
  }
  size(i: number): number {
    return this.sizes[i];
  }
  kindCode(i: number): number {
    return this.metas[i] & 0x7f;
  }
  kind(i: number): RecordKind {
    return RECORD_KINDS[this.metas[i] & 0x7f];
  }
  consumed(i: number): boolean {
    return (this.metas[i] & CONSUMED) !== 0;
  }
  setLoc(i: number, loc: number): void {
    this.locs[i] = loc;
  }

  /** Position of seq, or -1. */
  find(seq: number): number {
    const i = this.lowerBound(seq);
    return i < this.n && this.seqs[i] === seq ? i : -1;
  }

  /**
   * Adds an entry in seq order. A seq already present is a second copy of a relocated record: the later call
   * (the newer page, as the scan goes oldest page first) gives the location, and consumed sticks once any copy
   * carries it, so an ack written to either copy is never undone.
   */
  put(seq: number, loc: number, size: number, kindCode: number, consumed: boolean): void {
    const i = this.lowerBound(seq);
    if (i < this.n && this.seqs[i] === seq) {
      this.locs[i] = loc;
      this.sizes[i] = size;
      if (consumed) this.metas[i] |= CONSUMED;
      return;
    }
    this.grow();
    if (i < this.n) {
      this.seqs.copyWithin(i + 1, i, this.n);
      this.locs.copyWithin(i + 1, i, this.n);
      this.sizes.copyWithin(i + 1, i, this.n);
      this.metas.copyWithin(i + 1, i, this.n);
    }
    this.seqs[i] = seq;
    this.locs[i] = loc;
    this.sizes[i] = size;
    this.metas[i] = (kindCode & 0x7f) | (consumed ? CONSUMED : 0);
    this.n++;
  }

  removeAt(i: number): void {
    this.seqs.copyWithin(i, i + 1, this.n);
    this.locs.copyWithin(i, i + 1, this.n);
    this.sizes.copyWithin(i, i + 1, this.n);
    this.metas.copyWithin(i, i + 1, this.n);
    this.n--;
  }

  /** Removes every entry for which drop(i) is true; returns how many. */
  removeWhere(drop: (i: number) => boolean): number {
    let w = 0;
    for (let i = 0; i < this.n; i++) {
      if (drop(i)) continue;
      if (w !== i) {
        this.seqs[w] = this.seqs[i];
        this.locs[w] = this.locs[i];
        this.sizes[w] = this.sizes[i];
        this.metas[w] = this.metas[i];
      }
      w++;
    }
    const removed = this.n - w;
    this.n = w;
    return removed;
  }

  private lowerBound(seq: number): number {
    let lo = 0;
    let hi = this.n;
    if (hi > 0 && this.seqs[hi - 1] < seq) return hi; // appends come in seq order: the common case
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.seqs[mid] < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private grow(): void {
    if (this.n < this.seqs.length) return;
    const cap = this.seqs.length * 2;
    const s = new Uint32Array(cap);
    s.set(this.seqs);
    this.seqs = s;
    const l = new Uint32Array(cap);
    l.set(this.locs);
    this.locs = l;
    const z = new Uint16Array(cap);
    z.set(this.sizes);
    this.sizes = z;
    const m = new Uint8Array(cap);
    m.set(this.metas);
    this.metas = m;
  }
}
