/**
 * Trip statistics for the quality team: per probe min / max / time-weighted mean / mean kinetic temperature and
 * time outside each band; door open count and total open time; trip start and end.
 *
 * States: idle (no trip; the last finished trip's figures are kept for its report) → on (ignition on or moving)
 *   → ending (ignition off and stopped; ends after endAfterS, back to on if either returns) → idle.
 * Inputs: ignition and motion levels, door edges, temperature samples, ticks at nextCheck().
 * Outputs: "trip-start" / "trip-end" from the input that caused them; tripReport().
 * Trip end time is when the truck went quiet (ignition off and stopped), not when endAfterS confirmed it.
 *
 * Time weighting: a reading stands for the time until the next reading, capped at maxGapS, so a probe fault or a
 * power cut does not stretch the last value over hours. Only running sums are kept: the snapshot stays the
 * same size whatever the trip length.
 * MKT = (ΔH/R) / (−ln(Σ wᵢ·e^(−ΔH/(R·Tᵢ)) / Σ wᵢ)) − 273.15, ΔH/R = 10,000 K, Tᵢ in kelvin, wᵢ the weights.
 */
import type { Millis } from "../../hal/ports";
import { parseBands, type Band } from "./bands";

export const DH_OVER_R = 10000;
const KELVIN = 273.15;

export type TripPhase = "idle" | "on" | "ending";
export type TripEvent = "trip-start" | "trip-end";

export interface TripConfig {
  probes: readonly string[];
  bands: string;
  endAfterS: number; // quiet this long ends the trip (park_after_s is a fitting value)
  maxGapS: number; // longest time one reading may stand for
}

interface ProbeAcc {
  n: number; // readings
  w: number; // weight, ms
  sum: number; // Σ w·v
  mk: number; // Σ w·e^(−ΔH/RT)
  min?: number;
  max?: number;
  out: number[]; // ms outside each band of this probe, in band order
  last?: [Millis, number]; // reading not yet weighted
}

export interface TripState {
  phase: TripPhase;
  ign: boolean;
  moving: boolean;
  quietSince?: Millis;
  start?: Millis;
  startUtc?: number;
  end?: Millis;
  endUtc?: number;
  probes: ProbeAcc[];
  doorOpenAt?: Millis; // door open now, since
  doorCount: number;
  doorMs: number;
}

export interface ProbeReport {
  name: string;
  samples: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  mkt: number | null;
  outOfBandS: { band: number; seconds: number }[];
}

export interface TripReport {
  active: boolean;
  start?: Millis;
  startUtc?: number;
  end?: Millis;
  endUtc?: number;
  durationS: number;
  probes: ProbeReport[];
  doorOpens: number;
  doorOpenS: number;
}

/** MKT in °C of temperatures (°C) with weights; undefined when there is no weight. */
export function mkt(temps: readonly number[], weights?: readonly number[]): number | undefined {
  let w = 0;
  let s = 0;
  temps.forEach((c, i) => {
    const wi = weights ? weights[i] : 1;
    w += wi;
    s += wi * Math.exp(-DH_OVER_R / (c + KELVIN));
  });
  return w > 0 ? mktFromSums(s, w) : undefined;
}

function mktFromSums(mk: number, w: number): number {
  return DH_OVER_R / -Math.log(mk / w) - KELVIN;
}

export class TripStats {
  private s: TripState;
  private readonly bands: Band[][];

  constructor(
    private readonly cfg: TripConfig,
    state?: TripState,
  ) {
    this.bands = parseBands(cfg.bands, cfg.probes);
    this.s = state && Array.isArray(state.probes) ? (JSON.parse(JSON.stringify(state)) as TripState) : this.fresh();
    // Probes or bands changed since the snapshot: figures that no longer match their probe are dropped.
    if (this.s.probes.length !== cfg.probes.length || this.s.probes.some((p, i) => p.out.length !== this.bands[i].length)) {
      this.s.probes = this.emptyProbes();
    }
  }

  phase(): TripPhase {
    return this.s.phase;
  }

  snapshot(): TripState {
    return JSON.parse(JSON.stringify(this.s)) as TripState;
  }

  ignition(t: Millis, on: boolean, utc?: number): TripEvent | undefined {
    this.s.ign = on;
    return this.level(t, utc);
  }

  motion(t: Millis, moving: boolean, utc?: number): TripEvent | undefined {
    this.s.moving = moving;
    return this.level(t, utc);
  }

  /** Ends the trip once the quiet time has run; call at nextCheck(). */
  tick(t: Millis): TripEvent | undefined {
    const q = this.s.quietSince;
    if (this.s.phase !== "ending" || q === undefined || t - q < this.cfg.endAfterS * 1000) return undefined;
    this.finish(q);
    return "trip-end";
  }

  nextCheck(): Millis | undefined {
    const q = this.s.quietSince;
    return this.s.phase === "ending" && q !== undefined ? q + this.cfg.endAfterS * 1000 : undefined;
  }

  door(t: Millis, open: boolean): void {
    if (open && this.s.doorOpenAt === undefined) {
      this.s.doorOpenAt = t;
      if (this.s.phase !== "idle") this.s.doorCount++;
    } else if (!open && this.s.doorOpenAt !== undefined) {
      if (this.s.phase !== "idle") this.s.doorMs += t - Math.max(this.s.doorOpenAt, this.s.start ?? t);
      delete this.s.doorOpenAt;
    }
  }

