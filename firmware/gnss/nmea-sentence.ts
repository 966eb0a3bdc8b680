/**
 * One NMEA 0183 line to a typed sentence: checksum, talker, and the fields of GGA/RMC/GSA/GSV/GLL/VTG/ZDA/TXT
 * (NMEA 4.1 system and signal ids included). Pure: a bad line is a reject kind, never an exception.
 */
import type { GnssSystem, SatInView } from "./gnss-fix";

export type Talker = "GP" | "GL" | "GA" | "BD" | "GB" | "GQ" | "GN" | "PQ" | "GI";
export type RejectKind = "checksum" | "no-checksum" | "talker" | "field";

/** BD and GB are the same constellation; GQ and PQ both mean QZSS (Quectel's PQ). GN: combined solution. */
const TALKER_SYSTEM: Readonly<Record<Talker, GnssSystem | undefined>> = Object.freeze({
  GP: "gps",
  GL: "glonass",
  GA: "galileo",
  BD: "bds",
  GB: "bds",
  GQ: "qzss",
  PQ: "qzss",
  GI: "navic",
  GN: undefined,
});

/** NMEA 4.1 GSA system ids. */
const SYSTEM_ID: readonly (GnssSystem | undefined)[] = Object.freeze([
  undefined,
  "gps",
  "glonass",
  "galileo",
  "bds",
  "qzss",
  "navic",
]);

export interface Gga {
  type: "GGA";
  talker: Talker;
  todMs: number;
  lat?: number;
  lon?: number;
  quality: number;
  sats?: number;
  hdop?: number;
  alt?: number;
  geoidSep?: number;
}
export interface Rmc {
  type: "RMC";
  talker: Talker;
  todMs: number;
  valid: boolean;
  lat?: number;
  lon?: number;
  speed?: number; // m/s
  course?: number;
  dateMs?: number; // UTC midnight of the date
}
export interface Gsa {
  type: "GSA";
  talker: Talker;
  system?: GnssSystem;
  fixType: number;
  prns: number[];
  pdop?: number;
  hdop?: number;
  vdop?: number;
}
export interface Gsv {
  type: "GSV";
  talker: Talker;
  system?: GnssSystem;
  total: number;
  index: number;
  inView: number;
  sats: SatInView[];
}
export interface Gll {
  type: "GLL";
  talker: Talker;
  todMs: number;
  valid: boolean;
  lat?: number;
  lon?: number;
}
export interface Vtg {
  type: "VTG";
  talker: Talker;
  course?: number;
  speed?: number;
}
export interface Zda {
  type: "ZDA";
  talker: Talker;
  todMs: number;
  dateMs?: number;
}
export interface Txt {
  type: "TXT";
  talker: Talker;
  text: string;
}
export type Sentence = Gga | Rmc | Gsa | Gsv | Gll | Vtg | Zda | Txt;

/** ok: a sentence; ignored: valid but of a kind we do not use ($GNGST, $PCAS...); reject: counted as bad. */
export type ParseResult = { ok: Sentence } | { ignored: string } | { reject: RejectKind };

const KNOTS = 1852 / 3600;

/** Number from a plain decimal field ("-12.5"); undefined when empty or not a plain decimal. */
export function decimal(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0 || s.length > 20) return undefined;
  let dot = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46 && !dot) {
      dot = true;
      continue;
    }
    if (c === 45 && i === 0 && s.length > 1) continue;
    return undefined;
  }
  const v = Number(s);
  return Number.isFinite(v) ? v : undefined;
}

function integer(s: string | undefined): number | undefined {
  const v = decimal(s);
  return v !== undefined && Number.isInteger(v) ? v : undefined;
}

/** "hhmmss.sss" to ms since midnight; -1 when empty; undefined when malformed. */
export function timeOfDay(s: string): number | undefined {
  if (s.length === 0) return -1;
  if (s.length < 6 || decimal(s) === undefined || s.charCodeAt(0) === 45) return undefined;
  const h = Number(s.slice(0, 2));
  const m = Number(s.slice(2, 4));
  const sec = Number(s.slice(4));
  if (h > 23 || m > 59 || !(sec < 61)) return undefined;
  return h * 3600000 + m * 60000 + Math.round(sec * 1000);
}

