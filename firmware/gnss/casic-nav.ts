/**
 * The two CASIC binary navigation messages an AT6558 sends when switched to binary output: NAV-PV (class 0x01,
 * id 0x03: position, velocity, satellites used) and NAV-TIMEUTC (0x01/0x10). Layouts checked against the
 * 910 frames of the gpsd L76K capture. Pure decoders; a short payload decodes to undefined.
 */
import { emptyBySystem, formatTod, type FixMode, type GnssFix } from "./gnss-fix";

export const CASIC_NAV_PV = 0x0103;
export const CASIC_NAV_TIMEUTC = 0x0110;

export interface CasicPv {
  mode: FixMode;
  lat: number;
  lon: number;
  altHAE: number;
  geoidSep: number;
  satsUsed: number;
  gps: number;
  bds: number;
  glonass: number;
  pdop: number;
  speed: number;
  course: number;
}

export function decodePv(p: Uint8Array): CasicPv | undefined {
  if (p.length < 80) return undefined;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  // posValid: 6 = 2D fix, 7 = 3D fix, 8 = GNSS + dead reckoning; below 6 no usable fix.
  const valid = p[4];
  const mode: FixMode = valid === 7 || valid === 8 ? 3 : valid === 6 ? 2 : 1;
  return {
    mode,
    satsUsed: p[7],
    gps: p[8],
    bds: p[9],
    glonass: p[10],
    pdop: v.getFloat32(12, true),
    lon: v.getFloat64(16, true),
    lat: v.getFloat64(24, true),
    altHAE: v.getFloat32(32, true),
    geoidSep: v.getFloat32(36, true),
    speed: v.getFloat32(64, true),
    course: v.getFloat32(68, true),
  };
}

export interface CasicTime {
  todMs: number;
  dateMs?: number;
}

export function decodeTimeUtc(p: Uint8Array): CasicTime | undefined {
  if (p.length < 24) return undefined;
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  const ms = v.getUint16(12, true);
  const year = v.getUint16(14, true);
  const [month, day, hour, min, sec] = [p[16], p[17], p[18], p[19], p[20]];
  const dateValid = p[23];
  if (hour > 23 || min > 59 || sec > 60 || ms > 999) return undefined;
  const out: CasicTime = { todMs: hour * 3600000 + min * 60000 + sec * 1000 + ms };
  if (dateValid !== 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && year >= 1980) {
    out.dateMs = Date.UTC(year, month - 1, day);
  }
  return out;
}

/** One binary epoch (NAV-PV, then its NAV-TIMEUTC) as the same fix object the NMEA path produces. */
export function casicFix(pv: CasicPv, t: CasicTime): GnssFix {
  const used = emptyBySystem();
  used.gps = pv.gps;
  used.bds = pv.bds;
  used.glonass = pv.glonass;
  const fix: GnssFix = {
    timeOfDay: formatTod(t.todMs),
    todMs: t.todMs,
    mode: pv.mode,
    quality: pv.mode > 1 ? 1 : 0,
    satsUsed: pv.satsUsed,
    usedBySystem: used,
    bdsUsed: pv.bds,
    satsInView: 0,
    inView: [],
    pdop: pv.pdop,
  };
  if (t.dateMs !== undefined) fix.utcMs = t.dateMs + t.todMs;
  if (pv.mode > 1) {
    fix.lat = pv.lat;
    fix.lon = pv.lon;
    fix.altMSL = pv.altHAE - pv.geoidSep;
    fix.geoidSep = pv.geoidSep;
    fix.speed = pv.speed;
    fix.course = pv.course;
  }
  return fix;
}
