/**
 * The cold chain during one wake: the alarm engine, the trip statistics and the temperature log schedule, rebuilt
 * from their snapshots the first time a duty asks for them and written back when the wake saves. The inputs duty
 * (door, ignition, supply) and the cold-chain duty (probe readings) feed the same instance, so every input reaches
 * the engine and the statistics through one place, whichever duty saw it.
 *
 * Inputs: door and ignition edges with their exact times, readings (°C per probe, null = fault), supply, motion
 *   (the position duty's MotionState in app.mod("motion")), the platform's acknowledgement (app.mod("alarm-ack"),
 *   consumed), ticks at the deadlines it names.
 * Outputs: one "alarm" record and one `alarm` event per raised or cleared alarm; JT/T alarm word bits 7 (battery
 *   low) and 8 (power lost) in app.state.alarms (probe and temperature alarms travel in the vendor detail only);
 *   app.state.temps; "temperature" records; `trip-start`, and at trip end a "trip" record plus `trip-report`.
 */
import { AlarmEngine, type EngineInput } from "../coldchain/alarm-engine";
import type { Stamp } from "../coldchain/alarm-sink";
import { alignedRecordAt, emptyLogState, logObserve, logRecorded, logSupplyCut, type LogState, type ReportHint } from "../coldchain/log-schedule";
import { TripStats, type TripEvent } from "../coldchain/trip-stats";
import type { MotionState } from "../gnss/motion";
import { ALARM_BITS } from "../protocol/record-location";
import type { AlarmCode, AlarmDetail } from "../store/track-record";
import type { App } from "./app";
import { packEngine, packTrip, unpackEngine, unpackTrip } from "./cold-snapshot";
import { tripReportFields } from "./trip-report";

/** Snapshot names in app.state.mods. */
export const COLD_MOD = Object.freeze({ engine: "alarmEngine", trip: "trip", log: "tempLog" } as const);
/** Written by the uplink duty when the platform acknowledges alarms (JT/T 0x8203). */
export const ACK_MOD = "alarm-ack";

/** The alarm word bits this module owns (the position duty owns 4-6). */
const WORD_CODES: readonly AlarmCode[] = Object.freeze(["battery-low", "power-lost"] as AlarmCode[]);
const WORD_MASK = WORD_CODES.reduce((m, c) => m | (1 << ALARM_BITS[c]!), 0);

const LOCAL = "coldchain";

/** A reading stands for the time until the next one, but no longer than this many log intervals. */
const MAX_GAP_INTERVALS = 2;

/** This wake's cold chain (created on first use, kept in the App's per-wake slot). */
export function coldChain(app: App): ColdChain {
  return app.local(LOCAL, () => new ColdChain(app));
}

/** Writes the snapshots back (before the wake saves its state). */
export function saveColdChain(app: App): void {
  coldChain(app).save();
}

function validLog(x: unknown): LogState | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const s = x as LogState;
  const num = (v: unknown) => v === undefined || typeof v === "number";
  return typeof s.excursion === "boolean" && num(s.last) && num(s.clearedAt) && num(s.cutAt) ? s : undefined;
}

export class ColdChain {
  readonly names: readonly string[];
  private readonly engine: AlarmEngine;
  private readonly trip: TripStats;
  private log: LogState;

  constructor(private readonly app: App) {
    const c = app.config;
    this.names = Object.freeze(c.probes.split(","));
    this.engine = new AlarmEngine(
      {
        probes: this.names,
        bands: c.bands,
        ignore_start_s: c.ignore_start_s,
        defrost_s: c.defrost_s,
        door_alarm_s: c.door_alarm_s,
        batt_low_mv: c.batt_low_mv,
      },
      unpackEngine(app.mod(COLD_MOD.engine)),
    );
    this.trip = new TripStats(
      { probes: this.names, bands: c.bands, endAfterS: c.park_after_s, maxGapS: MAX_GAP_INTERVALS * c.temp_log_s },
      unpackTrip(app.mod(COLD_MOD.trip)),
    );
    const kept = validLog(app.mod(COLD_MOD.log));
    this.log = kept ?? emptyLogState();
    // A power-on that finds records in the flash log: the supply was cut under a running unit (see log-schedule).
    if (!kept && app.ports.power.wakeCause() === "power-on" && app.records.stats().nextSeq > 1)
      this.log = logSupplyCut(this.log, app.now());
  }

  /** When the log schedule wants the next temperature record (never before now), with a report wake to share. */
  recordDue(now: number, report?: ReportHint): number {
    return alignedRecordAt(this.log, this.app.config, now, report);
  }

