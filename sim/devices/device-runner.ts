/**
 * Runs the firmware the way the ESP32 does: every wake is a boot. For each wake it builds fresh port facades and
 * calls the firmware's boot(); all that survives a deep sleep is what survives on the device (retained bytes, flash,
 * settings, the clock, module states). When the firmware asks for deep sleep, the wake's timers and UART receivers
 * die with it. A power cut also wipes retained bytes and wall time and tears a flash write in progress; a cut the
 * flash fires itself (armed at a byte of its traffic by a fault campaign) ends the wake the same way. The device's
 * clock may run fast or slow (rtcPpm): the firmware's monotonic time, its timers and its deep-sleep deadlines all
 * run on it, the world on true time.
 *
 * States: off (power cut) → booting → awake → asleep → booting ...
 * Inputs: firmware port calls, scheduled timers, UART chunks, door/ignition edges, power-cut faults.
 * Outputs: wake records, log lines (the transcript), MCU charge on the power meter.
 */
import type { Clock, Crypto, DigitalIn, I2C, Log, OneWire, Ports, RecordFlash, Retained, Settings, WakeCause, WakeSource } from "../../hal/ports";
import { meteredCrypto, meteredFlash, meteredSettings } from "./metered-ports";
import type { PowerMeter } from "../report/power-meter";
import type { Rng } from "../world/rng";
import type { Scheduler } from "../world/scheduler";
import type { SimUart } from "./uart";
import type { World } from "../world/world";

export interface CuttableFlash extends RecordFlash {
  /** Makes the flash operation that reaches `afterBytes` more bytes stop part-way and throw (a cut mid-write). */
  armCut?(afterBytes: number, rng: Rng): void;
  disarm?(): void;
  /** Supply back after a cut. */
  powerOn?(): void;
  /** True after a cut the flash itself fired (armed at a byte of its traffic) until powerOn(). */
  readonly isDead?: boolean;
}
export interface WipeableRetained extends Retained {
  wipe(): void;
}

export interface RunnerParts {
  sched: Scheduler;
  world: World;
  meter: PowerMeter;
  rng: Rng;
  flash: CuttableFlash;
  retained: WipeableRetained;
  settings: Settings;
  gnss: SimUart;
  modem: SimUart;
  rdss?: SimUart;
  oneWire?: OneWire;
  i2c?: I2C;
  crypto?: Crypto;
  /** The firmware entry point. */
  boot: (ports: Ports) => void;
  /** Called when the supply drops, so simulated modules lose power too. */
  onPowerCut?: () => void;
  /** Every log line, stamped. */
  onLog?: (t: number, level: string, msg: string) => void;
  /** The device's clock error in parts per million (+100 = its RTC runs 100 ppm fast); 0 by default. */
  rtcPpm?: number;
}

export interface WakeRecord {
  t: number;
  cause: WakeCause;
  ms: number; // awake time
}

const WATCHDOG_MS = 60_000; // a wake with nothing pending for this long is stuck: the task watchdog resets it
const FLASH_CUT_MS = 5_000; // how long the supply stays off after a cut armed at a flash byte (not by the trace)

export class DeviceRunner {
  wakes: WakeRecord[] = [];
  crashes = 0;
  watchdogResets = 0;
  powerCuts = 0;
  sleepRequests = 0;
  lastError = "";
  private gen = 0;
  private awake = false;
  private off = false;
  private wakeStart = 0;
  private cause: WakeCause = "power-on";
  private wakeOn: readonly WakeSource[] = [];
  private sleepTimer = -1;
  private pendingTimers = 0;
  private watchdog = -1;
  private wallOffset: number | undefined;
  private cutPending = false;
  private levels: Record<WakeSource, boolean>;
  private edgeFns: Record<WakeSource, ((level: boolean, at: number) => void) | undefined> = { door: undefined, ignition: undefined };
  private endAt = Infinity;

  constructor(private readonly p: RunnerParts) {
    const w = p.world;
    this.levels = { door: w.doorOpen(0), ignition: w.ignitionOn(0) };
    const t = w.trace;
    for (const e of w.edges(t.door, this.levels.door)) this.scheduleEdge("door", e.t, e.v);
    for (const e of w.edges(t.ignition, this.levels.ignition)) this.scheduleEdge("ignition", e.t, e.v);
    p.meter.setExternal(w.externalPower(0));
    for (const e of w.edges(t.supply, t.supply.length ? t.supply[0].v : "battery"))
      p.sched.at(e.t * 1000, () => p.meter.setExternal(e.v === "external"));
    for (const f of t.faults) if (f.kind === "power-cut") p.sched.at(f.t * 1000, () => this.powerCut(f.for * 1000));
  }

  /** Powers the device up at t = 0; run the scheduler to drive it. `endAt` stops new wakes (end of trace). */
  start(endAt = Infinity): void {
    this.endAt = endAt;
    this.p.sched.at(0, () => this.bootNow("power-on"));
  }

  isAwake(): boolean {
    return this.awake;
  }

  awakeMs(): number {
    let ms = 0;
    for (const w of this.wakes) ms += w.ms;
    if (this.awake) ms += this.p.sched.now - this.wakeStart;
    return ms;
  }

