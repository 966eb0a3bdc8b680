/**
 * The cold-chain alarm engine: a pure state machine (no clock, no I/O) fed with timestamped inputs.
 *
 * States per probe, band and side (high/low), absent while idle:
 *   pending  — out of range since t0, waiting delay_s (a quiet window drops it)
 *   raised   — alarm raised; the value is not yet back inside the limits minus the hysteresis
 *   clearing — back inside since tc, waiting clear_s; out again → raised
 *   held     — latched band: the condition is gone, the alarm waits for the platform's acknowledgement
 * Also per probe: probe fault (confirmed after PROBE_FAULT_CONFIRM_S); and the vehicle alarms (door open too
 * long, door opened while moving, external power lost, battery low) in vehicle-alarms.ts.
 * Inputs: temps (°C per probe, null = probe fault), door edges with their exact time, motion, supply, trip start
 *   (opens the ignore window), defrost start (opens the suspend window), tick (a deadline the app armed), ack.
 * Outputs: AlarmDetail events (track-record.ts; extreme in 0.1 °C, duration in s) and `next`, the earliest time
 *   the engine needs another input (a sample for a delay, or a tick for the door timer).
 *
 * A probe fault (null) neither starts, advances nor ends an excursion: only real readings count, so a dead probe
 * cannot fake a temperature alarm or hide one. Quiet windows stop new excursions from starting; alarms already
 * raised still clear normally. An acknowledgement before the condition is gone unlatches the alarm: it then
 * clears by itself when the temperature recovers.
 */
import type { Millis } from "../../hal/ports";
import type { AlarmCode, AlarmDetail } from "../store/track-record";
import { AlarmSink, type Since, type Stamp } from "./alarm-sink";
import { parseBands, type Band } from "./bands";
import * as vehicle from "./vehicle-alarms";

export const PROBE_FAULT_CONFIRM_S = 60;

export interface EngineConfig extends vehicle.VehicleConfig {
  probes: readonly string[];
  bands: string;
  ignore_start_s: number;
  defrost_s: number;
}

export type EngineInput = Stamp &
  (
    | { kind: "temps"; temps: readonly (number | null)[] }
    | { kind: "door"; open: boolean }
    | { kind: "motion"; moving: boolean }
    | { kind: "supply"; external: boolean; batteryMv: number }
    | { kind: "trip-start" }
    | { kind: "defrost" }
    | { kind: "tick" }
    | { kind: "ack"; code?: AlarmCode }
  );

export type DetPhase = "pending" | "raised" | "clearing" | "held";

interface Det extends Since {
  ph: DetPhase;
  ext: number; // worst °C seen
  tc?: Millis; // back inside since
  acked?: boolean;
}

export interface EngineState extends vehicle.VehicleState {
  det: Record<string, Det>; // "probe.band.h|l"
  fault: Record<string, Since>; // probe index
  quietUntil: Millis; // end of the ignore / defrost window
}

export interface EngineStep {
  events: AlarmDetail[];
  next?: Millis;
}

export function emptyEngineState(): EngineState {
  return { det: {}, fault: {}, quietUntil: 0, moving: false };
}

type Side = "h" | "l";

export class AlarmEngine {
  private s: EngineState;
  private readonly bands: Band[][];
  private readonly sink = new AlarmSink();

  constructor(
    private readonly cfg: EngineConfig,
    state?: EngineState,
  ) {
    this.bands = parseBands(cfg.bands, cfg.probes);
    this.s = restore(state);
    // A band removed or moved by a configuration change takes its state with it.
    for (const key of Object.keys(this.s.det)) if (!this.band(key)) delete this.s.det[key];
  }

  snapshot(): EngineState {
    return JSON.parse(JSON.stringify(this.s)) as EngineState;
  }

  step(input: EngineInput): EngineStep {
    this.sink.begin(input);
    // The door timer runs at its own tick (the app wakes for next()) and at door edges, not at every input: a
    // reading or the newest motion stepped at the wake's time may come before a door edge queued in that wake at its
    // own earlier time, and the timer must not run past a door that closed before it.
    if (input.kind === "tick" || input.kind === "door") vehicle.doorTimer(this.s, this.cfg, this.sink);
    switch (input.kind) {
      case "temps":
        input.temps.forEach((v, i) => (i < this.bands.length ? this.sample(i, v) : undefined));
        break;
      case "door":
        vehicle.doorEdge(this.s, this.cfg, this.sink, input.open);
        break;
      case "motion":
        vehicle.motion(this.s, this.sink, input.moving);
        break;
      case "supply":
        vehicle.supply(this.s, this.cfg, this.sink, input.external, input.batteryMv);
        break;
      case "trip-start":
        this.quiet(this.cfg.ignore_start_s);
        break;
      case "defrost":
        this.quiet(this.cfg.defrost_s);
        break;
      case "ack":
        this.ack(input.code);
        break;
      case "tick":
        break;
    }
    return { events: this.sink.events, next: this.next() };
  }

  /** True while any probe is out of range or recovering (pending, raised or clearing): log fast. */
  excursion(): boolean {
    for (const k of Object.keys(this.s.det)) if (this.s.det[k].ph !== "held") return true;
    return false;
  }

  /** Alarms raised and not cleared, as the codes the JT/T alarm word is built from. */
  active(): AlarmCode[] {
    const out = vehicle.vehicleActive(this.s);
    const add = (c: AlarmCode) => (out.indexOf(c) < 0 ? out.push(c) : 0);
    for (const k of Object.keys(this.s.det)) {
      if (this.s.det[k].ph !== "pending") add(k.endsWith("h") ? "temp-high" : "temp-low");
    }
    for (const k of Object.keys(this.s.fault)) if (this.s.fault[k].raised) add("probe-fault");
    return out;
  }

