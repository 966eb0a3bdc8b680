/**
 * The wake cycle. Every wake is a boot: restore retained state, configuration and the record log; run every duty
 * due now (sense first, then deliver); save; sleep until the next deadline.
 *
 * States: restoring → sensing → delivering → saving → asleep (or, on truck power with a deadline close by,
 *         light-sleeping in the same boot and cycling again).
 * Inputs: wake cause, retained bytes, settings, flash, door/ignition levels and edges, duty completions.
 * Outputs: records in the log, `wake`/`sleep` events, the deep-sleep request with its wake sources.
 */
import type { Ports } from "../../hal/ports";
import { RecordLog } from "../store/record-log";
import { loadRetained, saveRetained } from "../store/retained-state";
import { App } from "./app";
import { checkState, freshState, type AppState } from "./app-state";
import { loadConfig } from "../config/config";
import { openSecurity } from "./security-context";
import { SHARE_MS, type Duty, type Phase } from "./duty";

/** On truck power, waits shorter than this stay in light sleep instead of paying a reboot. */
const LIGHT_SLEEP_MAX_MS = 60_000;
/** A wake that has not finished by then is cut short: a stuck duty must not drain the battery. */
const WAKE_LIMIT_MS = 10 * 60_000;
/** Firmware faults (exceptions) since the last power loss after which the device reboots clean. */
const FAULT_LIMIT = 5;
/** A duty due this soon after a cycle is run in the same boot: idling that long costs less than a reboot. */
const STAY_AWAKE_MS = 3_000;
/** At most this many back-to-back cycles per boot, so a duty that is always due cannot keep the CPU up. */
const MAX_CYCLES_PER_BOOT = 8;
/** Late starts of one duty within a cycle are at least this far apart, at most MAX_LATE_RUNS of them. */
const LATE_SPACING_MS = 1_000;
const MAX_LATE_RUNS = 8;

export class WakeCycle {
  private app!: App;
  private limitTimer = -1;
  private finished = false;
  private quick = 0; // back-to-back cycles in this boot
  private lightSleep = -1; // the timer of a light sleep in progress
  private lateTimer = -1; // the next late start of a sense duty while a later phase runs
  private lateOpen = 0; // late-started duties not done yet
  private lateRuns = 0; // late starts in this cycle
  private finishWanted = false; // the cycle is over but late duties still run

  constructor(
    private readonly ports: Ports,
    private readonly duties: readonly Duty[],
  ) {}

  start(): void {
    const { ports } = this;
    const now = ports.clock.now();
    const restored = checkState(loadRetained(ports.retained));
    const state: AppState = restored ?? freshState(now);
    state.boots++;
    const config = loadConfig(ports.settings);
    // The log resumes from the point saved in RTC memory (under 1 KB read) instead of scanning the partition;
    // after a crash or watchdog reset it scans, as after a power cut, so acks of the lost wake are seen at once.
    const resume = ports.power.wakeCause() === "restart" ? undefined : state.mods.records;
    const security = openSecurity(ports, config.device_id);
    const records = RecordLog.open(ports.flash, ports.log, resume, security?.sealer);
    records.restore(state.mods.records);
    this.app = new App(ports, config, state, records);
    this.app.security = security;
    this.app.poke = () => this.poke();
    this.app.emit("wake", {
      cause: ports.power.wakeCause(),
      boot: state.boots,
      restored: restored !== undefined,
      pending: records.pending(),
      log: records.boot,
    });
    if (state.faults >= FAULT_LIMIT) {
      state.faults = 0;
      this.save();
      this.app.emit("fault-reboot");
      ports.power.restart();
      return;
    }
    for (const d of this.duties) this.guard(d.name, () => d.boot?.(this.app));
    this.cycle();
  }

  /** Runs fn; an exception is a bug, counted and logged, never the end of the wake. False when fn threw. */
  private guard(where: string, fn: () => void): boolean {
    try {
      fn();
      return true;
    } catch (e) {
      this.fault(where, e);
      return false;
    }
  }

  /** An event that cannot wait: end a light sleep now (during a cycle, finish() sees the duty due anyway). */
  private poke(): void {
    if (this.lightSleep < 0) return;
    this.ports.clock.cancel(this.lightSleep);
    this.lightSleep = -1;
    this.ports.clock.at(this.ports.clock.now(), () => this.cycle());
  }

