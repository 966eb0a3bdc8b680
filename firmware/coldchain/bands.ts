/**
 * Temperature bands from the `bands` setting: "probe:low:high:delay_s:clear_s:hyst:latch" joined by ";",
 * probe "*" = every probe. A band keeps its position in the setting as its index, so the platform sees the same
 * band number on every probe it applies to.
 */
import { checkBands } from "../config/config";

export interface Band {
  index: number; // position in the setting
  low: number; // °C
  high: number; // °C
  delayS: number; // out of range this long before the alarm is raised
  clearS: number; // back in range (past the hysteresis) this long before it clears
  hyst: number; // °C inside the limits a value must come back to count as in range
  latch: boolean; // stays raised until acknowledged
}

/** Bands per probe (same order as `probes`); an invalid setting yields no bands rather than half of them. */
export function parseBands(text: string, probes: readonly string[]): Band[][] {
  const out: Band[][] = probes.map(() => []);
  if (checkBands(text) !== undefined || text === "") return out;
  text.split(";").forEach((part, index) => {
    const f = part.split(":");
    const n = f.slice(1).map(Number);
    const band: Band = Object.freeze({
      index,
      low: n[0],
      high: n[1],
      delayS: n[2],
      clearS: n[3],
      hyst: n[4],
      latch: n[5] === 1,
    });
    probes.forEach((name, i) => {
      if (f[0] === "*" || f[0] === name) out[i].push(band);
    });
  });
  return out;
}