  private uarts(): SimUart[] {
    return [this.p.gnss, this.p.modem, ...(this.p.rdss ? [this.p.rdss] : [])];
  }

  private scheduleEdge(src: WakeSource, t: number, level: boolean): void {
    // Reed switches and the ACC line bounce: a few short edges before the level settles.
    const bounces = this.p.rng.int(0, 3);
    let at = t * 1000;
    for (let i = 0; i < bounces * 2; i++) {
      const lv = i % 2 === 0 ? level : !level;
      this.p.sched.at(at, () => this.edge(src, lv));
      at += this.p.rng.int(1, 8);
    }
    this.p.sched.at(at, () => this.edge(src, level));
  }

  private edge(src: WakeSource, level: boolean): void {
    if (this.levels[src] === level) return;
    this.levels[src] = level;
    if (this.off) return;
    if (this.awake) {
      const fn = this.edgeFns[src];
      if (fn) this.dispatch(() => fn(level, this.p.sched.now));
    } else if (this.wakeOn.includes(src) && this.p.sched.now < this.endAt) {
      this.p.sched.cancel(this.sleepTimer);
      this.bootNow(src);
    }
  }

  private bootNow(cause: WakeCause): void {
    const { meter, sched } = this.p;
    const table = meter.table;
    this.gen++;
    const gen = this.gen;
    this.awake = true;
    this.cause = cause;
    this.wakeStart = sched.now;
    this.pendingTimers = 0;
    this.edgeFns = { door: undefined, ignition: undefined };
    // The ROM bootloader and the VM start take mcu_boot_s; edges meanwhile only change the levels read at boot.
    meter.set("mcu", "boot", table.mcu_run_mA);
    sched.at(sched.now + table.mcu_boot_s * 1000, () => {
      if (gen !== this.gen || !this.awake) return;
      meter.set("mcu", "awake", table.mcu_idle_mA);
      const ports = this.ports(gen);
      this.dispatch(() => this.p.boot(ports));
    });
  }

  /** Runs one firmware callback: CPU charge, crash and power-cut handling, the stuck-wake watchdog. */
  private dispatch(fn: () => void, bytes = 0): void {
    const gen = this.gen;
    this.cpu(bytes);
    if (this.cutPending) this.p.flash.armCut?.(this.p.rng.int(0, 512), this.p.rng);
    try {
      fn();
    } catch (e) {
      const name = e instanceof Error ? e.name : "";
      if (name !== "PowerCutError") {
        this.crashes++;
        this.lastError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
        this.p.onLog?.(this.p.sched.now, "error", `crash ${this.lastError}`);
        if (this.awake && gen === this.gen) this.sleep(this.p.sched.now + 1000, [], "restart");
      }
    }
    if (this.cutPending) {
      this.p.flash.disarm?.();
      this.cutPending = false;
      this.cutNow(this.cutFor);
      return;
    }
    // A cut armed at a byte of flash traffic fired inside this callback: the supply is gone, whatever the firmware
    // did with the exception.
    if (this.p.flash.isDead && !this.off) {
      this.cutNow(FLASH_CUT_MS);
      return;
    }
    if (this.awake && gen === this.gen) this.armWatchdog();
  }

  private cpu(bytes: number): void {
    const t = this.p.meter.table;
    this.cpuMs(t.mcu_ms_per_event + (bytes * t.mcu_ms_per_kbyte) / 1024);
  }

  private cpuMs(ms: number): void {
    const t = this.p.meter.table;
    this.p.meter.addMah("mcu", ((t.mcu_run_mA - t.mcu_idle_mA) * ms) / 3.6e6);
  }

  private armWatchdog(): void {
    this.p.sched.cancel(this.watchdog);
    if (this.pendingTimers > 0) return;
    const gen = this.gen;
    this.watchdog = this.p.sched.at(this.p.sched.now + WATCHDOG_MS, () => {
      if (gen !== this.gen || !this.awake || this.pendingTimers > 0) return;
      this.watchdogResets++;
      this.p.onLog?.(this.p.sched.now, "error", "watchdog reset: wake stuck with nothing pending");
      this.sleep(this.p.sched.now + 500, [], "restart");
    });
  }

  private sleep(deadline: number, wakeOn: readonly WakeSource[], cause: WakeCause = "timer"): void {
    const { sched, meter } = this.p;
    this.wakes.push({ t: this.wakeStart, cause: this.cause, ms: sched.now - this.wakeStart });
    this.awake = false;
    this.gen++;
    for (const u of this.uarts()) u.unbind();
    meter.set("mcu", "sleep", meter.table.mcu_sleep_mA);
    this.wakeOn = wakeOn;
    const at = Math.max(deadline, sched.now + 1);
    if (at < this.endAt) this.sleepTimer = sched.at(at, () => this.bootNow(cause));
  }

  private cutFor = 0;

  private powerCut(forMs: number): void {
    if (this.off) return;
    if (this.awake) {
      // The cut lands inside the next firmware callback, tearing any flash write it makes.
      this.cutPending = true;
      this.cutFor = forMs;
      return;
    }
    this.cutNow(forMs);
  }