/** "ddmm.mmmm" + hemisphere to signed degrees. */
function coord(v: string, hemi: string, maxDeg: number, pos: string, neg: string): number | undefined | null {
  if (v.length === 0 && hemi.length === 0) return null;
  if (decimal(v) === undefined || v.charCodeAt(0) === 45) return undefined;
  const dot = v.indexOf(".") < 0 ? v.length : v.indexOf(".");
  if (dot < 3) return undefined;
  const deg = Number(v.slice(0, dot - 2));
  const min = Number(v.slice(dot - 2));
  if (deg > maxDeg || min >= 60) return undefined;
  const abs = deg + min / 60;
  if (abs > maxDeg) return undefined;
  if (hemi === pos) return abs;
  if (hemi === neg) return -abs;
  return undefined;
}

function dateMs(day: number, month: number, year: number): number | undefined {
  if (!(day >= 1 && day <= 31 && month >= 1 && month <= 12 && year >= 1980 && year <= 2200)) return undefined;
  return Date.UTC(year, month - 1, day);
}

function ddmmyy(s: string): number | undefined {
  if (s.length !== 6 || integer(s) === undefined) return undefined;
  const yy = Number(s.slice(4, 6));
  // NMEA carries two year digits: 80-99 are the 1900s (GPS began in 1980).
  return dateMs(Number(s.slice(0, 2)), Number(s.slice(2, 4)), yy >= 80 ? 1900 + yy : 2000 + yy);
}

export function systemForPrn(prn: number): GnssSystem | undefined {
  if (prn >= 1 && prn <= 32) return "gps";
  if ((prn >= 33 && prn <= 64) || (prn >= 120 && prn <= 158)) return "sbas";
  if (prn >= 65 && prn <= 96) return "glonass";
  if (prn >= 193 && prn <= 200) return "qzss";
  if ((prn >= 201 && prn <= 263) || (prn >= 401 && prn <= 463)) return "bds";
  if (prn >= 301 && prn <= 336) return "galileo";
  return undefined;
}

/** XOR of the bytes between `$` and `*`. */
export function nmeaChecksum(body: string): number {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i) & 0xff;
  return x;
}

/** Wraps a sentence body (without `$` and `*`) into a full line with checksum and CR LF. */
export function nmeaLine(body: string): string {
  const cs = nmeaChecksum(body);
  return "$" + body + "*" + "0123456789ABCDEF"[cs >> 4] + "0123456789ABCDEF"[cs & 15] + "\r\n";
}

function hexByte(s: string): number {
  if (s.length !== 2) return -1;
  const v = parseInt(s, 16);
  return /^[0-9A-Fa-f]{2}$/.test(s) ? v : -1;
}

export function parseSentence(line: string): ParseResult {
  if (line.charCodeAt(0) !== 0x24) return { reject: "field" };
  const star = line.lastIndexOf("*");
  if (star < 0) return { reject: "no-checksum" };
  const body = line.slice(1, star);
  const given = hexByte(line.slice(star + 1).trim());
  if (given < 0 || given !== nmeaChecksum(body)) return { reject: "checksum" };
  const f = body.split(",");
  const addr = f[0];
  if (addr.length === 0) return { reject: "talker" };
  if (addr[0] === "P" && addr !== "PQGSV" && addr !== "PQGSA") return { ignored: addr };
  if (addr.length !== 5) return { reject: "talker" };
  const talker = addr.slice(0, 2) as Talker;
  if (!(talker in TALKER_SYSTEM)) return { reject: "talker" };
  const kind = addr.slice(2);
  const s = parseFields(kind, talker, f);
  if (s === undefined) return { reject: "field" };
  if (s === null) return { ignored: addr };
  return { ok: s };
}

