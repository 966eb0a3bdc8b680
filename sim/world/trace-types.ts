/** A trip trace after validation, with every default filled in (see ../shared/TRACE-FORMAT.md). */
import type { AreaDownlink } from "./trace-areas";

export type SkyState = "open" | "urban" | "blocked";
export type Coverage = "good" | "poor" | "none";
export type GnssModel = "atgm336h" | "ublox-m10";
export type ModemModel = "bc660k" | "bc95" | "sim7020";
export type RdssModel = "none" | "bds2-2.1" | "bds3-4.0";
export type FaultKind = "power-cut" | "modem-hang" | "modem-reboot" | "gnss-garbage" | "probe-open";
export type DownlinkKind = "set-params" | "query-location" | "query-params" | "reset" | "ack-alarms" | "raw" | "set-areas" | "delete-areas";

export const SKY_STATES: readonly SkyState[] = Object.freeze(["open", "urban", "blocked"]);
export const COVERAGES: readonly Coverage[] = Object.freeze(["good", "poor", "none"]);
export const GNSS_MODELS: readonly GnssModel[] = Object.freeze(["atgm336h", "ublox-m10"]);
export const MODEM_MODELS: readonly ModemModel[] = Object.freeze(["bc660k", "bc95", "sim7020"]);
export const RDSS_MODELS: readonly RdssModel[] = Object.freeze(["none", "bds2-2.1", "bds3-4.0"]);
export const FAULT_KINDS: readonly FaultKind[] = Object.freeze([
  "power-cut",
  "modem-hang",
  "modem-reboot",
  "gnss-garbage",
  "probe-open",
]);
export const DOWNLINK_KINDS: readonly DownlinkKind[] = Object.freeze([
  "set-params",
  "query-location",
  "query-params",
  "reset",
  "ack-alarms",
  "raw",
  "set-areas",
  "delete-areas",
]);

export interface Step<V> {
  t: number; // seconds since start
  v: V;
}

export interface RoutePoint {
  t: number;
  lat: number;
  lon: number;
  alt: number;
}

export interface Fault {
  t: number;
  kind: FaultKind;
  for: number; // seconds
  probe?: string;
}

export interface Downlink {
  t: number;
  message: DownlinkKind;
  params?: Record<string, number | string>; // set-params: JT/T parameter id ("0x0029") -> value
  ids?: string[]; // query-params: parameter ids
  hex?: string; // raw: a whole JT/T 808 frame
  area?: AreaDownlink; // set-areas / delete-areas (trace-areas.ts)
}

export interface Trace {
  name: string;
  start: string;
  startUtcMs: number;
  duration: number;
  seed: number;
  device: {
    id: string;
    gnss: GnssModel;
    modem: ModemModel;
    rdss: RdssModel;
    probes: string[];
    battery: { chemistry: string; capacity_mAh: number };
  };
  config: Record<string, unknown>;
  power: Record<string, number>;
  route: RoutePoint[];
  sky: Step<SkyState>[];
  network: Step<Coverage>[];
  rdssSky: Step<number>[];
  temperature: Record<string, { t: number; c: number }[]>;
  door: Step<boolean>[]; // true = open
  ignition: Step<boolean>[];
  supply: Step<"battery" | "external">[];
  faults: Fault[];
  downlinks: Downlink[];
}
