/**
 * Charge drawn over time, per component, sampled at a fixed step: what the trip report's energy chart draws. The
 * power meter feeds it every time it settles a component (a constant current over [since, now]), so each sample
 * is exact (interpolated inside the constant-current stretch) and sampling never changes the meter's own sums.
 * A fixed charge added at t shows from the first sample after t.
 *   inputs:  advance(component, since, now, mAh and battery mAh at `since`, mA, on battery?)
 *   outputs: cumulative mAh (all and battery-only) per component at t = 0, step, 2·step, …
 */
export interface ChargeSamples {
  stepMs: number;
  /** Cumulative charge in mAh per component, index k = time k × stepMs. */
  mAh: Record<string, number[]>;
  /** Cumulative charge taken from the battery, per component. */
  batteryMah: Record<string, number[]>;
}

export class ChargeSeries {
  private readonly mAh: Record<string, number[]> = {};
  private readonly battery: Record<string, number[]> = {};

  constructor(readonly stepMs: number, components: readonly string[]) {
    if (!(stepMs > 0)) throw new Error("charge series step must be > 0 ms");
    for (const c of components) {
      this.mAh[c] = [];
      this.battery[c] = [];
    }
  }

  /** Records every sample time in (since, now] — and t = 0 on the first call — for a constant-current stretch. */
  advance(c: string, since: number, now: number, mAh0: number, bat0: number, mA: number, onBattery: boolean): void {
    const all = this.mAh[c];
    const bat = this.battery[c];
    for (let k = all.length; k * this.stepMs <= now; k++) {
      const dt = Math.max(0, k * this.stepMs - since) / 1000;
      const q = (mA * dt) / 3600;
      all.push(mAh0 + q);
      bat.push(bat0 + (onBattery ? q : 0));
    }
  }

  /** Copies of the samples taken so far (components cut to a common length). */
  samples(): ChargeSamples {
    const keys = Object.keys(this.mAh);
    const n = Math.min(...keys.map((k) => this.mAh[k].length));
    const mAh: Record<string, number[]> = {};
    const batteryMah: Record<string, number[]> = {};
    for (const k of keys) {
      mAh[k] = this.mAh[k].slice(0, n);
      batteryMah[k] = this.battery[k].slice(0, n);
    }
    return { stepMs: this.stepMs, mAh, batteryMah };
  }
}

/** A sample step that gives a chart a few hundred points whatever the trip's length: a round number of minutes. */
export function sampleStepMs(durationS: number, points = 720): number {
  const steps = [60, 120, 300, 600, 900, 1800, 3600, 7200, 14400];
  for (const s of steps) if (durationS / s <= points) return s * 1000;
  return steps[steps.length - 1] * 1000;
}
