/**
 * 3GPP TS 24.008 GPRS timer encodings used by PSM: T3412 extended (periodic TAU, §10.5.7.4a), legacy T3412 and
 * T3324 (active time, GPRS Timer 2, §10.5.7.4). One octet: top 3 bits unit, low 5 bits value; AT commands carry it
 * as an 8-character bit string.
 */

/** Seconds per unit, indexed by the 3-bit unit; undefined = timer deactivated. */
const T3412_EXT_UNITS: readonly (number | undefined)[] = Object.freeze([600, 3600, 36000, 2, 30, 60, 1152000, undefined]);
/** GPRS Timer 2 (T3324, legacy T3412): 000 2 s, 001 1 min, 010 6 min (decihours), 111 off; others read as 1 min. */
const TIMER2_UNITS: readonly (number | undefined)[] = Object.freeze([2, 60, 360, 60, 60, 60, 60, undefined]);

export type TimerKind = "t3412-ext" | "t3324" | "t3412";

function units(kind: TimerKind): readonly (number | undefined)[] {
  return kind === "t3412-ext" ? T3412_EXT_UNITS : TIMER2_UNITS;
}

/** Parses an 8-character bit string; undefined when it is not one. */
export function parseBits(bits: string): number | undefined {
  return /^[01]{8}$/.test(bits) ? parseInt(bits, 2) : undefined;
}

export function toBits(octet: number): string {
  return (octet & 0xff).toString(2).padStart(8, "0");
}

/**
 * Decodes a timer: seconds, -1 when deactivated, undefined when the text is not 8 bits. Units 011–110 of GPRS
 * Timer 2 are reserved; TS 24.008 says to read them as 1 minute.
 */
export function decodeTimer(kind: TimerKind, bits: string): number | undefined {
  const octet = parseBits(bits);
  if (octet === undefined) return undefined;
  const unit = units(kind)[octet >> 5];
  return unit === undefined ? -1 : unit * (octet & 31);
}

/** The periodic TAU the network set: T3412-ext unless deactivated, then legacy T3412; -1 when both are off. */
export function decodeTau(extBits: string, legacyBits: string): number | undefined {
  const ext = decodeTimer("t3412-ext", extBits);
  if (ext === undefined) return undefined;
  if (ext >= 0) return ext;
  return decodeTimer("t3412", legacyBits);
}

/**
 * Encodes the shortest timer not shorter than `seconds` (exact when representable); the longest value when
 * `seconds` is beyond the range. Negative seconds mean deactivated ("111" unit).
 */
export function encodeTimer(kind: "t3412-ext" | "t3324", seconds: number): string {
  if (seconds < 0) return "11100000";
  const table = units(kind);
  let best = -1;
  let bestS = Infinity;
  let longest = 0;
  let longestS = -1;
  for (let u = 0; u < 7; u++) {
    const unit = table[u];
    // Reserved GPRS Timer 2 units are never chosen: the network would read them as 1 minute.
    if (unit === undefined || (kind === "t3324" && u > 2)) continue;
    if (unit * 31 > longestS) {
      longestS = unit * 31;
      longest = (u << 5) | 31;
    }
    const v = Math.ceil(seconds / unit);
    if (v > 31) continue;
    if (v * unit < bestS) {
      bestS = v * unit;
      best = (u << 5) | v;
    }
  }
  return toBits(best >= 0 ? best : longest);
}

export interface PsmRequest {
  /** psm_tau_s from the configuration; 0 = derive from the report interval. */
  tauS: number;
  /** psm_active_s. */
  activeS: number;
}

export interface PsmChoice {
  tauBits: string;
  tauS: number;
  activeBits: string;
  activeS: number;
}

/** The network may shorten what we ask for; this keeps the TAU clear of the reports with margin to spare. */
const TAU_MARGIN = 1.5;
const TAU_FLOOR_S = 3600;

/**
 * Chooses the PSM timers. A report wakes the modem anyway (a send resets T3412), so a periodic TAU longer than the
 * report interval means the modem never wakes just for a TAU; the active time stays as short as configured because
 * every second of it is spent in DRX at idle current.
 */
export function choosePsmTimers(req: PsmRequest, reportIntervalS: number): PsmChoice {
  const wantTau = req.tauS > 0 ? req.tauS : Math.max(TAU_FLOOR_S, Math.ceil(reportIntervalS * TAU_MARGIN));
  const tauBits = encodeTimer("t3412-ext", wantTau);
  const activeBits = encodeTimer("t3324", Math.max(0, req.activeS));
  return {
    tauBits,
    tauS: decodeTimer("t3412-ext", tauBits)!,
    activeBits,
    activeS: decodeTimer("t3324", activeBits)!,
  };
}
