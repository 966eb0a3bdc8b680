/**
 * Collects the alarm events of one engine step and stamps them: start as UTC (from the wall time when the
 * condition began, or derived once wall time is known), duration in whole seconds.
 */
import type { Millis } from "../../hal/ports";
import type { AlarmCode, AlarmDetail } from "../store/track-record";

export interface Stamp {
  t: Millis; // monotonic
  utc?: number; // wall time at t, when known
}

/** When a condition began; `raised` once its alarm went out. */
export interface Since {
  t0: Millis;
  u0?: number;
  raised?: boolean;
}

export class AlarmSink {
  events: AlarmDetail[] = [];
  now: Stamp = { t: 0 };

  begin(now: Stamp): void {
    this.events = [];
    this.now = { t: now.t, utc: now.utc };
  }

  since(): Since {
    const s: Since = { t0: this.now.t };
    if (this.now.utc !== undefined) s.u0 = this.now.utc;
    return s;
  }

  startUtc(s: Since): number | undefined {
    if (s.u0 !== undefined) return s.u0;
    return this.now.utc === undefined ? undefined : this.now.utc - (this.now.t - s.t0);
  }

  /** An event whose duration runs from the condition's start to `end` (default now). */
  emit(code: AlarmCode, raised: boolean, s: Since, extra: Partial<AlarmDetail> = {}, end = this.now.t): void {
    this.events.push({
      code,
      raised,
      ...extra,
      startUtc: this.startUtc(s),
      durationS: Math.round((end - s.t0) / 1000),
    });
  }
}
