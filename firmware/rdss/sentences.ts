/**
 * Beidou short-message (RDSS) sentences, protocol 2.1 (BDS-2 era) and 4.0 (BDS-3): NMEA-style text with an XOR
 * checksum. parseSentence() turns one framed line into a typed sentence or a counted rejection; encodeSentence()
 * writes the exact text a module or a terminal would send. Field layouts: ../shared/reference/PROTOCOLS.md §4 and
 * the public drivers named in the vectors file. Never throws.
 */
import { fromHex, toHex } from "../core/bytes";

export type RdssVersion = "2.1" | "4.0";

/** One BDS-3 beam in `$BDPWI`: beam number and the two carrier-to-noise readings (dB-Hz) modules print. */
export interface PwiBeam {
  beam: number;
  cn0: number;
  cn0b: number;
}

export type RdssSentence =
  | { type: "CCICA" | "CCICR" } // read the card (2.1 / 4.0); always `,0,00`
  | { type: "CCRMO"; target: string; mode: number; periodS: number } // output control: mode 1 off, 2 on
  | { type: "CCTXA"; dest: string; kind: number; code: number; data: Uint8Array }
  | { type: "CCTCQ"; dest: string; freqPoint: number; ack: number; code: number; data: Uint8Array; repeat: number }
  | {
      type: "BDICI";
      id: string;
      serial: string;
      broadcastId: string;
      userFeature: number;
      intervalS: number;
      level: number;
      encrypted: string;
      subordinates: string;
    }
  | { type: "BDICP"; id: string; broadcastId: string; intervalS: number; level: number; fields: string[] }
  | { type: "BDBSI"; responseBeam: number; timeDiffBeam: number; levels: number[] }
  | { type: "BDPWI"; time: string; bds2: number[][]; bds3: PwiBeam[]; bds3Width: 3 | 4 }
  | { type: "BDFKI"; version: RdssVersion; time: string; command: string; ok: boolean; freqOk: boolean; code: number; waitS: number }
  | { type: "BDTXR"; kind: number; src: string; code: number; time: string; data: Uint8Array }
  | { type: "BDTCI"; src: string; dest: string; freqPoint: number; time: string; code: number; flag: string; data: Uint8Array }
  | { type: "other"; address: string; fields: string[] };

export interface SentenceCounters {
  parsed: number;
  badChecksum: number;
  malformed: number; // checksum right, fields wrong
  unknown: number; // well formed but not a sentence this firmware uses
}

export function newSentenceCounters(): SentenceCounters {
  return { parsed: 0, badChecksum: 0, malformed: 0, unknown: 0 };
}

/** XOR of every character between `$` and `*` (the body passed here excludes both). */
export function checksum(body: string): number {
  let x = 0;
  for (let i = 0; i < body.length; i++) x ^= body.charCodeAt(i) & 0xff;
  return x;
}

function hex2(v: number): string {
  return (v < 16 ? "0" : "") + v.toString(16).toUpperCase();
}

/** `$` + body + `*hh` (no line ending). */
export function frame(body: string): string {
  return `$${body}*${hex2(checksum(body))}`;
}

/** Why a line was not turned into a sentence. */
export type LineVerdict = "bad-checksum" | "malformed" | "unknown";

/** Checks framing and checksum; the body between `$` and `*`, or a verdict. */
export function verifyLine(line: string): { body: string } | { verdict: LineVerdict; computed?: number } {
  const star = line.lastIndexOf("*");
  if (line.charCodeAt(0) !== 0x24 || star < 0 || star !== line.length - 3) return { verdict: "malformed" };
  const body = line.slice(1, star);
  const given = parseInt(line.slice(star + 1), 16);
  if (!/^[0-9A-Fa-f]{2}$/.test(line.slice(star + 1))) return { verdict: "malformed" };
  const computed = checksum(body);
  if (given !== computed) return { verdict: "bad-checksum", computed };
  return { body };
}

const INT = /^-?[0-9]+$/;
const DEC = /^-?[0-9]+(\.[0-9]+)?$/;
const ID = /^[0-9]{1,11}$/;

function int(f: string | undefined): number {
  return f !== undefined && INT.test(f) ? Number(f) : NaN;
}
function dec(f: string | undefined): number {
  return f !== undefined && DEC.test(f) ? Number(f) : NaN;
}
function allFinite(...v: number[]): boolean {
  for (const x of v) if (!Number.isFinite(x)) return false;
  return true;
}
function yn(f: string | undefined): boolean | undefined {
  return f === "Y" ? true : f === "N" ? false : undefined;
}
/** 2.1 feedback waits are mmss; 4.0 remaining times are plain seconds. */
function mmss(f: string): number {
  if (!/^[0-9]{4}$/.test(f)) return NaN;
  return Number(f.slice(0, 2)) * 60 + Number(f.slice(2));
}

