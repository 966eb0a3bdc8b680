/**
 * The GNSS receiver driver: powers, configures, wakes and rests the receiver and turns its stream into events.
 * Business decisions (when to search, for how long) come from the caller (see fix-policy.ts).
 *
 * States: off | booting (supply just switched on or woken; waiting for the banner or BOOT_MS) | searching |
 *   tracking (on, no search running) | resting (standby or backup until the next planned search).
 * Inputs: search(plan), rest(untilMs), powerDown(), restart(kind), serial bytes, one state deadline (boot, abort
 *   check, cap) and a quiet-line deadline that closes an epoch as soon as the receiver stops talking (the parser
 *   closes most epochs sooner, on their last sentence, once it has learned how they end: nmea-epoch.ts).
 * Outputs (onEvent): gnss-fix {fix, ttfMs, start} | gnss-fail {reason, ttfMs} | gnss-time {utcMs} |
 *   gnss-antenna {status}.
 * A search survives deep sleep: snapshot() holds its start time, kind and deadlines, and a receiver built from that
 * snapshot continues it (the receiver itself keeps acquiring while the MCU sleeps).
 */
import type { Clock, Log, Serial } from "../../hal/ports";
import type { GnssFix } from "./gnss-fix";
import { satsWithSignal } from "./gnss-fix";
import { GnssParser, type AntennaStatus, type ParserCounters } from "./gnss-parser";
import { acceptable, startKind, type FailReason } from "./fix-policy";
import type { GnssEvent, GnssSnapshot, ReceiverState, SearchRequest } from "./gnss-snapshot";
import {
  casic,
  casicRestart,
  casicStandby,
  CASIC_QUERY_HW,
  CASIC_SETUP,
  modelFromText,
  ubx,
  ubxBackup,
  ubxRestart,
  ubxSetup,
  UBX_MON_VER,
  UBX_WAKE,
  type ReceiverModel,
  type RestartKind,
} from "./receiver-commands";

export type { GnssEvent, GnssPower, GnssSnapshot, ReceiverState, RunningSearch, SearchRequest } from "./gnss-snapshot";

export interface GnssReceiverOptions {
  serial: Serial;
  clock: Clock;
  log: Log;
  model: ReceiverModel | "auto";
  state?: GnssSnapshot;
  onEvent: (ev: GnssEvent) => void;
  /** ATGM336H rest: timed standby ($PCAS12, default) or main supply off with V_BAT backup. */
  restMode?: "standby" | "supply-off";
}

const BOOT_MS = 1000;
const WAKE_MS = 200;
const QUIET_MS = 150;
const POWER_CYCLE_MS = 100;
const PCAS12_MAX_S = 65535;
/** Longer than the GSV period we configure (every 5th epoch), so a resumed search has heard the sky. */
const LISTEN_MS = 6000;

export class GnssReceiver {
  private st: ReceiverState = "off";
  private snap: GnssSnapshot;
  private readonly parser: GnssParser;
  private timer = -1;
  private quiet = -1;
  private lastFix: GnssFix | undefined;
  private listenSince: number;
  readonly stats = { searches: 0, fixes: 0, failures: 0, restarts: 0, epochs: 0 };

  constructor(private readonly o: GnssReceiverOptions) {
    this.snap = o.state ? clone(o.state) : { power: o.serial.powered() ? "on" : "off", backupLost: true };
    if (o.model !== "auto") this.snap.model = o.model;
    this.parser = new GnssParser({
      fix: (f) => this.onFix(f),
      antenna: (a) => this.onAntenna(a),
      text: (t) => this.onText(t),
      binary: (kind) => this.onText(kind === "ubx" ? "HW UBX" : "MA=CASIC"),
    });
    o.serial.onReceive((chunk) => this.onBytes(chunk));
    const now = o.clock.now();
    this.listenSince = now;
    if (this.snap.power === "standby" && this.snap.wakeAt !== undefined && now >= this.snap.wakeAt) this.snap.power = "on";
    if (this.snap.search) {
      this.st = "searching";
      this.armSearchDeadline();
    } else this.st = this.snap.power === "on" ? "tracking" : this.snap.power === "off" ? "off" : "resting";
  }

  state(): ReceiverState {
    return this.st;
  }

  model(): ReceiverModel | undefined {
    return this.snap.model;
  }

  get counters(): ParserCounters {
    return this.parser.counters;
  }

  snapshot(): GnssSnapshot {
    return clone(this.snap);
  }

