/**
 * Answers "what is the world like at time t" for the simulated devices: where the truck is, the sky, the network,
 * the cargo temperature, the door, ignition and supply, and which faults are active. Times are seconds since the
 * trace start; step series hold their value until the next entry, the route and temperatures interpolate.
 */
import { distanceM } from "../../firmware/gnss/geo";
import type { Coverage, FaultKind, SkyState, Step, Trace } from "./trace-types";

export interface Position {
  lat: number;
  lon: number;
  alt: number;
  speed: number; // m/s over ground
  course: number; // degrees true, 0..360
}

const RAD = Math.PI / 180;

/** Great-circle distance in metres: the firmware's own, so the world and the device measure alike. */
export { distanceM };

/** Initial bearing in degrees 0..360. */
export function bearingDeg(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const y = Math.sin((lon2 - lon1) * RAD) * Math.cos(lat2 * RAD);
  const x =
    Math.cos(lat1 * RAD) * Math.sin(lat2 * RAD) - Math.sin(lat1 * RAD) * Math.cos(lat2 * RAD) * Math.cos((lon2 - lon1) * RAD);
  return ((Math.atan2(y, x) / RAD) % 360 + 360) % 360;
}

function stepAt<V>(series: readonly Step<V>[], t: number, dflt: V): V {
  let v = dflt;
  // Series are short (tens of entries); a binary search would not pay for itself.
  for (const s of series) {
    if (s.t > t) break;
    v = s.v;
  }
  return v;
}

export class World {
  constructor(readonly trace: Trace) {}

  /** UTC ms at trace time t (seconds). */
  utcMs(t: number): number {
    return this.trace.startUtcMs + t * 1000;
  }

  position(t: number): Position {
    const r = this.trace.route;
    if (t <= r[0].t || r.length === 1) return { lat: r[0].lat, lon: r[0].lon, alt: r[0].alt, speed: 0, course: 0 };
    let i = 1;
    while (i < r.length && r[i].t < t) i++;
    if (i >= r.length) {
      const p = r[r.length - 1];
      return { lat: p.lat, lon: p.lon, alt: p.alt, speed: 0, course: 0 };
    }
    const a = r[i - 1];
    const b = r[i];
    const f = b.t > a.t ? (t - a.t) / (b.t - a.t) : 1;
    const d = distanceM(a.lat, a.lon, b.lat, b.lon);
    const speed = b.t > a.t ? d / (b.t - a.t) : 0;
    return {
      lat: a.lat + (b.lat - a.lat) * f,
      lon: a.lon + (b.lon - a.lon) * f,
      alt: a.alt + (b.alt - a.alt) * f,
      speed,
      course: d > 0 ? bearingDeg(a.lat, a.lon, b.lat, b.lon) : 0,
    };
  }

  sky(t: number): SkyState {
    return stepAt(this.trace.sky, t, "open");
  }
  nbiot(t: number): Coverage {
    return stepAt(this.trace.network, t, "good");
  }
  rdssBeams(t: number): number {
    return stepAt(this.trace.rdssSky, t, 0);
  }
  doorOpen(t: number): boolean {
    return stepAt(this.trace.door, t, false);
  }
  ignitionOn(t: number): boolean {
    return stepAt(this.trace.ignition, t, false);
  }
  externalPower(t: number): boolean {
    return stepAt(this.trace.supply, t, "battery") === "external";
  }

  /** Cargo temperature in °C at probe `name` (linear between points, held at the ends). */
  temperature(name: string, t: number): number {
    const s = this.trace.temperature[name];
    if (!s || s.length === 0) return 4.0;
    if (t <= s[0].t) return s[0].c;
    for (let i = 1; i < s.length; i++) {
      if (s[i].t >= t) {
        const a = s[i - 1];
        const b = s[i];
        return b.t > a.t ? a.c + ((b.c - a.c) * (t - a.t)) / (b.t - a.t) : b.c;
      }
    }
    return s[s.length - 1].c;
  }

  /** True while a fault of this kind (and probe, when given) is in force at t. */
  fault(kind: FaultKind, t: number, probe?: string): boolean {
    for (const f of this.trace.faults) {
      if (f.kind !== kind || (probe !== undefined && f.probe !== probe)) continue;
      if (t >= f.t && t < f.t + f.for) return true;
    }
    return false;
  }

  /** Times (s) at which a step series changes value: the edges a GPIO would see. */
  edges<V>(series: readonly Step<V>[], dflt: V): { t: number; v: V }[] {
    const out: { t: number; v: V }[] = [];
    let cur = dflt;
    for (const s of series) {
      if (s.v !== cur) out.push({ t: s.t, v: s.v });
      cur = s.v;
    }
    return out;
  }
}
