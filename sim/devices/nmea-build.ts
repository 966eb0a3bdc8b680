/**
 * NMEA sentence text as the simulated receivers write it (AT6558: NMEA 4.1 with BD talker; u-blox M10: NMEA 4.11
 * with GB talker). Written apart from the firmware's parser on purpose, so each checks the other.
 */

export type SimSystem = "gps" | "bds" | "glonass";
export type NmeaStyle = "casic" | "ublox";

export interface SimSat {
  system: SimSystem;
  prn: number;
  elevation: number;
  azimuth: number;
  snr: number; // 0 = not tracked
}

export function line(body: string): string {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i);
  return `$${body}*${(x < 16 ? "0" : "") + x.toString(16).toUpperCase()}\r\n`;
}

const pad = (v: number, n: number) => {
  let s = String(Math.floor(v));
  while (s.length < n) s = "0" + s;
  return s;
};

/** hhmmss.sss from UTC ms (AT6558 prints milliseconds, u-blox hundredths). */
export function hhmmss(utcMs: number, style: NmeaStyle): string {
  const d = new Date(utcMs);
  const frac = style === "casic" ? "." + pad(d.getUTCMilliseconds(), 3) : "." + pad(d.getUTCMilliseconds() / 10, 2);
  return pad(d.getUTCHours(), 2) + pad(d.getUTCMinutes(), 2) + pad(d.getUTCSeconds(), 2) + frac;
}

function ddmmyy(utcMs: number): string {
  const d = new Date(utcMs);
  return pad(d.getUTCDate(), 2) + pad(d.getUTCMonth() + 1, 2) + pad(d.getUTCFullYear() % 100, 2);
}

function coord(v: number, degDigits: number): string {
  const a = Math.abs(v);
  let deg = Math.floor(a);
  let min = Math.round((a - deg) * 60 * 100000) / 100000;
  if (min >= 60) {
    deg += 1;
    min -= 60;
  }
  const m = min.toFixed(5);
  return pad(deg, degDigits) + (min < 10 ? "0" : "") + m;
}

export interface SimPos {
  lat: number;
  lon: number;
  alt: number;
  speed: number; // m/s
  course: number;
}

export function talkerFor(system: SimSystem, style: NmeaStyle): string {
  return system === "gps" ? "GP" : system === "glonass" ? "GL" : style === "casic" ? "BD" : "GB";
}

const SYSTEM_ID: Readonly<Record<SimSystem, number>> = Object.freeze({ gps: 1, glonass: 2, bds: 4 });

export function gga(talker: string, utcMs: number | undefined, style: NmeaStyle, p: SimPos | undefined, used: number, hdop: number): string {
  const t = utcMs === undefined ? "" : hhmmss(utcMs, style);
  if (!p) return line(`${talker}GGA,${t},,,,,0,${pad(used, 2)},,,,,,,`);
  const lat = `${coord(p.lat, 2)},${p.lat >= 0 ? "N" : "S"}`;
  const lon = `${coord(p.lon, 3)},${p.lon >= 0 ? "E" : "W"}`;
  return line(`${talker}GGA,${t},${lat},${lon},1,${pad(used, 2)},${hdop.toFixed(1)},${p.alt.toFixed(1)},M,-8.0,M,,`);
}

export function rmc(talker: string, utcMs: number | undefined, style: NmeaStyle, p: SimPos | undefined): string {
  const t = utcMs === undefined ? "" : hhmmss(utcMs, style);
  const date = utcMs === undefined ? "" : ddmmyy(utcMs);
  if (!p) return line(`${talker}RMC,${t},V,,,,,,,${date},,,N,V`);
  const lat = `${coord(p.lat, 2)},${p.lat >= 0 ? "N" : "S"}`;
  const lon = `${coord(p.lon, 3)},${p.lon >= 0 ? "E" : "W"}`;
  const knots = ((p.speed * 3600) / 1852).toFixed(2);
  return line(`${talker}RMC,${t},A,${lat},${lon},${knots},${p.course.toFixed(2)},${date},,,A,V`);
}

export function zda(talker: string, utcMs: number, style: NmeaStyle): string {
  const d = new Date(utcMs);
  return line(`${talker}ZDA,${hhmmss(utcMs, style)},${pad(d.getUTCDate(), 2)},${pad(d.getUTCMonth() + 1, 2)},${d.getUTCFullYear()},00,00`);
}

/** One GSA per system in NMEA 4.1 form (talker GN, trailing system id). */
export function gsa(system: SimSystem, prns: number[], fixType: number, pdop: number, hdop: number, vdop: number): string {
  const f: string[] = [];
  for (let i = 0; i < 12; i++) f.push(i < prns.length ? pad(prns[i], 2) : "");
  const dop = fixType > 1 ? `${pdop.toFixed(1)},${hdop.toFixed(1)},${vdop.toFixed(1)}` : ",,";
  return line(`GNGSA,A,${fixType},${f.join(",")},${dop},${SYSTEM_ID[system]}`);
}

/** GSV cycle for one system; an empty sky is one sentence with 0 satellites. */
export function gsv(talker: string, sats: SimSat[], signalId: number): string {
  if (sats.length === 0) return line(`${talker}GSV,1,1,00,${signalId}`);
  const total = Math.ceil(sats.length / 4);
  let out = "";
  for (let m = 0; m < total; m++) {
    const parts: string[] = [];
    for (const s of sats.slice(m * 4, m * 4 + 4)) {
      parts.push(`${pad(s.prn, 2)},${pad(s.elevation, 2)},${pad(s.azimuth, 3)},${s.snr > 0 ? pad(s.snr, 2) : ""}`);
    }
    out += line(`${talker}GSV,${total},${m + 1},${pad(sats.length, 2)},${parts.join(",")},${signalId}`);
  }
  return out;
}

export function txt(talker: string, kind: number, text: string): string {
  return line(`${talker}TXT,01,01,${pad(kind, 2)},${text}`);
}
