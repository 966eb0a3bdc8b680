/**
 * NB-IoT link: brings the modem up, keeps it registered, hands datagrams to it one at a time and lets it go to PSM.
 *
 * States: booting (power just switched on) → syncing (AT until OK) → configuring (echo off, URCs, PSM, eDRX,
 *   identity, signal, registration query; the SIM's ICCID when not registered yet) → registering (bounded wait for
 *   CEREG 1/5) → opening (UDP socket) →
 *   ready ⇄ sending → confirming (waiting for the radio's verdict) → listening (receive window) → ready;
 *   idle (finish() and nothing queued: the modem releases and enters PSM on its own); cycling (modem switched off
 *   for a power cycle); down (given up for this wake: no network, no SIM, a modem that went silent).
 * Inputs: send(id, bytes, expectReply, hold), finish(), URCs (+CEREG, downlink, send verdict, socket closed, boot lines),
 *   command results, the one armed deadline.
 * Outputs (onEvent): link-up, link-sent, link-failed, link-down, link-rx, link-idle. Every datagram given to send()
 *   ends as exactly one link-sent or link-failed.
 */
import type { AtCommand } from "./at-engine";
import { DOZE_MS, LinkBase, type Datagram } from "./link-base";
import { DEFAULT_TIMINGS, type LinkFailReason, type LinkSnapshot, type LinkTimings, type NbLinkOptions } from "./link-types";
import { parseCereg, registered as isRegistered } from "./models/at-parse";
import { detectModel, IDENTIFY_MODEL, MODELS } from "./models/model-table";
import type { Release, ScriptStep } from "./models/model-types";
import { encodeTimer } from "./psm-timers";

export type LinkState =
  | "booting" | "syncing" | "configuring" | "registering" | "opening" | "ready" | "sending" | "confirming"
  | "listening" | "idle" | "cycling" | "down";


/** Power cycles per wake before the link gives up; failures in a row that call for one. */
const MAX_CYCLES = 2;
const FAILURES_TO_CYCLE = 2;
/** A booting modem prints lines (and on BC95 a stray OK) for a moment: no command goes out meanwhile. */
const BOOT_SETTLE_MS = 1000;


export class NbLink extends LinkBase {
  private st: LinkState = "booting";
  private readonly t: LinkTimings;
  private readonly queue: Datagram[] = [];
  private current: Datagram | undefined;
  private finished = false;
  private cycles = 0;
  private kickTimer = -1;
  private regUntil = 0;
  /** When this registration wait began (-1: none under way); its length teaches the link how long an attach takes. */
  private regFrom = -1;
  private expectBoot = false;
  private upSent = false;
  /** The last datagram let the network release the radio. */
  private released = false;

  constructor(o: NbLinkOptions) {
    super(o);
    this.restore(o.state);
    this.t = { ...DEFAULT_TIMINGS, ...o.timings };
    const s = o.state;
    this.model = o.model === "detect" ? (s?.model ? MODELS[s.model] : undefined) : MODELS[o.model];
    this.arm(o.clock.now(), () => this.start());
  }

  get state(): LinkState {
    return this.st;
  }

  send(id: number, bytes: Uint8Array, expectReply: boolean, hold = false): void {
    this.queue.push({ id, bytes: bytes.slice(), expectReply, reopened: false, replied: false, hold });
    this.finished = false;
    if (this.st === "down") this.restart();
    else this.kick();
  }

  finish(): void {
    this.finished = true;
    this.kick();
  }

  maxDatagram(): number {
    return (this.model ?? MODELS.sim7020).maxDatagram;
  }

  snapshot(): LinkSnapshot {
    return this.persist(this.st === "idle", this.st === "down");
  }

  // --- bring-up ---

  private start(): void {
    if (this.failures >= FAILURES_TO_CYCLE) return this.cycle();
    if (!this.o.serial.powered()) return this.powerOn();
    this.sync();
  }

  private restart(): void {
    this.cycles = 0;
    this.start();
  }