function decodeFields(address: string, f: string[]): RdssSentence | undefined {
  switch (address) {
    case "CCICA":
    case "CCICR":
      return f.length === 2 && f[0] === "0" && f[1] === "00" ? { type: address } : undefined;
    case "CCRMO": {
      const mode = int(f[1]);
      const periodS = int(f[2]);
      return f.length === 3 && /^[A-Z]{3}$/.test(f[0]) && allFinite(mode, periodS)
        ? { type: "CCRMO", target: f[0], mode, periodS }
        : undefined;
    }
    case "CCTXA": {
      const kind = int(f[1]);
      const code = int(f[2]);
      const data = fromHex(f[3] ?? "x");
      return f.length === 4 && ID.test(f[0]) && allFinite(kind, code) && data
        ? { type: "CCTXA", dest: f[0], kind, code, data }
        : undefined;
    }
    case "CCTCQ": {
      const [freqPoint, ack, code, repeat] = [int(f[1]), int(f[2]), int(f[3]), dec(f[5])];
      const data = fromHex(f[4] ?? "x");
      return f.length === 6 && ID.test(f[0]) && allFinite(freqPoint, ack, code, repeat) && data
        ? { type: "CCTCQ", dest: f[0], freqPoint, ack, code, data, repeat }
        : undefined;
    }
    case "BDICI": {
      const [userFeature, intervalS, level] = [int(f[3]), dec(f[4]), int(f[5])];
      return f.length === 8 && ID.test(f[0]) && allFinite(userFeature, intervalS, level)
        ? {
            type: "BDICI",
            id: f[0],
            serial: f[1],
            broadcastId: f[2],
            userFeature,
            intervalS,
            level,
            encrypted: f[6],
            subordinates: f[7],
          }
        : undefined;
    }
    case "BDICP": {
      // Field 14 is the service interval and 15 the comm level (0 = level 5) in the 4.0 modules' output.
      const [intervalS, level] = [dec(f[13]), int(f[14])];
      return f.length >= 15 && ID.test(f[0]) && allFinite(intervalS, level)
        ? { type: "BDICP", id: f[0], broadcastId: f[1], intervalS, level, fields: f.slice() }
        : undefined;
    }
    case "BDBSI": {
      const n = f.map(int);
      return f.length >= 3 && allFinite(...n)
        ? { type: "BDBSI", responseBeam: n[0], timeDiffBeam: n[1], levels: n.slice(2) }
        : undefined;
    }
    case "BDPWI":
      return decodePwi(f);
    case "BDFKI": {
      if (/^[A-Z]{3}$/.test(f[0] ?? "")) {
        const ok = yn(f[1]);
        const freqOk = yn(f[2]);
        const [code, waitS] = [int(f[3]), mmss(f[4] ?? "")];
        return f.length === 5 && ok !== undefined && freqOk !== undefined && allFinite(code, waitS)
          ? { type: "BDFKI", version: "2.1", time: "", command: f[0], ok, freqOk, code, waitS }
          : undefined;
      }
      const ok = yn(f[2]);
      const [code, waitS] = [f[3] === "" ? 0 : int(f[3]), f[4] === "" ? 0 : dec(f[4])];
      return f.length === 5 && /^[0-9]{6}(\.[0-9]+)?$/.test(f[0]) && /^[A-Z]{3}$/.test(f[1]) && ok !== undefined &&
        allFinite(code, waitS)
        ? { type: "BDFKI", version: "4.0", time: f[0], command: f[1], ok, freqOk: code !== 1, code, waitS }
        : undefined;
    }
    case "BDTXR": {
      const [kind, code] = [int(f[0]), int(f[2])];
      const data = fromHex(f[4] ?? "x");
      return f.length === 5 && ID.test(f[1]) && allFinite(kind, code) && data
        ? { type: "BDTXR", kind, src: f[1], code, time: f[3], data }
        : undefined;
    }
    case "BDTCI": {
      // Seen both with and without a flag field before the data; the data is always last.
      const [freqPoint, code] = [int(f[2]), int(f[4])];
      const data = fromHex(f[f.length - 1] ?? "x");
      return (f.length === 6 || f.length === 7) && ID.test(f[0]) && ID.test(f[1]) && allFinite(freqPoint, code) && data
        ? { type: "BDTCI", src: f[0], dest: f[1], freqPoint, time: f[3], code, flag: f.length === 7 ? f[5] : "", data }
        : undefined;
    }
    default:
      return { type: "other", address, fields: f };
  }
}

