/**
 * What the tracker records: one type for every entry of the record log, whatever caused it. The store encodes it
 * for flash, the protocol maps it to a JT/T 808 location body (0x0200) plus the vendor item, the short-message
 * codec packs it compactly. Units are chosen to be exact integers on the wire.
 */

export type RecordKind = "position" | "temperature" | "alarm" | "door" | "trip" | "heartbeat";

/** Alarm and event codes carried in records (vendor item) and mapped to JT/T alarm bits where one exists. */
export type AlarmCode =
  | "temp-high"
  | "temp-low"
  | "probe-fault"
  | "door-open-long"
  | "door-open-moving"
  | "battery-low"
  | "power-lost"
  | "gnss-fault"
  | "antenna-open"
  | "antenna-short"
  | "area-enter"
  | "area-exit"
  | "area-dwell"
  | "area-speed";

/** Every kind, in wire order: the index is the code in flash, in the JT/T vendor item and in short messages. */
export const RECORD_KINDS: readonly RecordKind[] = Object.freeze([
  "position",
  "temperature",
  "alarm",
  "door",
  "trip",
  "heartbeat",
] as RecordKind[]);

/** Every alarm code, in wire order (the vendor item sends index + 1 so that 0 stays invalid). */
export const ALARM_CODES: readonly AlarmCode[] = Object.freeze([
  "temp-high",
  "temp-low",
  "probe-fault",
  "door-open-long",
  "door-open-moving",
  "battery-low",
  "power-lost",
  "gnss-fault",
  "antenna-open",
  "antenna-short",
  "area-enter",
  "area-exit",
  "area-dwell",
  "area-speed",
] as AlarmCode[]);

export interface AlarmDetail {
  code: AlarmCode;
  raised: boolean; // false = cleared
  probe?: number; // probe index
  band?: number; // band index
  extreme?: number; // 0.1 °C, the worst value seen
  startUtc?: number; // ms
  durationS?: number;
  /** The platform area (JT/T 808 type 1 circle, 2 rectangle, 3 polygon, and its id) of an area-* code. */
  area?: { type: number; id: number };
}

export interface FixSummary {
  lat: number; // degrees, WGS-84, south negative
  lon: number; // degrees, west negative
  alt: number; // metres MSL
  speedKmh: number;
  course: number; // degrees
  sats: number;
  gps: boolean; // GPS satellites used
  bds: boolean; // BeiDou satellites used
  utc: number; // ms, time of the fix
}

export interface TrackRecord {
  seq: number; // assigned by the record log, strictly increasing across the device's life
  kind: RecordKind;
  utc: number; // ms UTC at creation (0 when wall time was unknown; mono then orders it)
  mono: number; // monotonic ms at creation
  fix?: FixSummary; // last known position (its age is utc - fix.utc)
  temps: (number | null)[]; // per configured probe, 0.1 °C, null = probe fault / no reading
  doorOpen: boolean;
  acc: boolean;
  external: boolean; // on truck power
  batteryMv: number;
  alarms: number; // JT/T 808 alarm word in force when recorded
  detail?: AlarmDetail; // for kind "alarm" (and "door" events: code absent → plain door edge)
  odometerM?: number;
  rssi?: number;
}