  private cycle(): void {
    this.lightSleep = -1;
    this.finished = false;
    this.app.ran.clear();
    this.app.fresh.length = 0;
    const now = this.ports.clock.now();
    this.app.wakeEndsAt = now + WAKE_LIMIT_MS;
    this.limitTimer = this.ports.clock.at(now + WAKE_LIMIT_MS, () => {
      this.app.emit("wake-limit");
      this.finish(true);
    });
    this.lateRuns = 0;
    this.finishWanted = false;
    const at = () => this.ports.clock.now();
    const deliver = () => {
      this.armLate();
      this.runPhase("deliver", at(), () => this.runPhase("fallback", at(), () => this.finish()));
    };
    this.runPhase("sense", now, deliver);
  }

  /** Arms the start of the next `late` sense duty that falls due while the deliver and fallback phases run. */
  private armLate(earliest = 0): void {
    if (this.lateTimer >= 0) this.ports.clock.cancel(this.lateTimer);
    this.lateTimer = -1;
    if (this.finished || this.lateOpen > 0 || this.lateRuns >= MAX_LATE_RUNS) return;
    let at = Infinity;
    for (const d of this.duties) if (d.late && d.phase === "sense") at = Math.min(at, d.dueAt(this.app));
    if (!(at < Infinity)) return;
    this.lateTimer = this.ports.clock.at(Math.max(at, earliest, this.ports.clock.now()), () => this.runLate());
  }

  private runLate(): void {
    this.lateTimer = -1;
    if (this.finished) return;
    const now = this.ports.clock.now();
    const due = this.duties.filter((d) => d.late && d.phase === "sense" && d.dueAt(this.app) <= now);
    for (const d of due) {
      let called = false;
      this.lateOpen++;
      this.lateRuns++;
      this.app.emit("late-duty", { duty: d.name });
      const done = () => {
        if (called) return;
        called = true;
        if (--this.lateOpen > 0) return;
        if (this.finishWanted) this.finish();
        else this.armLate(this.ports.clock.now() + LATE_SPACING_MS);
      };
      if (!this.guard(d.name, () => d.run(this.app, done))) done();
    }
    if (this.lateOpen === 0) this.armLate(now + LATE_SPACING_MS);
  }

  /** Runs every duty of a phase due by `now` (plus the sharing window), then calls next(). */
  private runPhase(phase: Phase, now: number, next: () => void): void {
    if (this.finished) return;
    const due = this.duties.filter((d) => d.phase === phase && d.dueAt(this.app) <= now + SHARE_MS);
    let open = due.length;
    if (open === 0) return next();
    for (const d of due) {
      let called = false;
      this.app.ran.add(d.name);
      const done = () => {
        if (called) return;
        called = true;
        if (--open === 0 && !this.finished) next();
      };
      if (!this.guard(d.name, () => d.run(this.app, done))) done();
    }
  }

  private fault(where: string, e: unknown): void {
    this.app.state.faults++;
    this.app.emit("fault", { where, error: e instanceof Error ? e.message : String(e) });
  }

  private save(): void {
    const r = saveRetained(this.ports.retained, this.app.state);
    if (!r.ok) this.app.emit("retained-overflow", { error: r.error, bytes: r.size });
  }

  private finish(force = false): void {
    if (this.finished) return;
    if (this.lateOpen > 0 && !force) {
      this.finishWanted = true;
      return;
    }
    this.finished = true;
    const { ports, app } = this;
    ports.clock.cancel(this.limitTimer);
    if (this.lateTimer >= 0) ports.clock.cancel(this.lateTimer);
    this.lateTimer = -1;
    this.lateOpen = 0;
    const now = ports.clock.now();
    for (const d of this.duties) this.guard(d.name, () => d.save?.(app));
    app.saveMod("records", app.records.snapshot());
    let next = Infinity;
    for (const d of this.duties) next = Math.min(next, d.dueAt(app));
    // A duty always reschedules itself; a missing deadline would be a bug, so wake at least daily to recover.
    if (!(next < Infinity)) next = now + 86_400_000;
    this.save();
    if (next - now <= STAY_AWAKE_MS && this.quick < MAX_CYCLES_PER_BOOT) {
      this.quick++;
      this.ports.clock.at(next - SHARE_MS, () => this.cycle());
      return;
    }
    next = Math.max(next, now + 1000);
    if (app.restartRequested) {
      app.emit("restart", { reason: "platform" });
      ports.power.restart();
      return;
    }
    if (ports.power.externalPower() && next - now <= LIGHT_SLEEP_MAX_MS) {
      app.emit("light-sleep", { until: next });
      this.quick = 0;
      this.lightSleep = ports.clock.at(next, () => this.cycle());
      return;
    }
    app.emit("sleep", { until: next });
    ports.power.deepSleep(next, ["door", "ignition"]);
  }
}
