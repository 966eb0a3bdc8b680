/**
 * Debounced digital input (door reed switch, ignition/ACC line) that keeps the exact time of each change.
 *
 * States: stable (raw level = reported level, nothing pending) | settling (raw edges seen since `first`; the
 *   input must stay quiet for settleMs before the outcome counts).
 * Inputs: raw edges (level, time) from DigitalIn.onChange, or the level read at boot after a wake on an edge
 *   (the edge time is then the wake time); polls at the deadline nextCheck() asks for.
 * Outputs: a stable edge {level, at} where `at` is the FIRST raw edge of the burst that led to the change — a
 *   door that bounces for 30 ms opened when it first moved, not when it stopped bouncing. A burst that ends at
 *   the old level is a glitch: counted, not reported.
 *
 * Pure functions over a small JSON state, so the state can ride in retained memory across deep sleep.
 */
import type { Millis } from "../../hal/ports";

export interface DebounceState {
  stable: boolean;
  raw: boolean;
  first?: Millis; // first raw edge of the pending burst
  last: Millis; // latest raw edge
  glitches: number;
}

export interface Edge {
  level: boolean;
  at: Millis;
}

export interface DebounceStep {
  state: DebounceState;
  edge?: Edge;
}

/** Settling times that suit the inputs: a reed switch bounces for ms, an ACC line rings while cranking. */
export const SETTLE_MS = Object.freeze({ door: 50, ignition: 1000 });

export function debounceInit(level: boolean, at: Millis): DebounceState {
  return { stable: level, raw: level, last: at, glitches: 0 };
}

/** Resolves a pending burst once the input has been quiet for settleMs. */
export function debouncePoll(s: DebounceState, now: Millis, settleMs: number): DebounceStep {
  if (s.first === undefined || now - s.last < settleMs) return { state: s };
  if (s.raw === s.stable) return { state: { stable: s.stable, raw: s.raw, last: s.last, glitches: s.glitches + 1 } };
  return {
    state: { stable: s.raw, raw: s.raw, last: s.last, glitches: s.glitches },
    edge: { level: s.raw, at: s.first },
  };
}

/**
 * A raw edge. Settles any earlier burst first (its quiet time may have passed while nobody polled), so the
 * returned edge, if any, belongs to the earlier burst. Edges older than the last one seen are ignored.
 */
export function debounceFeed(s: DebounceState, level: boolean, at: Millis, settleMs: number): DebounceStep {
  const settled = debouncePoll(s, at, settleMs);
  const p = settled.state;
  if (level === p.raw || at < p.last) return settled;
  // Back and forth within one burst keeps the burst's first edge.
  const next: DebounceState = { stable: p.stable, raw: level, first: p.first ?? at, last: at, glitches: p.glitches };
  return { state: next, edge: settled.edge };
}

/** When the caller must poll to resolve a pending burst, or undefined when stable. */
export function debounceDeadline(s: DebounceState, settleMs: number): Millis | undefined {
  return s.first === undefined ? undefined : s.last + settleMs;
}

/** The same logic as a small object for a wake's event handlers. */
export class Debouncer {
  private s: DebounceState;

  constructor(
    readonly settleMs: number,
    initial: boolean,
    now: Millis,
    state?: DebounceState,
  ) {
    this.s = validState(state) ? { ...state } : debounceInit(initial, now);
  }

  /** The reported (debounced) level. */
  level(): boolean {
    return this.s.stable;
  }

  get glitches(): number {
    return this.s.glitches;
  }

  edge(level: boolean, at: Millis): Edge | undefined {
    const r = debounceFeed(this.s, level, at, this.settleMs);
    this.s = r.state;
    return r.edge;
  }

  /** At boot: the level read now; when it differs from the last raw level, the wake edge happened at `at`. */
  wake(level: boolean, at: Millis): Edge | undefined {
    return this.edge(level, at);
  }

  poll(now: Millis): Edge | undefined {
    const r = debouncePoll(this.s, now, this.settleMs);
    this.s = r.state;
    return r.edge;
  }

  nextCheck(): Millis | undefined {
    return debounceDeadline(this.s, this.settleMs);
  }

  snapshot(): DebounceState {
    return { ...this.s };
  }
}

function validState(s: DebounceState | undefined): s is DebounceState {
  return (
    !!s &&
    typeof s.stable === "boolean" &&
    typeof s.raw === "boolean" &&
    typeof s.last === "number" &&
    typeof s.glitches === "number" &&
    (s.first === undefined || typeof s.first === "number")
  );
}
