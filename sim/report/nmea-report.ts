/**
 * `tracker nmea <file>`: a receiver log to one JSON line per epoch that has a position or changes the fix mode.
 * Platform-free: the CLI reads the file and prints the lines.
 */
import type { GnssFix } from "../../firmware/gnss/gnss-fix";
import { GnssParser } from "../../firmware/gnss/gnss-parser";

function round(v: number, digits: number): number {
  const k = 10 ** digits;
  return Math.round(v * k) / k;
}

export function fixJson(f: GnssFix): string {
  const o: Record<string, unknown> = {
    time: f.utcMs !== undefined ? new Date(f.utcMs).toISOString() : f.timeOfDay,
    mode: f.mode,
  };
  if (f.lat !== undefined && f.lon !== undefined) {
    o.lat = round(f.lat, 7);
    o.lon = round(f.lon, 7);
  }
  if (f.altMSL !== undefined) o.altMSL = round(f.altMSL, 2);
  if (f.speed !== undefined) o.speed = round(f.speed, 3);
  if (f.course !== undefined) o.track = round(f.course, 2);
  if (f.hdop !== undefined) o.hdop = f.hdop;
  o.satsUsed = f.satsUsed;
  o.bdsUsed = f.bdsUsed;
  return JSON.stringify(o);
}

export function nmeaReport(bytes: Uint8Array): string[] {
  const out: string[] = [];
  let lastMode = 0;
  const p = new GnssParser({
    fix: (f) => {
      if (f.lat !== undefined || f.mode !== lastMode) out.push(fixJson(f));
      lastMode = f.mode;
    },
  });
  p.push(bytes);
  p.flush();
  return out;
}