  /** The supply was lost (power-on wake): the next start is cold whatever the snapshot says. */
  noteBackupLost(): void {
    this.snap.backupLost = true;
  }

  /** Powers or wakes the receiver and searches until an acceptable fix, the cap or the no-signal abort. */
  search(req: SearchRequest): void {
    if (this.snap.search) return;
    const now = this.o.clock.now();
    const start = req.start ?? startKind(now, this.snap.lastFixAt, this.snap.backupLost);
    this.snap.search = {
      startedAt: now,
      start,
      capAt: now + req.capMs,
      abortAt: now + req.abortMs,
      accept: { ...req.accept },
      good: 0,
      timeSent: false,
      abortChecked: false,
    };
    this.stats.searches++;
    this.lastFix = undefined;
    this.wake(now);
  }

  /** Puts the receiver into standby/backup until `untilMs`, ending any search without an event. */
  rest(untilMs: number): void {
    const now = this.o.clock.now();
    this.snap.search = undefined;
    this.disarm();
    const ms = Math.max(1000, untilMs - now);
    const s = this.o.serial;
    if (!s.powered() || this.snap.power === "off") {
      this.st = "off";
      return;
    }
    if (this.snap.model === "ublox-m10") {
      s.write(ubxBackup(ms));
      this.snap.power = "backup";
      this.snap.wakeAt = untilMs;
    } else if (this.snap.model === "atgm336h" && this.o.restMode !== "supply-off" && ms / 1000 <= PCAS12_MAX_S) {
      s.write(casicStandby(ms / 1000));
      this.snap.power = "standby";
      this.snap.wakeAt = untilMs;
    } else {
      s.setPower(false);
      this.snap.power = "backup";
      this.snap.wakeAt = undefined;
    }
    this.parser.reset();
    this.st = "resting";
  }

  /** Main supply off; the board's V_BAT keeps the backup domain (ephemeris, RTC) alive. */
  powerDown(): void {
    this.snap.search = undefined;
    this.disarm();
    this.o.serial.setPower(false);
    this.snap.power = "backup";
    this.snap.wakeAt = undefined;
    this.parser.reset();
    this.st = "off";
  }

  /** Forces a restart of the given kind (e.g. cold after repeated failures with stale data). */
  restart(kind: RestartKind): void {
    if (!this.o.serial.powered()) return;
    this.o.serial.write(this.snap.model === "ublox-m10" ? ubxRestart(kind) : casicRestart(kind));
    this.stats.restarts++;
    if (kind !== "hot") this.snap.lastFixAt = undefined;
    this.parser.reset();
  }

  private wake(now: number): void {
    const s = this.o.serial;
    this.disarm();
    this.st = "booting";
    if (!s.powered()) {
      s.setPower(true);
      this.snap.power = "on";
      this.parser.reset();
      this.arm(now + BOOT_MS, () => this.configured());
      return;
    }
    const asleep = this.snap.power === "standby" || this.snap.power === "backup";
    if (asleep && (this.snap.wakeAt === undefined || now < this.snap.wakeAt)) {
      if (this.snap.model === "ublox-m10") {
        s.write(Uint8Array.from(UBX_WAKE));
        this.snap.power = "on";
        this.arm(now + WAKE_MS, () => this.configured());
      } else {
        // An AT6558 in timed standby has no documented early wake: cycle its main supply (backup stays).
        s.setPower(false);
        this.arm(now + POWER_CYCLE_MS, () => {
          s.setPower(true);
          this.snap.power = "on";
          this.parser.reset();
          this.arm(this.o.clock.now() + BOOT_MS, () => this.configured());
        });
      }
      return;
    }
    this.snap.power = "on";
    this.snap.wakeAt = undefined;
    if (!this.snap.model) this.query();
    this.st = "searching";
    this.armSearchDeadline();
  }

  private query(): void {
    this.o.serial.write(casic(CASIC_QUERY_HW));
    this.o.serial.write(ubx(UBX_MON_VER.cls, UBX_MON_VER.id));
  }

  private configured(): void {
    this.snap.wakeAt = undefined;
    if (this.snap.model === "ublox-m10") this.o.serial.write(ubxSetup());
    else if (this.snap.model === "atgm336h") for (const c of CASIC_SETUP) this.o.serial.write(casic(c));
    else this.query();
    if (this.snap.search) {
      this.st = "searching";
      this.armSearchDeadline();
    } else this.st = "tracking";
  }