  /** One reading per probe (°C, null = fault). Readings outside a trip are not counted. */
  temps(t: Millis, temps: readonly (number | null)[]): void {
    if (this.s.phase === "idle") return;
    this.s.probes.forEach((p, i) => {
      const v = temps[i];
      if (p.last) this.weigh(i, p.last[1], t - p.last[0]);
      if (v === null || v === undefined || !Number.isFinite(v)) {
        delete p.last;
        return;
      }
      p.n++;
      p.min = p.min === undefined ? v : Math.min(p.min, v);
      p.max = p.max === undefined ? v : Math.max(p.max, v);
      p.last = [t, v];
    });
  }

  /** The figures of the trip in progress (up to now), or of the last finished trip. */
  tripReport(now: Millis): TripReport {
    const s = this.s;
    const active = s.phase !== "idle";
    const until = active ? now : (s.end ?? now);
    const probes = s.probes.map((p, i) => {
      // The pending reading counts up to now without being committed.
      const pend = p.last ? Math.max(0, Math.min(until - p.last[0], this.cfg.maxGapS * 1000)) : 0;
      const lv = p.last ? p.last[1] : 0;
      let w = p.w + pend;
      let sum = p.sum + pend * lv;
      let mk = p.mk + pend * Math.exp(-DH_OVER_R / (lv + KELVIN));
      if (w === 0 && p.last) [w, sum, mk] = [1, lv, Math.exp(-DH_OVER_R / (lv + KELVIN))];
      const out = p.out.slice();
      if (p.last) this.bands[i].forEach((b, k) => (lv > b.high || lv < b.low ? (out[k] += pend) : 0));
      const r: ProbeReport = {
        name: this.cfg.probes[i],
        samples: p.n,
        min: p.min ?? null,
        max: p.max ?? null,
        mean: w > 0 ? sum / w : null,
        mkt: w > 0 ? mktFromSums(mk, w) : null,
        outOfBandS: this.bands[i].map((b, k) => ({ band: b.index, seconds: Math.round(out[k] / 1000) })),
      };
      return r;
    });
    let doorMs = s.doorMs;
    if (active && s.doorOpenAt !== undefined) doorMs += now - Math.max(s.doorOpenAt, s.start ?? now);
    const rep: TripReport = {
      active,
      durationS: s.start === undefined ? 0 : Math.round((until - s.start) / 1000),
      probes,
      doorOpens: s.doorCount,
      doorOpenS: Math.round(doorMs / 1000),
    };
    if (s.start !== undefined) rep.start = s.start;
    if (s.startUtc !== undefined) rep.startUtc = s.startUtc;
    if (!active && s.end !== undefined) rep.end = s.end;
    if (!active && s.endUtc !== undefined) rep.endUtc = s.endUtc;
    return rep;
  }

  private level(t: Millis, utc: number | undefined): TripEvent | undefined {
    const busy = this.s.ign || this.s.moving;
    if (this.s.phase === "idle") {
      if (!busy) return undefined;
      this.begin(t, utc);
      return "trip-start";
    }
    if (busy) {
      this.s.phase = "on";
      delete this.s.quietSince;
      delete this.s.endUtc;
    } else if (this.s.phase === "on") {
      this.s.phase = "ending";
      this.s.quietSince = t;
      if (utc !== undefined) this.s.endUtc = utc;
    }
    return this.tick(t);
  }

  private begin(t: Millis, utc: number | undefined): void {
    const open = this.s.doorOpenAt;
    this.s = this.fresh();
    this.s.phase = "on";
    this.s.start = t;
    if (utc !== undefined) this.s.startUtc = utc;
    if (open !== undefined) {
      this.s.doorOpenAt = open;
      this.s.doorCount = 1;
    }
  }

  private finish(end: Millis): void {
    const s = this.s;
    s.probes.forEach((p, i) => {
      if (p.last) this.weigh(i, p.last[1], end - p.last[0]);
      delete p.last;
    });
    if (s.doorOpenAt !== undefined) s.doorMs += Math.max(0, end - Math.max(s.doorOpenAt, s.start ?? end));
    s.phase = "idle";
    s.end = end;
    delete s.quietSince;
  }

  private weigh(i: number, v: number, dt: number): void {
    const w = Math.max(0, Math.min(dt, this.cfg.maxGapS * 1000));
    const p = this.s.probes[i];
    p.w += w;
    p.sum += w * v;
    p.mk += w * Math.exp(-DH_OVER_R / (v + KELVIN));
    this.bands[i].forEach((b, k) => {
      if (v > b.high || v < b.low) p.out[k] += w;
    });
  }

  private emptyProbes(): ProbeAcc[] {
    return this.cfg.probes.map((_, i) => ({ n: 0, w: 0, sum: 0, mk: 0, out: this.bands[i].map(() => 0) }));
  }

  private fresh(): TripState {
    return {
      phase: "idle",
      ign: this.s?.ign ?? false,
      moving: this.s?.moving ?? false,
      probes: this.emptyProbes(),
      doorCount: 0,
      doorMs: 0,
    };
  }
}