  private sample(probe: number, v: number | null): void {
    const f = this.s.fault[probe];
    const t = this.sink.now.t;
    if (v === null || !Number.isFinite(v)) {
      if (!f) this.s.fault[probe] = this.sink.since();
      else if (!f.raised && t - f.t0 >= PROBE_FAULT_CONFIRM_S * 1000) {
        f.raised = true;
        this.sink.emit("probe-fault", true, f, { probe });
      }
      return;
    }
    if (f) {
      if (f.raised) this.sink.emit("probe-fault", false, f, { probe });
      delete this.s.fault[probe];
    }
    for (const band of this.bands[probe]) {
      this.side(probe, band, "h", v);
      this.side(probe, band, "l", v);
    }
  }

  private side(probe: number, band: Band, side: Side, v: number): void {
    const key = `${probe}.${band.index}.${side}`;
    const out = side === "h" ? v > band.high : v < band.low;
    const inside = side === "h" ? v <= band.high - band.hyst : v >= band.low + band.hyst;
    const t = this.sink.now.t;
    const d = this.s.det[key];
    if (!d) {
      if (!out || t < this.s.quietUntil) return;
      const n: Det = { ph: "pending", ext: v, ...this.sink.since() };
      this.s.det[key] = n;
      if (band.delayS === 0) this.raise(n, probe, band, side);
      return;
    }
    if (out) d.ext = side === "h" ? Math.max(d.ext, v) : Math.min(d.ext, v);
    switch (d.ph) {
      case "pending":
        if (!out || t < this.s.quietUntil) delete this.s.det[key];
        else if (t - d.t0 >= band.delayS * 1000) this.raise(d, probe, band, side);
        return;
      case "raised":
        if (!inside) return;
        d.ph = "clearing";
        d.tc = t;
        break;
      case "clearing":
        if (!inside) {
          d.ph = "raised";
          delete d.tc;
          return;
        }
        break;
      case "held":
        if (!out) return;
        d.ph = "raised";
        delete d.tc;
        return;
    }
    if (t - d.tc! < band.clearS * 1000) return;
    if (band.latch && !d.acked) {
      d.ph = "held";
      return;
    }
    this.emitTemp(d, probe, band, side, false);
    delete this.s.det[key];
  }

  private raise(d: Det, probe: number, band: Band, side: Side): void {
    d.ph = "raised";
    this.emitTemp(d, probe, band, side, true);
  }

  private emitTemp(d: Det, probe: number, band: Band, side: Side, raised: boolean): void {
    // The excursion lasted until the value first came back inside the hysteresis, not until the clear delay ran.
    const end = raised ? this.sink.now.t : (d.tc ?? this.sink.now.t);
    const extreme = Math.round(d.ext * 10);
    this.sink.emit(side === "h" ? "temp-high" : "temp-low", raised, d, { probe, band: band.index, extreme }, end);
  }

  private ack(code: AlarmCode | undefined): void {
    for (const key of Object.keys(this.s.det)) {
      const d = this.s.det[key];
      const side: Side = key.endsWith("h") ? "h" : "l";
      if (d.ph === "pending" || (code !== undefined && code !== (side === "h" ? "temp-high" : "temp-low"))) continue;
      d.acked = true;
      if (d.ph !== "held") continue;
      this.emitTemp(d, Number(key.split(".")[0]), this.band(key)!, side, false);
      delete this.s.det[key];
    }
  }

  private quiet(seconds: number): void {
    const until = this.sink.now.t + seconds * 1000;
    if (until > this.s.quietUntil) this.s.quietUntil = until;
    for (const key of Object.keys(this.s.det)) if (this.s.det[key].ph === "pending") delete this.s.det[key];
  }

  private band(key: string): Band | undefined {
    const [probe, index] = key.split(".").map(Number);
    return this.bands[probe]?.find((b) => b.index === index);
  }

  /** When the engine next needs a reading (a delay or clear delay ends, a probe fault is confirmed). */
  sampleDue(): Millis | undefined {
    let n = Infinity;
    for (const key of Object.keys(this.s.det)) {
      const d = this.s.det[key];
      const b = this.band(key)!;
      if (d.ph === "pending") n = Math.min(n, d.t0 + b.delayS * 1000);
      if (d.ph === "clearing") n = Math.min(n, d.tc! + b.clearS * 1000);
    }
    for (const k of Object.keys(this.s.fault)) {
      const f = this.s.fault[k];
      if (!f.raised) n = Math.min(n, f.t0 + PROBE_FAULT_CONFIRM_S * 1000);
    }
    return n === Infinity ? undefined : n;
  }

  /** When the engine next needs a tick without a reading (the door timer). */
  tickDue(): Millis | undefined {
    return vehicle.vehicleNext(this.s, this.cfg);
  }

  private next(): Millis | undefined {
    const a = this.sampleDue() ?? Infinity;
    const b = this.tickDue() ?? Infinity;
    return a === Infinity && b === Infinity ? undefined : Math.min(a, b);
  }
}

function restore(s: EngineState | undefined): EngineState {
  const e = emptyEngineState();
  if (!s || typeof s !== "object" || typeof s.det !== "object" || typeof s.fault !== "object") return e;
  const copy = JSON.parse(JSON.stringify(s)) as EngineState;
  return { ...e, ...copy, quietUntil: Number(copy.quietUntil) || 0, moving: copy.moving === true };
}