  private powerOn(): void {
    this.forget();
    this.o.serial.setPower(true);
    this.expectBoot = true;
    this.st = "booting";
    this.arm(this.now() + this.t.bootMs, () => this.sync());
  }

  private sync(): void {
    this.st = "syncing";
    // A modem left in PSM wakes on the first bytes; one just powered on prints its boot lines first.
    if (!this.expectBoot) return this.wake(() => this.identifyModel(), () => this.stageFailed("sync"));
    const sync: AtCommand = this.model?.sync ?? MODELS.bc95.sync;
    this.command(sync, (r) => (r.ok ? this.identifyModel() : this.stageFailed("sync")));
  }

  private identifyModel(): void {
    this.expectBoot = false;
    if (this.model) return this.configure();
    this.command(IDENTIFY_MODEL, (r) => {
      const name = r.ok ? detectModel(r.lines) : undefined;
      if (!name) return this.stageFailed("model");
      this.model = MODELS[name];
      this.configure();
    });
  }

  private configure(): void {
    const m = this.model!;
    this.st = "configuring";
    const p = this.o.psm;
    const steps: ScriptStep[] = [
      ...m.configure({
        tauBits: encodeTimer("t3412-ext", p.tauS > 0 ? p.tauS : 3600),
        activeBits: encodeTimer("t3324", p.activeS),
        edrx: p.edrx === true,
      }),
      ...(this.facts.imei ? [] : m.identify),
      m.queryRegistration,
    ];
    this.script(steps, (ok) => (ok ? this.checkSim() : this.stageFailed("configure")));
  }

  /**
   * Not registered yet: a search at attach current follows, unless the SIM is missing (loose in its holder, never
   * fitted); then no search can succeed and the link goes down at once with "no-sim", which is not a coverage gap.
   * A timeout says nothing about the SIM: the search goes on.
   */
  private checkSim(): void {
    if (this.registered) return this.awaitRegistration(true);
    this.script([this.model!.simCheck], (ok, last) => {
      if (last && !last.ok && last.reason === "error") return this.down("no-sim");
      this.awaitRegistration(true);
    });
  }

  private awaitRegistration(fresh: boolean): void {
    if (this.registered) return this.attached();
    if (fresh || this.st !== "registering") {
      this.regUntil = this.now() + this.t.registerMs;
      if (this.regFrom < 0) this.regFrom = this.now();
    }
    this.st = "registering";
    const now = this.now();
    if (now >= this.regUntil) return this.down("no-coverage");
    this.arm(Math.min(this.regUntil, now + this.t.registerPollMs), () => {
      if (this.now() >= this.regUntil) return this.down("no-coverage");
      this.script([this.model!.queryRegistration], () => {
        if (this.st === "registering") this.awaitRegistration(false);
      });
    });
  }

  /** Registered after a wait: remember how long it took (slowest recent, decaying), then open. */
  private attached(): void {
    if (this.regFrom >= 0) this.learnAttach(this.now() - this.regFrom);
    this.regFrom = -1;
    this.open();
  }

  /** Registered: the signal figures mean something now, and the report wants them. */
  private open(): void {
    this.st = "opening";
    // Registered after a quiet wait: with a short active time the modem may already be in PSM, and the bytes
    // that wake it are lost.
    const next = () => this.script([this.model!.signal], () => this.openSocket());
    if (this.now() - this.answeredAt >= DOZE_MS) return this.wake(next, () => this.stageFailed("sync"));
    next();
  }


  private openSocket(): void {
    if (this.socket !== undefined) return this.up();
    const m = this.model!;
    this.st = "opening";
    this.command(m.openSocket(this.o.localPort ?? 0), (r) => {
      const s = r.ok ? m.socketId(r.lines) : undefined;
      if (s === undefined) return this.stageFailed("socket");
      const connect = m.connectSocket(s, this.o.server.ip, this.o.server.port);
      if (!connect) return this.opened(s);
      this.command(connect, (c) => (c.ok ? this.opened(s) : this.stageFailed("connect")));
    });
  }

