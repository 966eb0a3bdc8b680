/**
 * Per-component charge accounting. A component is in one state at a time, drawing a constant current; changes
 * are stamped with the scheduler's clock. Fixed-energy events (a radio burst, a conversion) are added as charge.
 * With a sample step, it also keeps the charge over time per component (ChargeSeries) for the trip report.
 */
import { ChargeSeries } from "./charge-series";
import type { Scheduler } from "../world/scheduler";
import { joulesToMah, type PowerTable } from "./power-table";

export type Component = "mcu" | "gnss" | "modem" | "rdss" | "probes" | "board";
export const COMPONENTS: readonly Component[] = Object.freeze(["mcu", "gnss", "modem", "rdss", "probes", "board"]);

interface Track {
  state: string;
  mA: number;
  since: number;
  mAh: number;
  batteryMah: number; // the part drawn while no truck power fed the device
  byState: Map<string, number>; // seconds per state
}

export class PowerMeter {
  private tracks = new Map<Component, Track>();
  private external = false;
  /** Charge over time, when the meter was asked to sample it. */
  readonly series?: ChargeSeries;

  constructor(
    private readonly clock: Scheduler,
    readonly table: PowerTable,
    sampleMs?: number,
  ) {
    if (sampleMs !== undefined) this.series = new ChargeSeries(sampleMs, COMPONENTS);
    for (const c of COMPONENTS) this.tracks.set(c, { state: "off", mA: 0, since: 0, mAh: 0, batteryMah: 0, byState: new Map() });
    this.set("board", "on", table.board_mA);
  }

  /** Puts a component in a state drawing mA from now on. */
  set(c: Component, state: string, mA: number): void {
    const tr = this.settle(c);
    tr.state = state;
    tr.mA = mA;
  }

  state(c: Component): string {
    return this.tracks.get(c)!.state;
  }

  /** Adds a fixed charge, in mAh. */
  addMah(c: Component, mAh: number): void {
    const tr = this.settle(c);
    tr.mAh += mAh;
    if (!this.external) tr.batteryMah += mAh;
  }

  /** Truck power came or went: from now on charge is (not) taken from the battery. */
  setExternal(on: boolean): void {
    for (const c of COMPONENTS) this.settle(c);
    this.external = on;
  }

  /** Charge taken from the battery so far (total minus what truck power supplied), in mAh. */
  batteryMah(): number {
    let s = 0;
    for (const c of COMPONENTS) s += this.settle(c).batteryMah;
    return s;
  }

  addJoules(c: Component, joules: number): void {
    this.addMah(c, joulesToMah(this.table, joules));
  }

  /** Charge drawn so far, per component, in mAh. */
  byComponent(): Record<Component, number> {
    const out = {} as Record<Component, number>;
    for (const c of COMPONENTS) out[c] = this.settle(c).mAh;
    return out;
  }

  /** Seconds spent in each state of a component so far. */
  secondsIn(c: Component, state: string): number {
    return this.settle(c).byState.get(state) ?? 0;
  }

  total(): number {
    let s = 0;
    for (const v of Object.values(this.byComponent())) s += v;
    return s;
  }

  private settle(c: Component): Track {
    const tr = this.tracks.get(c)!;
    const dt = (this.clock.now - tr.since) / 1000;
    this.series?.advance(c, tr.since, this.clock.now, tr.mAh, tr.batteryMah, tr.mA, !this.external);
    if (dt > 0) {
      const q = (tr.mA * dt) / 3600;
      tr.mAh += q;
      if (!this.external) tr.batteryMah += q;
      tr.byState.set(tr.state, (tr.byState.get(tr.state) ?? 0) + dt);
    }
    tr.since = this.clock.now;
    return tr;
  }
}