  /** When the engine needs a reading to decide a delay, a clear delay or a probe fault; Infinity when not. */
  sampleDue(): number {
    return this.engine.sampleDue() ?? Infinity;
  }

  /** When the door-open-too-long timer runs out; Infinity while it is not running. */
  doorDue(): number {
    return this.engine.tickDue() ?? Infinity;
  }

  /** When the trip statistics confirm a trip end; Infinity when no trip is ending. */
  tripDue(): number {
    return this.trip.nextCheck() ?? Infinity;
  }

  door(open: boolean, at: number): void {
    this.trip.door(at, open);
    this.step({ kind: "door", open, ...this.stamp(at) });
  }

  ignition(on: boolean, at: number): void {
    this.tripEvent(this.trip.ignition(at, on, this.stamp(at).utc), at);
  }

  /** Motion as the position duty last judged it; nothing before its first judgement. */
  motion(t: number): void {
    const m = this.app.mod<MotionState>("motion");
    if (typeof m !== "object" || m === null || typeof m.kind !== "string") return;
    const moving = m.kind === "moving";
    this.step({ kind: "motion", moving, ...this.stamp(t) });
    this.tripEvent(this.trip.motion(t, moving, this.stamp(t).utc), t);
  }

  /** Supply and battery as the ports read them now. */
  supply(t: number): void {
    const p = this.app.ports.power;
    const external = p.externalPower();
    this.app.state.external = external;
    this.step({ kind: "supply", external, batteryMv: p.batteryMv(), ...this.stamp(t) });
  }

  /**
   * A reading of every probe at t: updates app.state.temps, writes its "temperature" record, steps the engine.
   * Returns how many alarm records it wrote.
   */
  temps(t: number, celsius: readonly (number | null)[]): number {
    this.app.state.temps = celsius.map((v) => (v === null ? null : Math.round(v * 10)));
    this.trip.temps(t, celsius);
    const events = this.engineStep({ kind: "temps", temps: celsius, ...this.stamp(t) });
    this.app.record("temperature");
    this.log = logRecorded(this.log, t);
    this.publish(events);
    return events.length;
  }

  /** At a deadline named by doorDue() or tripDue(). */
  tick(t: number): void {
    this.tripEvent(this.trip.tick(t), t);
    this.step({ kind: "tick", ...this.stamp(t) });
  }

  /**
   * Consumes the platform's acknowledgement. JT/T has no alarm bit for temperature alarms (they ride in the vendor
   * item), so the mask cannot single one out: any 0x8203 acknowledges every latched temperature alarm.
   */
  ack(t: number): void {
    if (this.app.mod(ACK_MOD) === undefined) return;
    delete this.app.state.mods[ACK_MOD];
    this.step({ kind: "ack", ...this.stamp(t) });
  }

  save(): void {
    this.app.saveMod(COLD_MOD.engine, packEngine(this.engine.snapshot()));
    this.app.saveMod(COLD_MOD.trip, packTrip(this.trip.snapshot()));
    this.app.saveMod(COLD_MOD.log, this.log);
  }

  private stamp(t: number): Stamp {
    const utc = this.app.utc();
    return utc === 0 ? { t } : { t, utc: utc - (this.app.now() - t) };
  }

  private step(input: EngineInput): void {
    this.publish(this.engineStep(input));
  }

  private engineStep(input: EngineInput): AlarmDetail[] {
    const r = this.engine.step(input);
    this.log = logObserve(this.log, input.t, this.engine.excursion());
    let word = 0;
    for (const code of this.engine.active()) if (WORD_CODES.indexOf(code) >= 0) word |= 1 << ALARM_BITS[code]!;
    this.app.state.alarms = ((this.app.state.alarms & ~WORD_MASK) | word) >>> 0;
    return r.events;
  }

  private publish(events: readonly AlarmDetail[]): void {
    for (const ev of events) {
      this.app.record("alarm", ev);
      this.app.emit("alarm", { code: ev.code, raised: ev.raised, probe: ev.probe, band: ev.band });
    }
  }

  private tripEvent(ev: TripEvent | undefined, t: number): void {
    if (ev === "trip-start") {
      this.app.emit("trip-start", { at: t });
      this.step({ kind: "trip-start", ...this.stamp(t) });
    } else if (ev === "trip-end") {
      this.app.record("trip");
      this.app.emit("trip-report", tripReportFields(this.trip.tripReport(this.app.now())));
    }
  }
}
