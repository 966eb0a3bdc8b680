/**
 * A simulated UART between the firmware and a simulated module. The module side lives as long as the run (it is
 * hardware); the firmware side is re-bound at every wake, and bytes that arrive while the firmware is asleep or
 * has no receiver are dropped and counted, as a real UART with the CPU in deep sleep would.
 */
import type { Serial } from "../../hal/ports";
import type { Scheduler } from "../world/scheduler";

/** What a simulated module implements to sit on a UART. */
export interface SimModule {
  /** Bytes the firmware wrote (only called while the module is powered). */
  fromHost(bytes: Uint8Array): void;
  /** The board's power enable for the module's main supply changed. */
  setPower(on: boolean): void;
}

export class SimUart {
  private receiver: ((chunk: Uint8Array) => void) | undefined;
  private gen = 0;
  powered: boolean;
  dropped = 0;
  received = 0; // bytes delivered to the firmware

  constructor(
    private readonly sched: Scheduler,
    private readonly module: SimModule,
    poweredAtStart = false,
  ) {
    this.powered = poweredAtStart;
  }

  /** Module side: sends bytes to the firmware, arriving as one chunk at `at` (default now). */
  toHost(bytes: Uint8Array, at = this.sched.now): void {
    const copy = bytes.slice();
    this.sched.at(at, () => {
      if (!this.receiver) {
        this.dropped += copy.length;
        return;
      }
      this.received += copy.length;
      this.receiver(copy);
    });
  }

  /** Firmware side for one wake. `alive` says whether that wake is still running. */
  bind(alive: () => boolean): Serial {
    const gen = ++this.gen;
    this.receiver = undefined;
    const live = () => gen === this.gen && alive();
    return {
      write: (bytes) => {
        if (live() && this.powered) this.module.fromHost(bytes.slice());
      },
      onReceive: (fn) => {
        if (live()) this.receiver = (c) => (live() ? fn(c) : (this.dropped += c.length));
      },
      setPower: (on) => {
        if (!live() || on === this.powered) return;
        this.powered = on;
        this.module.setPower(on);
      },
      powered: () => this.powered,
    };
  }

  /** The firmware went to sleep: nobody listens until the next bind. */
  unbind(): void {
    this.gen++;
    this.receiver = undefined;
  }

  /** Supply lost (power cut): the module's main supply drops with everything else. */
  cut(): void {
    this.unbind();
    if (this.powered) {
      this.powered = false;
      this.module.setPower(false);
    }
  }
}
