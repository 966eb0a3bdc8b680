/**
 * One uplink session over a datagram link: register once, authenticate, send this wake's live records (0x0200),
 * then the backlog oldest-first in 0x0704 backfill batches, answer downlinks, and finish.
 *
 * States:  idle -> registering -> authenticating -> sending -> (lingering) -> done
 *          (registering is skipped once an auth code is held; online replaces done while stayOnline)
 * Inputs:  start(live, opts), push(rec), close(); from the app: onSent(id), onFailed(id), onRx(bytes), onDown();
 *          one Clock deadline (earliest of: ack waits, heartbeat, linger).
 * Outputs: DatagramLink.send/finish; Backlog.ack(seqs) after each 0x8001; events: session-done, config-change,
 *          reset-request, ack-alarms, registered.
 *
 * Acks match by serial. Unacked messages are sent again with the same bytes after T(1) = ack_timeout_s,
 * T(N+1) = T(N) x (N+1), at most ack_retries times; then the session ends (the records stay in the log).
 */
import { fromHex, toHex } from "../core/bytes";
import { splitFrames, parseFrame } from "./frame";
import type { Edition } from "./frame";
import { encodeBatch, encodeLocation } from "./location";
import { MSG, decodeGeneralResponse, decodeRegisterReply, encodeAuth, encodeRegistration } from "./messages";
import type { Registration } from "./messages";
import { handleDownlink } from "./downlink";
import type { DownlinkAction, Reply } from "./downlink";
import { fillBatch } from "./batch-builder";
import { Reassembler, packetize } from "./subpackage";
import { recordToLocation } from "./record-location";
import type { Clock } from "../../hal/ports";
import type { Config } from "../app/config";
import type { TrackRecord } from "../store/track-record";

export interface DatagramLink {
  /** Queues one datagram; `expectReply` keeps the receive window open after it. */
  send(id: number, bytes: Uint8Array, expectReply: boolean): void;
  /** The session has nothing more to send or wait for. */
  finish(): void;
  maxDatagram(): number;
}

export interface Backlog {
  /** The oldest unacknowledged records, at most `max`. */
  peek(max: number): TrackRecord[];
  ack(seqs: number[]): void;
}

export type SessionState = "idle" | "registering" | "authenticating" | "sending" | "lingering" | "online" | "done";
export type DoneReason = "complete" | "no-ack" | "register-refused" | "auth-refused" | "send-failed" | "link-down" | "closed";

export type SessionEvent =
  | { type: "session-done"; delivered: number; failed: number; reason: DoneReason }
  | { type: "registered" }
  | DownlinkAction;

export interface SessionSnapshot {
  auth: string; // hex of the auth code, "" before registration
  serial: number; // next serial to use
  registered: boolean;
}

export interface Identity {
  phone: string;
  registration: Registration;
  imei: string;
  software: string;
}

export interface SessionDeps {
  clock: Clock;
  link: DatagramLink;
  backlog: Backlog;
  config: Config;
  identity: Identity;
  emit(ev: SessionEvent): void;
  current(): TrackRecord | undefined;
  /** Messages awaiting an ack at once while sending records (default 4). */
  window?: number;
}

type Kind = "register" | "auth" | "location" | "batch" | "heartbeat" | "reply";

interface Packet {
  serial: number;
  bytes: Uint8Array;
  acked: boolean;
  linkId: number;
  sent: boolean;
}

interface Outgoing {
  kind: Kind;
  msgId: number;
  packets: Packet[];
  seqs: number[];
  expectReply: boolean;
  attempts: number;
  deadline?: number;
}

const BACKLOG_PEEK = 48;

