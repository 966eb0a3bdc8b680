/**
 * A duty is one thing the tracker must do on schedule (sample temperatures, report a position, deliver records).
 * The wake cycle runs every duty due now; duties due within SHARE_MS of each other share one boot.
 * Sense duties run first (together); deliver duties run once sensing is finished, so what was just recorded
 * goes out in the same radio session.
 */
import type { App } from "./app";

export type Phase = "sense" | "deliver";

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
}

/** Duties due this close together share a boot rather than costing one each. */
export const SHARE_MS = 5_000;