function parseFields(kind: string, talker: Talker, f: string[]): Sentence | undefined | null {
  const at = (i: number) => f[i] ?? "";
  switch (kind) {
    case "GGA": {
      const tod = timeOfDay(at(1));
      const lat = coord(at(2), at(3), 90, "N", "S");
      const lon = coord(at(4), at(5), 180, "E", "W");
      const q = at(6) === "" ? 0 : integer(at(6));
      if (tod === undefined || lat === undefined || lon === undefined || q === undefined) return undefined;
      return {
        type: "GGA",
        talker,
        todMs: tod,
        lat: lat ?? undefined,
        lon: lon ?? undefined,
        quality: q,
        sats: integer(at(7)),
        hdop: decimal(at(8)),
        alt: decimal(at(9)),
        geoidSep: decimal(at(11)),
      };
    }
    case "RMC": {
      const tod = timeOfDay(at(1));
      const lat = coord(at(3), at(4), 90, "N", "S");
      const lon = coord(at(5), at(6), 180, "E", "W");
      const date = at(9) === "" ? null : ddmmyy(at(9));
      if (tod === undefined || lat === undefined || lon === undefined || date === undefined) return undefined;
      const knots = decimal(at(7));
      return {
        type: "RMC",
        talker,
        todMs: tod,
        valid: at(2) === "A",
        lat: lat ?? undefined,
        lon: lon ?? undefined,
        speed: knots === undefined ? undefined : knots * KNOTS,
        course: decimal(at(8)),
        dateMs: date ?? undefined,
      };
    }
    case "GLL": {
      const lat = coord(at(1), at(2), 90, "N", "S");
      const lon = coord(at(3), at(4), 180, "E", "W");
      const tod = timeOfDay(at(5));
      if (tod === undefined || lat === undefined || lon === undefined) return undefined;
      return { type: "GLL", talker, todMs: tod, valid: at(6) === "A", lat: lat ?? undefined, lon: lon ?? undefined };
    }
    case "GSA": {
      const fixType = integer(at(2));
      if (fixType === undefined || fixType < 1 || fixType > 3) return undefined;
      const prns: number[] = [];
      for (let i = 3; i < 15; i++) {
        if (at(i) === "") continue;
        const p = integer(at(i));
        if (p === undefined || p < 0) return undefined;
        prns.push(p);
      }
      // Field 18 is the NMEA 4.1 system id; some chips put a float there (SiRF-TriG), so only whole ids count.
      const sid = integer(at(18));
      return {
        type: "GSA",
        talker,
        system: sid !== undefined ? SYSTEM_ID[sid] : TALKER_SYSTEM[talker],
        fixType,
        prns,
        pdop: decimal(at(15)),
        hdop: decimal(at(16)),
        vdop: decimal(at(17)),
      };
    }
    case "GSV": {
      const total = integer(at(1));
      const index = integer(at(2));
      const inView = integer(at(3));
      if (total === undefined || index === undefined || inView === undefined) return undefined;
      if (total < 1 || index < 1 || index > total || total > 20 || inView < 0) return undefined;
      const system = TALKER_SYSTEM[talker];
      const sats: SatInView[] = [];
      const groups = Math.floor((f.length - 4) / 4);
      for (let g = 0; g < groups; g++) {
        const b = 4 + 4 * g;
        if (at(b) === "") continue;
        const prn = integer(at(b));
        if (prn === undefined) return undefined;
        const sys = system ?? systemForPrn(prn);
        if (sys === undefined) continue;
        sats.push({ system: sys, prn, elevation: decimal(at(b + 1)), azimuth: decimal(at(b + 2)), snr: decimal(at(b + 3)) });
      }
      return { type: "GSV", talker, system, total, index, inView, sats };
    }
    case "VTG": {
      const kmh = decimal(at(7));
      const knots = decimal(at(5));
      return {
        type: "VTG",
        talker,
        course: decimal(at(1)),
        speed: kmh !== undefined ? kmh / 3.6 : knots !== undefined ? knots * KNOTS : undefined,
      };
    }
    case "ZDA": {
      const tod = timeOfDay(at(1));
      if (tod === undefined) return undefined;
      if (at(2) === "" && at(3) === "" && at(4) === "") return { type: "ZDA", talker, todMs: tod };
      const d = dateMs(integer(at(2)) ?? 0, integer(at(3)) ?? 0, integer(at(4)) ?? 0);
      if (d === undefined) return undefined;
      return { type: "ZDA", talker, todMs: tod, dateMs: d };
    }
    case "TXT":
      return { type: "TXT", talker, text: f.slice(4).join(",") };
    default:
      return null;
  }
}