export class UplinkSession {
  readonly counters = {
    framesIn: 0, badFrames: 0, badBcc: 0, badLength: 0, junkBytes: 0, unknownAcks: 0,
    retransmits: 0, refused: 0, rejectedRecords: 0, downlinks: 0,
  };
  state: SessionState = "idle";
  private auth: Uint8Array;
  private serial: number;
  private registered: boolean;
  private out: Outgoing[] = [];
  private replies: Reply[] = [];
  private live: TrackRecord[] = [];
  private claimed = new Set<number>();
  private backlogDone = false;
  private delivered = 0;
  private failed = 0;
  private linkIds = 0;
  private timer = -1;
  private timerAt = Infinity;
  private stayOnline = false;
  private lingerMs = 0;
  private lingerUntil = Infinity;
  private heartbeatAt = Infinity;
  private heartbeatWanted = false;
  private readonly edition: Edition;
  private readonly reasm = new Reassembler();

  constructor(private readonly d: SessionDeps, snap?: SessionSnapshot) {
    this.auth = (snap && fromHex(snap.auth)) || new Uint8Array(0);
    this.serial = snap ? snap.serial & 0xffff : 0;
    this.registered = !!snap?.registered && this.auth.length > 0;
    this.edition = d.config.proto === 2013 ? 2013 : 2019;
  }

  snapshot(): SessionSnapshot {
    return { auth: toHex(this.auth), serial: this.serial, registered: this.registered };
  }

  /**
   * Opens the session with this wake's new records (already appended to the log: they are acked through it).
   * stayOnline keeps the session open after the backlog (heartbeats, downlinks, push()) until close();
   * lingerMs waits that long for late downlinks before finishing.
   */
  start(live: readonly TrackRecord[], opts: { stayOnline?: boolean; lingerMs?: number } = {}): void {
    if (this.state !== "idle") return;
    this.live = live.slice();
    for (const r of live) this.claimed.add(r.seq);
    this.stayOnline = !!opts.stayOnline;
    this.lingerMs = opts.lingerMs ?? 0;
    this.heartbeatWanted = this.d.config.heartbeat_s > 0;
    if (this.registered) this.sendAuth();
    else {
      this.state = "registering";
      this.queue("register", MSG.register, encodeRegistration(this.d.identity.registration, this.edition), [], true);
    }
  }

  /** A record made while the session is open (sent as soon as the window allows). */
  push(rec: TrackRecord): void {
    if (this.state === "done" || this.claimed.has(rec.seq)) return;
    this.live.push(rec);
    this.claimed.add(rec.seq);
    if (this.state === "online" || this.state === "lingering") this.state = "sending";
    this.pump();
  }

  close(): void {
    if (this.state === "done") return;
    this.stayOnline = false;
    this.lingerMs = 0;
    if (this.state === "online" || this.state === "lingering") this.end("complete");
  }

  onSent(id: number): void {
    for (const m of this.out) {
      const p = m.packets.find((x) => x.linkId === id);
      if (!p) continue;
      p.sent = true;
      if (!m.expectReply) {
        if (m.packets.every((x) => x.sent)) this.complete(m, 0);
      } else if (m.packets.every((x) => x.sent || x.acked)) {
        m.deadline = this.d.clock.now() + this.waitMs(m.attempts);
        this.rearm();
      }
      return;
    }
  }

  onFailed(id: number): void {
    if (this.out.some((m) => m.packets.some((p) => p.linkId === id))) this.end("send-failed");
  }

  onDown(): void {
    if (this.state !== "done") this.end("link-down", false);
  }

  onRx(bytes: Uint8Array): void {
    if (this.state === "done" || this.state === "idle") return;
    const { frames, junk } = splitFrames(bytes);
    this.counters.junkBytes += junk;
    for (const raw of frames) {
      const r = parseFrame(raw);
      if ("error" in r) {
        this.counters.badFrames++;
        continue;
      }
      this.counters.framesIn++;
      if (!r.frame.bccOk) this.counters.badBcc++;
      else if (!r.frame.lenOk) this.counters.badLength++;
      else {
        const msg = this.reasm.add(r.frame);
        if (msg) this.dispatch(msg.header.msgId, msg.header.serial, msg.body);
      }
    }
    this.pump();
  }

  /** T(1) = ack_timeout_s, T(N+1) = T(N) x (N+1). */
  private waitMs(attempt: number): number {
    let t = this.d.config.ack_timeout_s * 1000;
    for (let n = 1; n < attempt; n++) t *= n + 1;
    return t;
  }