/** time, BDS-2 beam count, 3 fields per BDS-2 beam, BDS-3 beam count, 3 or 4 fields per BDS-3 beam. */
function decodePwi(f: string[]): RdssSentence | undefined {
  const n2 = int(f[1]);
  if (!Number.isInteger(n2) || n2 < 0 || n2 > 21) return undefined;
  const bds2: number[][] = [];
  let i = 2;
  for (let k = 0; k < n2; k++, i += 3) {
    const g = [int(f[i]), int(f[i + 1]), int(f[i + 2])];
    if (!allFinite(...g)) return undefined;
    bds2.push(g);
  }
  const n3 = int(f[i++]);
  if (!Number.isInteger(n3) || n3 < 0 || n3 > 21) return undefined;
  const rest = f.length - i;
  const width: 3 | 4 = n3 > 0 && rest === n3 * 3 ? 3 : 4;
  if (rest !== n3 * width) return undefined;
  const bds3: PwiBeam[] = [];
  for (let k = 0; k < n3; k++, i += width) {
    const [beam, cn0, cn0b] = [int(f[i]), int(f[i + 1]), int(f[i + 2])];
    if (!allFinite(beam, cn0, cn0b)) return undefined;
    bds3.push({ beam, cn0, cn0b });
  }
  if (!/^[0-9]{6}(\.[0-9]+)?$/.test(f[0])) return undefined;
  return { type: "BDPWI", time: f[0], bds2, bds3, bds3Width: width };
}

/** One framed line (without CR LF) to a sentence; rejections are counted, never thrown. */
export function parseSentence(line: string, counters: SentenceCounters): RdssSentence | undefined {
  const v = verifyLine(line);
  if ("verdict" in v) {
    if (v.verdict === "bad-checksum") counters.badChecksum++;
    else counters.malformed++;
    return undefined;
  }
  const fields = v.body.split(",");
  const address = fields.shift() ?? "";
  if (!/^[A-Z]{5}$/.test(address)) {
    counters.malformed++;
    return undefined;
  }
  const s = decodeFields(address, fields);
  if (!s) counters.malformed++;
  else if (s.type === "other") counters.unknown++;
  else counters.parsed++;
  return s;
}

function pad(n: number, width: number): string {
  let s = String(Math.max(0, Math.floor(n)));
  while (s.length < width) s = "0" + s;
  return s;
}

/** The sentence's body fields, in order. */
function fieldsOf(s: RdssSentence): string[] {
  switch (s.type) {
    case "CCICA":
    case "CCICR":
      return ["0", "00"];
    case "CCRMO":
      return [s.target, String(s.mode), String(s.periodS)];
    case "CCTXA":
      return [s.dest, String(s.kind), String(s.code), toHex(s.data, true)];
    case "CCTCQ":
      return [s.dest, String(s.freqPoint), String(s.ack), String(s.code), toHex(s.data, true), String(s.repeat)];
    case "BDICI":
      return [s.id, s.serial, s.broadcastId, String(s.userFeature), String(s.intervalS), String(s.level), s.encrypted, s.subordinates];
    case "BDICP": {
      const f = s.fields.slice();
      f[0] = s.id;
      f[1] = s.broadcastId;
      f[13] = String(s.intervalS);
      f[14] = String(s.level);
      return f;
    }
    case "BDBSI":
      return [pad(s.responseBeam, 2), pad(s.timeDiffBeam, 2), ...s.levels.map(String)];
    case "BDPWI": {
      const f = [s.time, pad(s.bds2.length, 2)];
      for (const g of s.bds2) f.push(...g.map(String));
      f.push(pad(s.bds3.length, 2));
      for (const b of s.bds3) {
        f.push(String(b.beam), String(b.cn0), String(b.cn0b));
        if (s.bds3Width === 4) f.push("0");
      }
      return f;
    }
    case "BDFKI":
      return s.version === "2.1"
        ? [s.command, s.ok ? "Y" : "N", s.freqOk ? "Y" : "N", String(s.code), pad(s.waitS / 60, 2) + pad(s.waitS % 60, 2)]
        : [s.time, s.command, s.ok ? "Y" : "N", String(s.code), String(s.waitS)];
    case "BDTXR":
      return [String(s.kind), s.src, String(s.code), s.time, toHex(s.data, true)];
    case "BDTCI":
      return s.flag === ""
        ? [s.src, s.dest, String(s.freqPoint), s.time, String(s.code), toHex(s.data, true)]
        : [s.src, s.dest, String(s.freqPoint), s.time, String(s.code), s.flag, toHex(s.data, true)];
    case "other":
      return s.fields;
  }
}

/** The full line with checksum, without CR LF. */
export function encodeSentence(s: RdssSentence): string {
  const address = s.type === "other" ? s.address : s.type;
  return frame([address, ...fieldsOf(s)].join(","));
}
