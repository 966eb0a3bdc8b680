/**
 * What the firmware keeps across deep sleep, in RTC memory (Retained). Lost on a power cut: the app then starts
 * from fresh() and rebuilds what it needs from flash (record log) and settings (config, registration).
 */
import type { FixSummary } from "../store/track-record";

export const STATE_VERSION = 1;

export interface AppState {
  v: number;
  boots: number;
  firstBoot: number; // monotonic ms of the boot after the last power loss
  due: Record<string, number>; // duty name -> next due time (monotonic ms)
  door: boolean;
  acc: boolean;
  external: boolean;
  accOffAt: number; // monotonic ms of the last ignition-off edge
  lastFix?: FixSummary;
  temps: (number | null)[]; // last reading per probe, 0.1 °C
  alarms: number; // JT/T 808 alarm word currently in force
  faults: number; // firmware faults (exceptions) since the last power loss
  mods: Record<string, unknown>; // module snapshots, by module name
}

export function freshState(now: number): AppState {
  return {
    v: STATE_VERSION,
    boots: 0,
    firstBoot: now,
    due: {},
    door: false,
    acc: false,
    external: false,
    accOffAt: now,
    temps: [],
    alarms: 0,
    faults: 0,
    mods: {},
  };
}

/** Accepts a decoded snapshot only when it has the shape of this version; anything else means start fresh. */
export function checkState(x: unknown): AppState | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const s = x as Partial<AppState>;
  if (s.v !== STATE_VERSION || typeof s.boots !== "number" || typeof s.due !== "object" || typeof s.mods !== "object")
    return undefined;
  return s as AppState;
}
