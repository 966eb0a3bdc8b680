/**
 * A duty is one thing the tracker must do on schedule (sample temperatures, report a position, deliver records).
 * The wake cycle runs every duty due now; duties due within SHARE_MS of each other share one boot.
 * Sense duties run first (together); deliver duties run once sensing is finished, so what was just recorded
 * goes out in the same radio session; fallback duties run last, knowing how delivery went.
 */
import type { App } from "./app";

/** sense: measure and record; deliver: NB-IoT session; fallback: what to do when NB-IoT could not deliver. */
export type Phase = "sense" | "deliver" | "fallback";

export interface Duty {
  readonly name: string;
  readonly phase: Phase;
  /** When this duty next needs the device awake (monotonic ms); Infinity when nothing is scheduled. */
  dueAt(app: App): number;
  /** Does this wake's work and calls done() exactly once, possibly later from a callback. */
  run(app: App, done: () => void): void;
  /** Called at every boot before any duty runs (e.g. to notice input edges that happened during sleep). */
  boot?(app: App): void;
  /** Called before the wake saves its state, whether or not the duty ran. */
  save?(app: App): void;
  /**
   * A sense duty whose work cannot wait for the rest of the cycle: when it falls due while a later phase is
   * still running (a long modem session in poor coverage), the wake cycle starts it then, and ends the wake only
   * once it is done.
   */
  readonly late?: boolean;
}

/** Duties due this close together share a boot rather than costing one each. */
export const SHARE_MS = 5_000;

/**
 * How NB-IoT delivery has been going, kept by the uplink duty in app.mod("nbiot") and read by the fallback duty.
 * Times are monotonic ms.
 */
export interface LinkHealth {
  failingSince?: number; // first failed session since the last success; absent while delivery works
  lastOkAt?: number; // end of the last session that delivered everything it had
  lastPositionAckAt?: number; // when the platform last acknowledged a position record
  coverage?: "good" | "poor" | "none" | "unknown";
}