  private dispatch(msgId: number, serial: number, body: Uint8Array): void {
    if (msgId === MSG.platformAck) {
      const a = decodeGeneralResponse(body);
      const m = a && this.out.find((o) => o.expectReply && o.msgId === a.replyId && o.packets.some((p) => p.serial === a.replySerial));
      if (!a || !m) {
        this.counters.unknownAcks++;
        return;
      }
      // a failure on data is the platform's trouble: the retransmission timer tries again; on auth it is a no
      if (a.result === 1 && m.kind !== "auth") return;
      for (const p of m.packets) if (p.serial === a.replySerial) p.acked = true;
      if (a.result !== 0 && a.result !== 4) this.complete(m, a.result);
      else if (m.packets.every((p) => p.acked)) this.complete(m, 0);
      return;
    }
    if (msgId === MSG.registerReply) {
      const r = decodeRegisterReply(body);
      const m = r && this.out.find((o) => o.kind === "register" && o.packets.some((p) => p.serial === r.replySerial));
      if (!r || !m) {
        this.counters.unknownAcks++;
        return;
      }
      this.out.splice(this.out.indexOf(m), 1);
      if (r.result !== 0 || r.authCode.length === 0) return this.end("register-refused");
      this.auth = r.authCode;
      this.registered = true;
      this.d.emit({ type: "registered" });
      this.sendAuth();
      return;
    }
    this.counters.downlinks++;
    const res = handleDownlink(msgId, serial, body, this.d);
    if (res.refused) this.counters.refused++;
    for (const rep of res.replies) this.replies.push(rep);
    for (const act of res.actions) this.d.emit(act);
  }

  private sendAuth(): void {
    this.state = "authenticating";
    const { imei, software } = this.d.identity;
    this.queue("auth", MSG.auth, encodeAuth({ code: this.auth, imei, software }, this.edition), [], true);
  }

  private complete(m: Outgoing, result: number): void {
    const i = this.out.indexOf(m);
    if (i < 0) return;
    this.out.splice(i, 1);
    if (m.kind === "auth") {
      if (result !== 0) {
        // a platform that forgot us wants a new registration next session
        this.registered = false;
        this.auth = new Uint8Array(0);
        return this.end("auth-refused");
      }
      this.state = "sending";
    } else if (m.seqs.length) {
      if (result === 0) {
        this.d.backlog.ack(m.seqs);
        this.delivered += m.seqs.length;
      } else {
        this.counters.rejectedRecords += m.seqs.length;
        this.failed += m.seqs.length;
      }
    }
    this.pump();
  }

  /** Fills the window: replies first, then live records, then backlog batches; ends when all is done. */
  private pump(): void {
    if (this.state === "done") return;
    while (this.replies.length) {
      const r = this.replies.shift()!;
      this.queue("reply", r.msgId, r.body, [], false);
    }
    if (this.state === "sending" || this.state === "online" || this.state === "lingering") {
      const win = this.d.window ?? 4;
      while (this.out.filter((m) => m.expectReply).length < win && this.queueNext()) {
        if (this.state !== "sending") this.state = "sending";
      }
      if (this.out.length === 0) this.drained();
    }
    this.rearm();
  }

  private queueNext(): boolean {
    const rec = this.live.shift();
    if (rec) {
      this.queue("location", MSG.location, encodeLocation(recordToLocation(rec)), [rec.seq], true);
      return true;
    }
    if (this.backlogDone) return false;
    const fresh = this.d.backlog.peek(this.claimed.size + BACKLOG_PEEK).filter((r) => !this.claimed.has(r.seq));
    if (fresh.length === 0) {
      this.backlogDone = true;
      return false;
    }
    const b = fillBatch(fresh, this.edition, this.d.link.maxDatagram());
    for (const r of b.recs) this.claimed.add(r.seq);
    if (b.recs.length) {
      this.queue("batch", MSG.batch, encodeBatch(1, b.bodies), b.recs.map((r) => r.seq), true);
    } else {
      // a record too big for one datagram as a batch goes alone, sub-packaged
      this.claimed.add(fresh[0].seq);
      this.queue("location", MSG.location, encodeLocation(recordToLocation(fresh[0])), [fresh[0].seq], true);
    }
    return true;
  }

