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
 * The states up to registered-with-a-socket, power cycles and the modem's own reboots: link-bring-up.ts; this
 * file is the datagram side (queue, send, confirm, listen, release) and giving up.
 */
import { type Datagram, DOZE_MS } from "./link-base";
import { type DownReason, FAILURES_TO_CYCLE, LinkBringUp, type LinkState } from "./link-bring-up";
import type { LinkFailReason, LinkSnapshot } from "./link-types";
import { parseCereg, registered as isRegistered } from "./models/at-parse";
import { MODELS } from "./models/model-table";
import type { Release } from "./models/model-types";

export type { LinkState } from "./link-bring-up";

export class NbLink extends LinkBringUp {
  private readonly queue: Datagram[] = [];
  private current: Datagram | undefined;
  private finished = false;
  private kickTimer = -1;
  /** The last datagram let the network release the radio. */
  private released = false;

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

  // --- registered (bring-up and recovery: link-bring-up.ts) ---

  protected up(): void {
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

  protected dropInFlight(): void {
    const d = this.current;
    this.current = undefined;
    if (d) this.fail(d, "modem-reset");
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


  protected down(reason: DownReason): void {
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
