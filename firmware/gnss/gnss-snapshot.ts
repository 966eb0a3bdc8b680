/** The GNSS driver's events and the small JSON state it keeps across deep sleep (see gnss-receiver.ts). */
import type { AntennaStatus } from "./gnss-parser";
import type { GnssFix } from "./gnss-fix";
import type { AcceptConfig, FailReason, StartKind } from "./fix-policy";
import type { ReceiverModel } from "./receiver-commands";

export type GnssEvent =
  | { type: "gnss-fix"; fix: GnssFix; ttfMs: number; start: StartKind }
  | { type: "gnss-fail"; reason: FailReason; ttfMs: number }
  | { type: "gnss-time"; utcMs: number }
  | { type: "gnss-antenna"; status: AntennaStatus };

export type GnssPower = "off" | "on" | "standby" | "backup";
export type ReceiverState = "off" | "booting" | "searching" | "tracking" | "resting";

export interface SearchRequest {
  capMs: number;
  abortMs: number;
  accept: AcceptConfig;
  /** The start kind the policy expects; judged from the snapshot when absent. */
  start?: StartKind;
}

export interface RunningSearch {
  startedAt: number;
  start: StartKind;
  capAt: number;
  abortAt: number;
  accept: AcceptConfig;
  good: number; // consecutive acceptable epochs so far
  timeSent: boolean;
  abortChecked: boolean;
}

/** Small JSON the app keeps across deep sleep. */
export interface GnssSnapshot {
  model?: ReceiverModel;
  power: GnssPower;
  /** The receiver leaves standby/backup by itself at this time. */
  wakeAt?: number;
  lastFixAt?: number;
  /** V_BAT backup was lost (power cut) since the last fix. */
  backupLost: boolean;
  antenna?: AntennaStatus;
  search?: RunningSearch;
}