  private opened(socket: number): void {
    this.socket = socket;
    this.up();
  }

  private up(): void {
    this.cancel();
    this.st = "ready";
    this.failures = 0;
    if (!this.upSent) {
      this.upSent = true;
      this.emit({ type: "link-up" });
    }
    this.pump();
  }

  // --- sending ---

  private kick(): void {
    // Deferred so that send(); send(); finish() in one handler are all seen before the release flags are chosen.
    if (this.kickTimer !== -1) return;
    this.kickTimer = this.o.clock.at(this.now(), () => {
      this.kickTimer = -1;
      if (this.st === "idle") this.st = "ready";
      if (this.st === "ready") this.pump();
    });
  }

  private pump(): void {
    if (this.st !== "ready") return;
    const m = this.model!;
    const d = this.queue.shift();
    if (!d) {
      if (!this.finished) return;
      this.st = "idle";
      return this.emit({ type: "link-idle" });
    }
    if (d.bytes.length > m.maxDatagram) {
      this.fail(d, "too-long");
      return this.pump();
    }
    // CEREG said not registered since the socket opened: wait (bounded) rather than send into nothing.
    if (!this.registered) {
      this.queue.unshift(d);
      return this.awaitRegistration(true);
    }
    // A released radio lets the modem doze off (PSM) once its active timer runs out, and the bytes that wake it
    // are lost: make sure it listens before handing it a datagram.
    if (this.released || this.now() - this.answeredAt >= DOZE_MS) {
      this.queue.unshift(d);
      return this.rouse();
    }
    // Nothing queued behind it and nothing more coming: let the network release the radio as soon as it can (after
    // the reply when one is expected) rather than hold it connected until the inactivity timer. Anything sent later
    // reconnects, which costs less than the tail: ~1.2 J of connected time against a fresh send. The network
    // releases after the first downlink that follows: the sender keeps no other reply outstanding then.
    const release: Release = this.queue.length > 0 || d.hold ? "none" : d.expectReply ? "after-reply" : "release";
    this.released = release !== "none";
    this.current = d;
    this.seq = (this.seq % 255) + 1;
    this.st = "sending";
    const seq = this.seq;
    const cmds = m.send(this.socket!, this.o.server.ip, this.o.server.port, d.bytes, release, seq);
    this.script(
      cmds.map((cmd) => ({ cmd })),
      (ok, r) => {
        if (ok && r && m.sendTaken(r.lines, this.socket!, d.bytes.length)) {
          if (!m.confirmsByUrc) return this.sent();
          this.st = "confirming";
          return this.arm(this.now() + this.t.confirmMs, () => this.sendFailed("not-confirmed", true));
        }
        const error = r !== undefined && !r.ok && r.reason === "error";
        if (ok || error) {
          // ERROR after retries: most often the socket vanished (modem rebooted while the MCU slept); reopen once.
          if (!d.reopened && error) {
            d.reopened = true;
            this.current = undefined;
            this.queue.unshift(d);
            this.socket = undefined;
            this.st = "ready";
            return this.openSocket();
          }
          return this.sendFailed("rejected", false);
        }
        this.sendFailed("timeout", true);
      },
    );
  }

  /** AT until it answers (the first may only wake it), then on with the queue. */
  private rouse(): void {
    this.st = "sending";
    this.wake(
      () => {
        this.released = false;
        this.st = "ready";
        this.pump();
      },
      () => this.stageFailed("sync"),
    );
  }

  private sent(): void {
    const d = this.current!;
    this.current = undefined;
    this.counters.sent++;
    this.failures = 0;
    this.emit({ type: "link-sent", id: d.id });
    if (!d.expectReply || d.replied) return this.next();
    this.st = "listening";
    this.arm(this.now() + this.t.replyMs, () => this.next());
  }

