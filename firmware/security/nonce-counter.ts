/**
 * A counter that never repeats a value for the life of a key, across deep sleep, crashes and power cuts: values
 * are reserved in blocks persisted to NVS BEFORE any of them is used. Every boot that draws a value first reserves
 * a fresh block (one NVS write); whatever a boot leaves unused is skipped, never reused, so a lost RAM state (deep
 * sleep, power cut, watchdog) can only waste values. With 64 per block and ~150 sealed boots a day, a u32 lasts
 * over a thousand years; at the end next() refuses (undefined) and the device needs a new root key.
 *
 * Inputs: the settings port, a setting name. Outputs: values 1, 2, … strictly increasing; `reservations` counts
 * the NVS writes.
 */
import type { Settings } from "../../hal/ports";

export const COUNTER_BLOCK = 64;
const MAX = 0xffffffff;

export class NonceCounter {
  private nextValue = 0;
  private limit = 0; // exclusive; 0 = nothing reserved in this boot yet
  reservations = 0;

  constructor(
    private readonly settings: Settings,
    private readonly key: string,
    private readonly block = COUNTER_BLOCK,
  ) {}

  /** The highest value reserved so far (the persisted mark). */
  mark(): number {
    const v = Number(this.settings.get(this.key) ?? "0");
    return Number.isInteger(v) && v > 0 ? v : 0;
  }

  next(): number | undefined {
    if (this.limit === 0 || this.nextValue >= this.limit) {
      const from = Math.max(this.limit, this.mark() + 1, 1);
      if (from > MAX) return undefined;
      const to = Math.min(from + this.block - 1, MAX);
      this.settings.set(this.key, String(to)); // persisted before use: a cut after this only skips values
      this.reservations++;
      this.nextValue = from;
      this.limit = to + 1;
    }
    return this.nextValue++;
  }
}
