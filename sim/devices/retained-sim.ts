/**
 * The simulated RTC memory: bytes that survive deep sleep (the simulator keeps this object between wakes) and
 * vanish on a power cut (wipe()). Saving more than the capacity is a firmware bug, so it throws.
 */
import type { Retained } from "../../hal/ports";

export class SimRetained implements Retained {
  private bytes: Uint8Array | undefined;
  saves = 0;

  constructor(readonly capacity = 4096) {}

  load(): Uint8Array | undefined {
    return this.bytes?.slice();
  }

  save(bytes: Uint8Array): void {
    if (bytes.length > this.capacity) throw new RangeError(`retained save of ${bytes.length} B exceeds ${this.capacity} B`);
    this.bytes = bytes.slice();
    this.saves++;
  }

  /** A power cut: RTC memory loses its contents. */
  wipe(): void {
    this.bytes = undefined;
  }
}