  private sendFailed(reason: LinkFailReason, counts: boolean): void {
    const d = this.current;
    this.current = undefined;
    if (d) this.fail(d, reason);
    if (counts && ++this.failures >= FAILURES_TO_CYCLE) return this.cycle();
    this.next();
  }

  private next(): void {
    this.cancel();
    this.st = "ready";
    this.pump();
  }

  // --- URCs ---

  protected override onUrc(line: string): void {
    const m = this.model;
    if (line.startsWith("+CEREG:")) {
      const c = parseCereg(line, false);
      if (!c) return void this.counters.rejected++;
      this.registered = isRegistered(c.stat);
      if (this.registered && this.st === "registering") {
        this.cancel();
        this.attached();
      }
      return;
    }
    if (!m) return;
    if (m.bootPrefixes.some((p) => line.startsWith(p))) return this.onBoot();
    const rx = m.received(line);
    if (rx) {
      this.counters.received++;
      this.emit({ type: "link-rx", bytes: rx.bytes });
      if (this.st === "listening") this.next();
      else if (this.current) this.current.replied = true;
      return;
    }
    const st = m.sendStatus(line);
    if (st) {
      if (this.st === "confirming" && st.socket === this.socket && st.seq === this.seq) {
        if (st.ok) return this.sent();
        return this.sendFailed("not-confirmed", false);
      }
      return;
    }
    const closed = m.socketClosed(line);
    if (closed !== undefined && closed === this.socket) this.socket = undefined;
    else if (line.startsWith("+NSONMI") || line.startsWith("+CSONMI") || line.startsWith("+NSOSTR")) this.counters.rejected++;
  }

  private onBoot(): void {
    this.engine.hold(this.now() + BOOT_SETTLE_MS);
    if (this.expectBoot) return;
    // The modem restarted on its own: whatever it was doing is lost, the datagram in flight with it.
    this.counters.reboots++;
    this.gen++;
    this.engine.abort();
    const d = this.current;
    this.current = undefined;
    if (d) this.fail(d, "modem-reset");
    this.forget();
    this.upSent = false;
    this.emit({ type: "link-down", reason: "modem-reset" });
    if (this.st === "down") return;
    this.expectBoot = true;
    this.st = "booting";
    this.arm(this.now() + BOOT_SETTLE_MS, () => this.sync());
  }

  // --- failure handling ---

  private stageFailed(stage: string): void {
    this.o.log.log("warn", `modem ${stage} failed`);
    this.failures++;
    this.cycle();
  }

  /** Switches the modem off and on again; after MAX_CYCLES in one wake the link gives up. */
  private cycle(): void {
    if (this.cycles >= MAX_CYCLES) return this.down("timeout");
    this.cycles++;
    this.counters.resets++;
    this.gen++;
    this.engine.abort();
    const d = this.current;
    this.current = undefined;
    if (d) this.fail(d, "modem-reset");
    this.failures = 0;
    this.upSent = false;
    this.emit({ type: "link-down", reason: "modem-reset" });
    this.o.serial.setPower(false);
    this.forget();
    this.st = "cycling";
    this.arm(this.now() + this.t.offMs, () => this.powerOn());
  }

  private down(reason: "no-coverage" | "no-sim" | "timeout"): void {
    this.gen++;
    this.engine.abort();
    this.cancel();
    if (this.current) this.queue.unshift(this.current);
    this.current = undefined;
    const why: LinkFailReason = reason === "timeout" ? "timeout" : "not-registered";
    for (const d of this.queue.splice(0)) this.fail(d, why);
    if (reason === "timeout") this.failures = Math.max(this.failures, FAILURES_TO_CYCLE);
    this.regFrom = -1;
    // A modem left searching draws attach current for hours: switch it off; the next wake attaches afresh.
    this.o.serial.setPower(false);
    this.forget();
    this.st = "down";
    this.upSent = false;
    this.emit({ type: "link-down", reason });
    if (this.finished) this.emit({ type: "link-idle" });
  }

}
