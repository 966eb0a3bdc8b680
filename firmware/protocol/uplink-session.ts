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
import { handleDownlink } from "./downlink";
import type { Reply } from "./downlink";
import { fillBatch } from "./batch-builder";
import { Reassembler } from "./subpackage";
import { Outbox } from "./outbox";
import type { OutKind, Outgoing } from "./outbox";
import type { DoneReason, SessionDeps, SessionSnapshot, SessionState } from "./session-types";
import { recordToLocation } from "./record-location";
import type { TrackRecord } from "../store/track-record";

export type { DatagramLink } from "./outbox";
export type { Backlog, DoneReason, Identity, SessionDeps, SessionEvent, SessionSnapshot, SessionState } from "./session-types";

const BACKLOG_PEEK = 48;

export class UplinkSession {
  readonly counters = {
    framesIn: 0, badFrames: 0, badBcc: 0, badLength: 0, junkBytes: 0, unknownAcks: 0,
    retransmits: 0, refused: 0, rejectedRecords: 0, downlinks: 0,
  };
  state: SessionState = "idle";
  private auth: Uint8Array;
  private registered: boolean;
  private readonly box: Outbox;
  private replies: Reply[] = [];
  private live: TrackRecord[] = [];
  private claimed = new Set<number>();
  private backlogDone = false;
  private delivered = 0;
  private failed = 0;
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
    this.registered = !!snap?.registered && this.auth.length > 0;
    this.edition = d.config.proto === 2013 ? 2013 : 2019;
    const head = { edition: this.edition, phone: d.identity.phone };
    this.box = new Outbox(d.link, head, snap ? snap.serial & 0xffff : 0, d.config.ack_timeout_s);
  }

  snapshot(): SessionSnapshot {
    return { auth: toHex(this.auth), serial: this.box.serial, registered: this.registered };
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
    if (this.state === "online" || this.state === "lingering") this.end("closed");
  }

  onSent(id: number): void {
    const m = this.box.sent(id, this.d.clock.now());
    if (m) this.complete(m, 0);
    else this.rearm();
  }

  onFailed(id: number): void {
    if (this.box.owns(id)) this.end("send-failed");
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

  private dispatch(msgId: number, serial: number, body: Uint8Array): void {
    if (msgId === MSG.platformAck) {
      const a = decodeGeneralResponse(body);
      const kind = a && this.box.items.find((o) => o.msgId === a.replyId && o.packets.some((p) => p.serial === a.replySerial))?.kind;
      // a failure on data is the platform's trouble: the retransmission timer tries again; on auth it is a no
      if (a && a.result === 1 && kind !== undefined && kind !== "auth") return;
      const hit = a && this.box.ack(a.replyId, a.replySerial);
      if (!a || !hit) {
        this.counters.unknownAcks++;
        return;
      }
      if (a.result !== 0 && a.result !== 4) this.complete(hit.m, a.result);
      else if (hit.all) this.complete(hit.m, 0);
      return;
    }
    if (msgId === MSG.registerReply) {
      const r = decodeRegisterReply(body);
      const hit = r && this.box.ack(MSG.register, r.replySerial);
      if (!r || !hit) {
        this.counters.unknownAcks++;
        return;
      }
      this.box.remove(hit.m);
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
    if (!this.box.remove(m)) return;
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
      while (this.box.awaitingReply() < win && this.queueNext()) {
        if (this.state !== "sending") this.state = "sending";
      }
      if (this.box.items.length === 0) this.drained();
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

  private queue(kind: OutKind, msgId: number, body: Uint8Array, seqs: number[], expectReply: boolean): void {
    if (!this.box.add(kind, msgId, body, seqs, expectReply)) {
      this.failed += seqs.length;
      return;
    }
    if (this.stayOnline && this.d.config.heartbeat_s > 0) this.heartbeatAt = this.d.clock.now() + this.d.config.heartbeat_s * 1000;
  }

  private rearm(): void {
    let next = Math.min(this.heartbeatAt, this.state === "lingering" ? this.lingerUntil : Infinity, this.box.nextDeadline());
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
    for (const m of this.box.due(now)) {
      if (m.attempts > this.d.config.ack_retries) return this.end("no-ack");
      this.counters.retransmits++;
      this.box.transmit(m);
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
    this.failed += this.box.clear().length + this.live.length;
    this.live = [];
    this.state = "done";
    this.rearm();
    if (this.timer >= 0) this.d.clock.cancel(this.timer);
    if (finish) this.d.link.finish();
    this.d.emit({ type: "session-done", delivered: this.delivered, failed: this.failed, reason });
  }
}
