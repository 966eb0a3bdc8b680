/** A readable itinerary for the reference trips: legs between waypoints at a given speed, waits, ignition and door. */
import { distanceM } from "../world/world";

export type Pt = [lat: number, lon: number, alt: number];
export interface Leg {
  via: Pt[];
  kmh: number;
}

export class Itinerary {
  route: { t: number; lat: number; lon: number; alt: number }[] = [];
  ignition: { t: number; on: boolean }[] = [];
  door: { t: number; state: "open" | "closed" }[] = [];
  t = 0;
  constructor(public at: Pt) {
    this.route.push({ t: 0, lat: at[0], lon: at[1], alt: at[2] });
  }
  wait(s: number): this {
    this.t += s;
    this.point();
    return this;
  }
  ign(on: boolean): this {
    this.ignition.push({ t: this.t, on });
    return this;
  }
  /** Opens the door `after` s from now for `open` s (does not advance time). */
  doorOpen(after: number, open: number): this {
    this.door.push({ t: this.t + after, state: "open" }, { t: this.t + after + open, state: "closed" });
    return this;
  }
  drive(leg: Leg): this {
    for (const p of leg.via) {
      const d = distanceM(this.at[0], this.at[1], p[0], p[1]);
      this.t += Math.round(d / (leg.kmh / 3.6));
      this.at = p;
      this.point();
    }
    return this;
  }
  private point(): void {
    this.route.push({ t: this.t, lat: round(this.at[0]), lon: round(this.at[1]), alt: this.at[2] });
  }
}

export const round = (x: number) => Math.round(x * 1e6) / 1e6;
export const h = (x: number) => Math.round(x * 3600);