  /** Nothing outstanding: heartbeat if nothing else went up, then linger, stay online or finish. */
  private drained(): void {
    const now = this.d.clock.now();
    if (this.heartbeatWanted && this.delivered === 0 && this.failed === 0) {
      this.heartbeatWanted = false;
      this.queue("heartbeat", MSG.heartbeat, new Uint8Array(0), [], true);
      return;
    }
    this.heartbeatWanted = false;
    if (this.stayOnline) {
      this.state = "online";
      if (this.d.config.heartbeat_s > 0 && this.heartbeatAt === Infinity) {
        this.heartbeatAt = now + this.d.config.heartbeat_s * 1000;
      }
      return;
    }
    if (this.lingerMs > 0 && this.state !== "lingering") {
      this.state = "lingering";
      this.lingerUntil = now + this.lingerMs;
      return;
    }
    if (this.state !== "lingering") this.end("complete");
  }

  private queue(kind: Kind, msgId: number, body: Uint8Array, seqs: number[], expectReply: boolean): void {
    const h = { msgId, edition: this.edition, phone: this.d.identity.phone, protoVersion: 1 };
    const packets = packetize(h, body, this.d.link.maxDatagram(), () => {
      const s = this.serial;
      this.serial = (this.serial + 1) & 0xffff;
      return s;
    });
    if (packets.length === 0) {
      this.failed += seqs.length;
      return;
    }
    const m: Outgoing = {
      kind, msgId, seqs, expectReply, attempts: 0,
      packets: packets.map((p) => ({ ...p, acked: false, linkId: 0, sent: false })),
    };
    this.out.push(m);
    if (this.stayOnline && this.d.config.heartbeat_s > 0) this.heartbeatAt = this.d.clock.now() + this.d.config.heartbeat_s * 1000;
    this.transmit(m);
  }

  private transmit(m: Outgoing): void {
    m.attempts++;
    m.deadline = undefined;
    for (const p of m.packets) {
      if (p.acked) continue;
      p.sent = false;
      p.linkId = ++this.linkIds;
      this.d.link.send(p.linkId, p.bytes, m.expectReply);
    }
  }

  private rearm(): void {
    let next = Math.min(this.heartbeatAt, this.state === "lingering" ? this.lingerUntil : Infinity);
    for (const m of this.out) if (m.deadline !== undefined && m.deadline < next) next = m.deadline;
    if (this.state === "done") next = Infinity;
    if (next === this.timerAt) return;
    if (this.timer >= 0) this.d.clock.cancel(this.timer);
    this.timer = -1;
    this.timerAt = next;
    if (next !== Infinity) this.timer = this.d.clock.at(next, () => this.onTimer());
  }

  private onTimer(): void {
    this.timer = -1;
    this.timerAt = Infinity;
    const now = this.d.clock.now();
    for (const m of this.out.slice()) {
      if (m.deadline === undefined || m.deadline > now) continue;
      if (m.attempts > this.d.config.ack_retries) return this.end("no-ack");
      this.counters.retransmits++;
      this.transmit(m);
    }
    if (this.state === "lingering" && now >= this.lingerUntil) return this.end("complete");
    if (this.state === "online" && now >= this.heartbeatAt) {
      this.heartbeatAt = Infinity;
      this.queue("heartbeat", MSG.heartbeat, new Uint8Array(0), [], true);
    }
    this.rearm();
  }

  private end(reason: DoneReason, finish = true): void {
    if (this.state === "done") return;
    for (const m of this.out) this.failed += m.seqs.length;
    this.failed += this.live.length;
    this.out = [];
    this.live = [];
    this.state = "done";
    this.rearm();
    if (this.timer >= 0) this.d.clock.cancel(this.timer);
    if (finish) this.d.link.finish();
    this.d.emit({ type: "session-done", delivered: this.delivered, failed: this.failed, reason });
  }
}
