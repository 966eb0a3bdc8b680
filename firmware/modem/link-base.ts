/**
 * The NB-IoT link's plumbing: the AT engine, the one armed deadline, scripts run step by step, and the facts the
 * scripts capture. A generation number makes every callback of an abandoned bring-up (power cycle, modem reboot)
 * a no-op, so the state machine in nb-link.ts only ever sees answers to what it is currently doing.
 */
import { AtEngine, type AtCommand, type AtResult } from "./at-engine";
import type { LinkCounters, LinkEvent, LinkFailReason, LinkInfo, LinkSnapshot, NbLinkOptions } from "./link-types";
import { parseCereg, registered as isRegistered } from "./models/at-parse";
import { ALL_URC_PREFIXES, MODELS } from "./models/model-table";
import type { Capture, ModemScripts, ScriptStep } from "./models/model-types";

/** Quiet this long, a modem may be in PSM however its timers were set (the parts doze ~1 s after the last AT). */
export const DOZE_MS = 1000;
/**
 * The first bytes to a dozing modem only wake it (BC660K: a falling edge on MAIN_RXD) and are lost: ask again
 * soon rather than after a full command timeout; a modem slower to wake still gets the model's own sync after.
 */
export const WAKE_PROBE: AtCommand = Object.freeze({ text: "AT", timeoutMs: 150, attempts: 2 });

export interface Datagram {
  id: number;
  bytes: Uint8Array;
  expectReply: boolean;
  reopened: boolean; // the socket was reopened once for it
  replied: boolean; // a downlink came before the send was confirmed
  hold: boolean; // more uplink follows its replies: keep the radio connected
}

export abstract class LinkBase {
  protected model: ModemScripts | undefined;
  protected readonly engine: AtEngine;
  protected registered = false;
  protected socket: number | undefined;
  protected failures = 0;
  protected seq = 0;
  protected gen = 0;
  /** When the modem last answered a command: a modem quiet for a while may have dozed off (PSM). */
  protected answeredAt = -Infinity;
  private timer = -1;
  protected readonly facts: LinkInfo = { registered: false };
  /** The slowest recent wait for registration (ms), each new attach decaying the old by a quarter. */
  protected attachMs: number | undefined;
  readonly counters: LinkCounters = { sent: 0, failed: 0, received: 0, resets: 0, reboots: 0, rejected: 0 };

  constructor(protected readonly o: NbLinkOptions) {
    this.engine = new AtEngine(o.serial, o.clock, ALL_URC_PREFIXES);
    this.engine.onUrc((line) => this.onUrc(line));
  }

  protected abstract onUrc(line: string): void;

  info(): LinkInfo {
    return { ...this.facts, registered: this.registered, attachMs: this.attachMs };
  }

  protected restore(s: LinkSnapshot | undefined): void {
    if (!s || s.v !== 1) return;
    this.registered = s.registered;
    this.socket = s.socket;
    this.failures = s.failures;
    this.seq = s.seq;
    this.facts.imei = s.imei;
    this.facts.iccid = s.iccid;
    this.attachMs = typeof s.attachMs === "number" && s.attachMs >= 0 ? s.attachMs : undefined;
  }

  protected learnAttach(ms: number): void {
    this.attachMs = Math.round(Math.max(ms, ((this.attachMs ?? 0) * 3) / 4));
  }

  protected persist(psm: boolean, down: boolean): LinkSnapshot {
    return {
      v: 1,
      model: this.model?.name,
      registered: this.registered && !down,
      socket: this.socket,
      psm,
      failures: this.failures,
      seq: this.seq,
      imei: this.facts.imei,
      iccid: this.facts.iccid,
      attachMs: this.attachMs,
    };
  }

  /** The modem lost its state (power, reboot): registration and socket are gone. */
  protected forget(): void {
    this.registered = false;
    this.socket = undefined;
  }

  protected fail(d: Datagram, reason: LinkFailReason): void {
    this.counters.failed++;
    this.emit({ type: "link-failed", id: d.id, reason });
  }

  /** The AT engine, for its counters. */
  get at(): AtEngine {
    return this.engine;
  }

  protected now(): number {
    return this.o.clock.now();
  }

  protected command(cmd: AtCommand, done: (r: AtResult) => void): void {
    const g = this.gen;
    this.engine.run(cmd, (r) => {
      if (r.ok) this.answeredAt = this.now();
      if (g === this.gen) done(r);
    });
  }

  /** AT until a possibly dozing modem answers: a quick probe first, then the model's sync. */
  protected wake(then: () => void, failed: () => void): void {
    this.command(WAKE_PROBE, (p) => {
      if (p.ok) return then();
      this.command(this.model?.sync ?? MODELS.bc95.sync, (r) => (r.ok ? then() : failed()));
    });
  }

  /** Runs steps in order; stops at the first failed step that is not optional. `last` is the last answer. */
  protected script(steps: readonly ScriptStep[], done: (ok: boolean, last?: AtResult) => void, i = 0): void {
    if (i >= steps.length) return done(true);
    const step = steps[i];
    this.command(step.cmd, (r) => {
      if (r.ok && step.capture) this.capture(step.capture, r.lines);
      if (!r.ok && !step.optional) return done(false, r);
      if (i + 1 >= steps.length) return done(true, r);
      this.script(steps, done, i + 1);
    });
  }

  private capture(what: Capture, lines: readonly string[]): void {
    const m = this.model!;
    if (what === "imei") this.facts.imei = m.imei(lines) ?? this.facts.imei;
    else if (what === "iccid") this.facts.iccid = m.iccid(lines) ?? this.facts.iccid;
    else if (what === "signal") {
      const s = m.parseSignal(lines);
      this.facts.rssi = s.rssi;
      this.facts.coverage = s.coverage;
    } else {
      let found = false;
      for (const l of lines) {
        const c = parseCereg(l, true);
        if (!c) continue;
        this.registered = isRegistered(c.stat);
        found = true;
      }
      if (!found) this.counters.rejected++;
    }
  }

  protected emit(ev: LinkEvent): void {
    this.o.onEvent(ev);
  }

  /** Arms the one deadline of the current state (replacing any other). */
  protected arm(at: number, fn: () => void): void {
    this.cancel();
    const g = this.gen;
    this.timer = this.o.clock.at(at, () => {
      this.timer = -1;
      if (g === this.gen) fn();
    });
  }

  protected cancel(): void {
    if (this.timer !== -1) this.o.clock.cancel(this.timer);
    this.timer = -1;
  }
}