  private armSearchDeadline(): void {
    const sr = this.snap.search;
    if (!sr) return;
    this.arm(sr.abortChecked ? sr.capAt : Math.min(sr.abortAt, sr.capAt), () => this.deadline());
  }

  private deadline(): void {
    const sr = this.snap.search;
    if (!sr) return;
    const now = this.o.clock.now();
    if (now < sr.capAt && !sr.abortChecked) {
      // Just booted from deep sleep into a running search: listen a little before judging the sky. An epoch
      // alone is not enough: the satellite view (GSV) comes every 5th epoch only.
      // Abort check: a sky with fewer than 3 satellites heard after fix_abort_s is a tunnel or a warehouse.
      const skyOk = this.lastFix !== undefined && (this.lastFix.mode >= 2 || satsWithSignal(this.lastFix) >= 3);
      if (!skyOk && now - this.listenSince < LISTEN_MS) {
        this.arm(Math.min(sr.capAt, this.listenSince + LISTEN_MS), () => this.deadline());
        return;
      }
      sr.abortChecked = true;
      if (!skyOk) return this.fail("no-signal");
      this.arm(sr.capAt, () => this.deadline());
      return;
    }
    this.fail("cap");
  }

  private fail(reason: FailReason): void {
    const sr = this.snap.search!;
    const ttfMs = this.o.clock.now() - sr.startedAt;
    this.snap.search = undefined;
    this.disarm();
    this.st = "tracking";
    this.stats.failures++;
    this.o.log.log("info", `gnss: search failed (${reason}) after ${ttfMs} ms`);
    this.o.onEvent({ type: "gnss-fail", reason, ttfMs });
  }

  private onBytes(chunk: Uint8Array): void {
    if (this.snap.power === "standby" && this.snap.wakeAt !== undefined) {
      // It talks again: a timed standby ended by itself.
      this.snap.power = "on";
      this.snap.wakeAt = undefined;
      if (this.st === "resting") this.st = "tracking";
    }
    this.parser.push(chunk);
    if (this.quiet >= 0) this.o.clock.cancel(this.quiet);
    this.quiet = this.o.clock.at(this.o.clock.now() + QUIET_MS, () => {
      this.quiet = -1;
      this.parser.flush();
    });
  }

  private onText(text: string): void {
    const m = modelFromText(text);
    if (!m || this.snap.model === m) return;
    if (this.o.model !== "auto" && this.o.model !== m) {
      this.o.log.log("warn", `gnss: configured ${this.o.model} but the receiver says ${m}`);
      return;
    }
    this.snap.model = m;
    this.o.log.log("info", `gnss: receiver is ${m}`);
    if (this.st === "booting") this.configured();
    else if (this.snap.power === "on") this.sendSetup();
  }

  private sendSetup(): void {
    if (this.snap.model === "ublox-m10") this.o.serial.write(ubxSetup());
    else for (const c of CASIC_SETUP) this.o.serial.write(casic(c));
  }

  private onAntenna(a: AntennaStatus): void {
    if (this.snap.antenna === a) return;
    this.snap.antenna = a;
    this.o.onEvent({ type: "gnss-antenna", status: a });
  }

  private onFix(fix: GnssFix): void {
    this.stats.epochs++;
    this.lastFix = fix;
    const sr = this.snap.search;
    if (!sr || this.st !== "searching") return;
    if (!sr.timeSent && fix.utcMs !== undefined && fix.mode >= 2) {
      sr.timeSent = true;
      this.o.onEvent({ type: "gnss-time", utcMs: fix.utcMs });
    }
    if (!acceptable(fix, sr.accept)) {
      sr.good = 0;
      return;
    }
    if (++sr.good <= sr.accept.fix_settle) return;
    const now = this.o.clock.now();
    this.snap.search = undefined;
    this.snap.lastFixAt = now;
    this.snap.backupLost = false;
    this.disarm();
    this.st = "tracking";
    this.stats.fixes++;
    this.o.onEvent({ type: "gnss-fix", fix, ttfMs: now - sr.startedAt, start: sr.start });
  }

  private arm(at: number, fn: () => void): void {
    if (this.timer >= 0) this.o.clock.cancel(this.timer);
    this.timer = this.o.clock.at(at, () => {
      this.timer = -1;
      fn();
    });
  }

  private disarm(): void {
    if (this.timer >= 0) this.o.clock.cancel(this.timer);
    this.timer = -1;
  }
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}
