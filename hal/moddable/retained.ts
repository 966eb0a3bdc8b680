/** Retained bytes in RTC slow memory (native module): kept through deep sleep, lost on a power cut or reset. */
import * as native from "./native/deep-sleep";
import type { Retained } from "../ports";

export class RtcRetained implements Retained {
  readonly capacity = native.retainedCapacity();

  load(): Uint8Array | undefined {
    const data = native.retainedLoad();
    return data === undefined ? undefined : new Uint8Array(data);
  }

  save(bytes: Uint8Array): void {
    if (bytes.length > this.capacity) throw new RangeError(`retained state ${bytes.length} > ${this.capacity} bytes`);
    native.retainedSave(bytes);
  }
}