  private cutNow(forMs: number): void {
    const { sched, meter } = this.p;
    this.powerCuts++;
    if (this.awake) this.wakes.push({ t: this.wakeStart, cause: this.cause, ms: sched.now - this.wakeStart });
    this.awake = false;
    this.off = true;
    this.gen++;
    sched.cancel(this.sleepTimer);
    for (const u of this.uarts()) u.cut();
    this.p.retained.wipe();
    this.wallOffset = undefined;
    this.p.onPowerCut?.();
    meter.set("mcu", "off", 0);
    this.p.onLog?.(sched.now, "warn", `power-cut for_ms=${forMs}`);
    sched.at(sched.now + Math.max(forMs, 1), () => {
      this.off = false;
      this.p.flash.powerOn?.();
      if (sched.now < this.endAt) this.bootNow("power-on");
      else meter.set("mcu", "sleep", meter.table.mcu_sleep_mA);
    });
  }

  private batteryMv(): number {
    const { meter, world } = this.p;
    const bat = world.trace.device.battery;
    const used = Math.min(1, meter.batteryMah() / bat.capacity_mAh);
    if (bat.chemistry === "li-ion" || bat.chemistry === "lipo")
      return Math.round(4150 - 800 * used - (used > 0.9 ? (used - 0.9) * 4000 : 0));
    // Li-SOCl2: flat plateau, then a knee near the end of life.
    return Math.round(3650 - 150 * used - (used > 0.9 ? (used - 0.9) * 5000 : 0));
  }

  /** Device time (what the firmware's clock reads) at sim time t, and back: the RTC may run fast or slow. */
  private dev(t: number): number {
    return this.p.rtcPpm ? Math.floor(t * (1 + this.p.rtcPpm / 1e6)) : t;
  }
  private simTime(d: number): number {
    return this.p.rtcPpm ? Math.ceil(d / (1 + this.p.rtcPpm / 1e6)) : d;
  }

  private ports(gen: number): Ports {
    const { sched, world } = this.p;
    const live = () => gen === this.gen && this.awake;
    const runner = this;
    const cpuMs = (ms: number) => this.cpuMs(ms);
    const clock: Clock = {
      now: () => this.dev(sched.now),
      wallTime: () => (this.wallOffset === undefined ? undefined : this.dev(sched.now) + this.wallOffset),
      setWallTime: (utc) => {
        if (live()) this.wallOffset = utc - this.dev(sched.now);
      },
      at: (deadline, fn) => {
        if (!live()) return -1;
        this.pendingTimers++;
        this.p.sched.cancel(this.watchdog);
        let fired = false;
        const id = sched.at(this.simTime(deadline), () => {
          fired = true;
          if (!live()) return;
          this.pendingTimers--;
          this.dispatch(fn);
        });
        timers.set(id, () => {
          if (!fired && live()) this.pendingTimers--;
        });
        return id;
      },
      cancel: (id) => {
        const undo = timers.get(id);
        if (!undo) return;
        timers.delete(id);
        undo();
        sched.cancel(id);
        if (live()) this.armWatchdog();
      },
    };
    const timers = new Map<number, () => void>();
    const input = (src: WakeSource): DigitalIn => ({
      read: () => this.levels[src],
      onChange: (fn) => {
        if (live()) this.edgeFns[src] = fn;
      },
    });
    const log: Log = {
      // A cut that fired at a flash byte inside this callback stopped the CPU there: what the firmware does in
      // the rest of it (catching the simulator's PowerCutError, say) never happened on a board, so it logs nothing.
      log: (level, msg) => {
        if (live() && !this.p.flash.isDead) this.p.onLog?.(sched.now, level, msg);
      },
    };
    const wrapUart = (u: SimUart) => {
      const s = u.bind(live);
      return {
        ...s,
        onReceive: (fn: (c: Uint8Array) => void) => s.onReceive((c) => runner.dispatch(() => fn(c), c.length)),
      };
    };
    return {
      clock,
      log,
      power: {
        wakeCause: () => this.cause,
        deepSleep: (deadline, wakeOn) => {
          if (!live()) return;
          this.sleepRequests++;
          this.sleep(this.simTime(deadline), wakeOn.slice());
        },
        restart: () => {
          if (live()) this.sleep(sched.now + 500, [], "restart");
        },
        batteryMv: () => this.batteryMv(),
        externalPower: () => world.externalPower(sched.now / 1000),
      },
      retained: this.p.retained,
      settings: meteredSettings(this.p.settings, this.p.meter, cpuMs),
      flash: meteredFlash(this.p.flash, this.p.meter, cpuMs),
      gnss: wrapUart(this.p.gnss),
      modem: wrapUart(this.p.modem),
      rdss: this.p.rdss ? wrapUart(this.p.rdss) : undefined,
      door: input("door"),
      ignition: input("ignition"),
      oneWire: this.p.oneWire,
      i2c: this.p.i2c,
      crypto: this.p.crypto && meteredCrypto(this.p.crypto, this.p.meter, cpuMs),
    };
  }
}
