/**
 * The context every duty works in during one wake: ports, configuration, retained state, the record log, and the
 * helpers that turn what the device knows into records.
 */
import type { Ports } from "../../hal/ports";
import { emit, type EventValue } from "../core/events";
import type { RecordLog } from "../store/record-log";
import type { AlarmDetail, RecordKind, TrackRecord } from "../store/track-record";
import type { AppState } from "./app-state";
import type { Config } from "../config/config";
import type { SecurityContext } from "./security-context";

export class App {
  /** Something recorded must reach the platform now (an alarm); cleared when an uplink session starts. */
  urgent = false;
  /** Set by the wake cycle: asks for a cycle as soon as possible (an input edge during light sleep). */
  poke: () => void = () => {};
  /** Records appended in this wake, in order (the uplink sends them live, ahead of the backlog). */
  readonly fresh: TrackRecord[] = [];
  /** Duties that have run in this cycle (a duty due again right after running would loop). */
  readonly ran = new Set<string>();
  /** Monotonic ms at which the wake cycle cuts this cycle short (work that must finish should end before). */
  wakeEndsAt = Infinity;
  /** Keys and counters of a provisioned device (undefined: unprovisioned, nothing sealed). */
  security: SecurityContext | undefined;
  /** A platform command asked for a reboot once this wake is done. */
  restartRequested = false;
  /** Per-wake objects of the duties (drivers, engines): they live and die with this boot, never at module level. */
  private readonly locals = new Map<string, unknown>();

  constructor(
    readonly ports: Ports,
    readonly config: Config,
    readonly state: AppState,
    readonly records: RecordLog,
  ) {}

  now(): number {
    return this.ports.clock.now();
  }

  /** UTC ms, or 0 while wall time is unknown (records then order by their monotonic stamp). */
  utc(): number {
    return this.ports.clock.wallTime() ?? 0;
  }

  emit(name: string, fields: Record<string, EventValue> = {}): void {
    emit(this.ports.log, name, fields);
  }

  /** Schedules a duty (absolute monotonic ms). */
  setDue(duty: string, at: number): void {
    this.state.due[duty] = at;
  }

  due(duty: string): number {
    const d = this.state.due[duty];
    return typeof d === "number" ? d : Infinity;
  }

  /** The duty's per-wake object under `key`, made on first use in this boot. */
  local<T>(key: string, make: () => T): T {
    if (!this.locals.has(key)) this.locals.set(key, make());
    return this.locals.get(key) as T;
  }

  /** A module's snapshot from the last wake (undefined after a power loss). */
  mod<T>(name: string): T | undefined {
    return this.state.mods[name] as T | undefined;
  }

  saveMod(name: string, snapshot: unknown): void {
    this.state.mods[name] = snapshot;
  }

  /** What the device knows now, as a record not (yet) in the log (seq 0). */
  current(kind: RecordKind = "position", detail?: AlarmDetail): TrackRecord {
    const s = this.state;
    return {
      seq: 0,
      kind,
      utc: this.utc(),
      mono: this.now(),
      fix: s.lastFix,
      temps: s.temps.slice(),
      doorOpen: s.door,
      acc: s.acc,
      external: s.external,
      batteryMv: this.ports.power.batteryMv(),
      alarms: s.alarms,
      detail,
    };
  }

  /**
   * Appends a record of what the device knows now, stamped at monotonic time `at` (default now: an event seen a
   * little after it happened keeps its real time); alarms also mark the wake urgent.
   */
  record(kind: RecordKind, detail?: AlarmDetail, at?: number): number {
    const rec = this.current(kind, detail);
    if (at !== undefined && at !== rec.mono) {
      if (rec.utc !== 0) rec.utc -= rec.mono - at;
      rec.mono = at;
    }
    const seq = this.records.append(rec);
    if (seq > 0) this.fresh.push({ ...rec, seq });
    if (kind === "alarm") this.urgent = true;
    this.emit("record", {
      seq,
      kind,
      code: detail?.code,
      raised: detail ? detail.raised : undefined,
      mono: rec.mono,
    });
    return seq;
  }
}
