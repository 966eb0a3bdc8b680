/**
 * `npm run bench -- --seeds N`: the same trips under N other seeds (1..N). A trace's seed draws the times to fix,
 * the HDOP of an urban sky, the modem's odd error and the probes' noise, so one run's figures carry the luck of
 * its draws (a slow urban fix is 0.15 mAh on the reference day); the mean and the range over seeds say what a
 * change does to the mechanism rather than to one sequence of draws.
 */
import { simulate } from "../simulation";
import type { Trace } from "../world/trace-types";

export interface SeedRow {
  trace: string;
  seeds: number;
  mahPerDay: { mean: number; min: number; max: number };
  floorRatio: { mean: number; min: number; max: number };
  formulaRatio: number; // mean
  lifeYearsMin: number;
  lost: number; // summed over the seeds
  duplicates: number;
  resent: number;
  worstLatencyS: number; // the worst over the seeds
}

const YEAR_D = 365.25;

function spread(xs: number[]): { mean: number; min: number; max: number } {
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) };
}

export function seedRow(trace: Trace, seeds: number): SeedRow {
  const days = trace.duration / 86400;
  const mah: number[] = [];
  const ratio: number[] = [];
  const formula: number[] = [];
  const life: number[] = [];
  let lost = 0;
  let duplicates = 0;
  let resent = 0;
  let worst = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const s = simulate({ ...trace, seed }).summary;
    mah.push(s.energy_mAh / days);
    ratio.push(s.floor_ratio);
    formula.push(s.floor_formula_ratio);
    life.push((s.battery_life_days ?? Infinity) / YEAR_D);
    lost += s.records_lost;
    duplicates += s.duplicates;
    resent += s.resent_acks_in_flight;
    worst = Math.max(worst, s.max_alarm_latency_s);
  }
  return {
    trace: trace.name,
    seeds,
    mahPerDay: spread(mah),
    floorRatio: spread(ratio),
    formulaRatio: spread(formula).mean,
    lifeYearsMin: Math.min(...life),
    lost,
    duplicates,
    resent,
    worstLatencyS: worst,
  };
}
