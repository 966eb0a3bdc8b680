/**
 * What the short-message card allows: its id, the service interval the system enforces between sends, and the
 * message size of its comm level. BDS-2 civilian levels 1-4 carry 110 / 408 / 628 / 848 bits. For BDS-3 the
 * references give only the service limit (regional 14,000 bits per message, global 560); modules print level 0
 * for level 5. No per-level BDS-3 table is published in our sources, so every BDS-3 level gets the regional
 * limit and `capacityCapBits` lets the integrator lower it for a card known to carry less.
 */
import type { RdssSentence, RdssVersion } from "./sentences";

export interface CardInfo {
  id: string;
  intervalS: number;
  level: number; // 1..5
  capacityBits: number;
  version: RdssVersion;
}

export const BDS2_LEVEL_BITS: readonly number[] = Object.freeze([110, 408, 628, 848]);
export const BDS3_REGIONAL_BITS = 14000;
export const BDS3_GLOBAL_BITS = 560;

/** Ids modules print when no card is fitted (all ones in 21 bits, or zero). */
const NO_CARD_IDS: readonly number[] = Object.freeze([0, 2097151]);

export function capacityBits(version: RdssVersion, level: number): number {
  if (version === "2.1") return BDS2_LEVEL_BITS[level - 1] ?? 0;
  return level >= 1 && level <= 5 ? BDS3_REGIONAL_BITS : 0;
}

/** Card info from `$BDICI` / `$BDICP`; undefined when the module reports no usable card. */
export function cardFromSentence(s: RdssSentence, version: RdssVersion, capacityCapBits = Infinity): CardInfo | undefined {
  if (s.type !== "BDICI" && s.type !== "BDICP") return undefined;
  const level = s.level === 0 && s.type === "BDICP" ? 5 : s.level;
  const id = s.id;
  if (NO_CARD_IDS.indexOf(Number(id)) >= 0 || !(s.intervalS > 0) || s.intervalS >= 9999) return undefined;
  const bits = Math.min(capacityBits(version, level), capacityCapBits);
  if (!(bits > 0)) return undefined;
  return { id, intervalS: s.intervalS, level, capacityBits: bits, version };
}
