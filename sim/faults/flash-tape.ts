/**
 * A recording wrapper around the simulated record flash: every write and erase the firmware makes goes on a tape
 * (offset and bytes, or page), in order, so a campaign can rebuild the partition as it was before any one of them
 * and cut power inside it. It can also arm a cut at the start of the n-th operation (k bytes into it), which is how
 * a whole trip is rerun with the supply failing at one chosen flash write.
 *
 * Inputs: RecordFlash calls (passed through to the SimFlash underneath). Outputs: `ops`, the tape; `count`.
 */
import type { RecordFlash } from "../../hal/ports";
import type { Rng } from "../world/rng";
import type { SimFlash } from "../devices/flash-sim";

export type FlashOp = { kind: "write"; offset: number; bytes: Uint8Array } | { kind: "erase"; page: number };

/** Bytes of flash activity an operation counts for a cut budget (SimFlash's unit). */
export function opBytes(op: FlashOp, pageSize: number): number {
  return op.kind === "write" ? op.bytes.length : pageSize;
}

/** Replays one operation on a flash (a cut armed on it fires inside, as it would have on the device). */
export function applyOp(flash: RecordFlash, op: FlashOp): void {
  if (op.kind === "write") flash.write(op.offset, op.bytes);
  else flash.erase(op.page);
}

export class FlashTape implements RecordFlash {
  readonly ops: FlashOp[] = [];
  private cutAt = -1;
  private cutInto = 0;
  private cutRng: Rng | undefined;
  private n = 0;

  constructor(
    readonly inner: SimFlash,
    private readonly record = true,
  ) {}

  get pageSize(): number {
    return this.inner.pageSize;
  }
  get pageCount(): number {
    return this.inner.pageCount;
  }
  /** Writes and erases so far. */
  get count(): number {
    return this.n;
  }

  /** Cuts the supply `into` bytes inside the operation numbered `index` (0 = the first write or erase). */
  cutAtOp(index: number, into: number, rng: Rng): void {
    this.cutAt = index;
    this.cutInto = into;
    this.cutRng = rng;
  }

  read(offset: number, length: number): Uint8Array {
    return this.inner.read(offset, length);
  }

  write(offset: number, bytes: Uint8Array): void {
    this.before();
    this.inner.write(offset, bytes);
    // only what completed goes on the tape: a tape of a trip with cuts would not replay to the same flash
    if (this.record) this.ops.push({ kind: "write", offset, bytes: bytes.slice() });
  }

  erase(page: number): void {
    this.before();
    this.inner.erase(page);
    if (this.record) this.ops.push({ kind: "erase", page });
  }

  // The device runner's cut hooks, passed through.
  armCut(afterBytes: number, rng: Rng): void {
    this.inner.armCut(afterBytes, rng);
  }
  disarm(): void {
    this.inner.disarm();
  }
  powerOn(): void {
    this.inner.powerOn();
  }
  get isDead(): boolean {
    return this.inner.isDead;
  }

  private before(): void {
    if (this.n === this.cutAt && !this.inner.isDead && this.cutRng) {
      this.inner.armCut(this.cutInto, this.cutRng);
      this.cutAt = -1;
    }
    this.n++;
  }
}
