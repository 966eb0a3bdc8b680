/**
 * The fix object one receiver epoch produces, and the constellation names shared by the parser, the receiver
 * driver and the simulator. Absent values are undefined, never zero, so "no altitude" is not "sea level".
 */

export type GnssSystem = "gps" | "glonass" | "galileo" | "bds" | "qzss" | "navic" | "sbas";

export const GNSS_SYSTEMS: readonly GnssSystem[] = Object.freeze([
  "gps",
  "glonass",
  "galileo",
  "bds",
  "qzss",
  "navic",
  "sbas",
]);

export type SatsBySystem = Record<GnssSystem, number>;

export function emptyBySystem(): SatsBySystem {
  return { gps: 0, glonass: 0, galileo: 0, bds: 0, qzss: 0, navic: 0, sbas: 0 };
}

export interface SatInView {
  system: GnssSystem;
  prn: number;
  elevation?: number;
  azimuth?: number;
  /** C/N0 in dB-Hz; undefined when the receiver is not tracking it. */
  snr?: number;
}

export type FixMode = 1 | 2 | 3;

export interface GnssFix {
  /** UTC time of day, "hh:mm:ss.sss"; "" when the receiver gave none (no time yet). */
  timeOfDay: string;
  /** The same as ms since UTC midnight, or -1 when absent. */
  todMs: number;
  /** Full UTC instant once a date is known (RMC or ZDA seen). */
  utcMs?: number;
  lat?: number;
  lon?: number;
  altMSL?: number;
  geoidSep?: number;
  /** Speed over ground, m/s. */
  speed?: number;
  /** Course over ground, degrees true. */
  course?: number;
  mode: FixMode;
  /** GGA quality: 0 none, 1 GNSS, 2 DGNSS, 4 RTK fixed, 5 RTK float, 6 dead reckoning. */
  quality: number;
  satsUsed: number;
  usedBySystem: SatsBySystem;
  /** Satellites used from BeiDou (talker BD or GB, or GNGSA with system id 4). */
  bdsUsed: number;
  hdop?: number;
  pdop?: number;
  vdop?: number;
  satsInView: number;
  inView: SatInView[];
}

/** Satellites in view with a signal (SNR > 0): the tunnel/warehouse test of the fix policy. */
export function satsWithSignal(fix: GnssFix): number {
  let n = 0;
  for (const s of fix.inView) if (s.snr !== undefined && s.snr > 0) n++;
  return n;
}

export function formatTod(todMs: number): string {
  if (todMs < 0) return "";
  const h = Math.floor(todMs / 3600000);
  const m = Math.floor(todMs / 60000) % 60;
  const s = Math.floor(todMs / 1000) % 60;
  const ms = todMs % 1000;
  const p2 = (v: number) => (v < 10 ? "0" : "") + v;
  const p3 = (v: number) => (v < 10 ? "00" : v < 100 ? "0" : "") + v;
  return `${p2(h)}:${p2(m)}:${p2(s)}.${p3(ms)}`;
}
