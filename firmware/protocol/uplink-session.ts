/**
 * One uplink session over a datagram link: register once, then authenticate with this wake's live records (0x0200)
 * and as much of the backlog (oldest-first 0x0704 backfill batches) as fits, all in ONE datagram of several frames;
 * then the rest of the backlog a full datagram at a time, answer downlinks, and finish.
 *
 * States:  idle -> registering -> authenticating -> sending -> (lingering) -> done
 *          (registering is skipped once an auth code is held; online replaces done while stayOnline; a refused
 *          auth goes back to registering once per session)
 * Inputs:  start(live, opts), push(rec), close(); from the app: onSent(id), onFailed(id), onRx(bytes), onDown();
 *          one Clock deadline (earliest of: ack waits, heartbeat, linger).
 * Outputs: DatagramLink.send/finish; Backlog.ack(seqs) after each record's own 0x8001; events: session-done,
 *          config-change, areas-change, reset-request, ack-alarms, registered.
 *
 * Acks match by serial, frame by frame. One datagram expecting replies is in flight at a time: the network releases
 * the radio after the first downlink that follows a datagram flagged for release, so no earlier reply may still be
 * on its way then. Unacked messages are sent again with the same bytes after T(1) = ack_timeout_s,
 * T(N+1) = T(N) x (N+1), at most ack_retries times, coalesced with whatever else waits; then the session ends (the
 * records stay in the log). An ack that lands after the end still acks its records.
 */
import { fromHex, toHex } from "../core/bytes";
import { readMessages } from "./rx-frames";
import type { Edition } from "./frame";
import { encodeBatch, encodeLocation } from "./location";
import { MSG, decodeGeneralResponse, decodeRegisterReply, encodeAuth, encodeRegistration } from "./messages";
import { handleDownlink, refusal } from "./downlink";
import { GUARDED } from "./downlink-guard";
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
/** Room below which a datagram is full: a batch header and one record need about this much. */
const MIN_BATCH_ROOM = 96;

export class UplinkSession {
  readonly counters = {
    framesIn: 0, badFrames: 0, badBcc: 0, badLength: 0, junkBytes: 0, unknownAcks: 0,
    retransmits: 0, refused: 0, rejectedRecords: 0, downlinks: 0, lateAcks: 0, reregistrations: 0, unverified: 0,
  };
  state: SessionState = "idle";
  private auth: Uint8Array;
  private registered: boolean;
  private reregistered = false;
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
  private endBy = Infinity;
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

  /** Datagrams, frames and bytes this session handed the link. */
  traffic(): { datagrams: number; frames: number; bytes: number } {
    return { ...this.box.counters };
  }

  /**
   * Opens the session with this wake's new records (already appended to the log: they are acked through it).
   * stayOnline keeps the session open after the backlog (heartbeats, downlinks, push()) until close();
   * lingerMs waits that long for late downlinks before finishing. endBy (monotonic ms) is when the wake will be
   * cut short: no backlog datagram starts unless its acks (and one resend) can land before it.
   */
  start(live: readonly TrackRecord[], opts: { stayOnline?: boolean; lingerMs?: number; endBy?: number } = {}): void {
    if (this.state !== "idle") return;
    this.endBy = opts.endBy ?? Infinity;
    this.live = live.slice();
    for (const r of live) this.claimed.add(r.seq);
    this.stayOnline = !!opts.stayOnline;
    this.lingerMs = opts.lingerMs ?? 0;
    this.heartbeatWanted = this.d.config.heartbeat_s > 0;
    if (this.registered) this.sendAuth();
    else this.register();
    this.pump();
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
    for (const m of this.box.sent(id, this.d.clock.now())) this.complete(m, 0);
    this.pump();
  }

  onFailed(id: number): void {
    if (this.box.owns(id)) this.end("send-failed");
  }

  onDown(): void {
    if (this.state !== "done") this.end("link-down", false);
  }

  onRx(bytes: Uint8Array): void {
    if (this.state === "idle") return;
    const guard = this.d.guard;
    if (guard) bytes = guard.open(bytes, (h) => this.unverified(h.msgId, h.serial));
    readMessages(bytes, this.reasm, this.counters, (msgId, serial, body) => {
      // after the end only acks count: the platform has those records, sending them again would duplicate
      if (this.state === "done") this.lateAck(msgId, body);
      else this.dispatch(msgId, serial, body);
    });
    this.pump();
  }

  /** A downlink the guard refused: counted; a command is answered "message error" (result 2) and not applied. */
  private unverified(msgId: number, serial: number): void {
    this.counters.unverified++;
    if (this.state !== "done" && GUARDED.indexOf(msgId) >= 0) this.replies.push(refusal(serial, msgId));
  }

  private lateAck(msgId: number, body: Uint8Array): void {
    const a = msgId === MSG.platformAck ? decodeGeneralResponse(body) : undefined;
    const hit = a && (a.result === 0 || a.result === 4) ? this.box.ack(a.replyId, a.replySerial) : undefined;
    if (!hit || !hit.all) return;
    this.box.remove(hit.m);
    if (hit.m.seqs.length === 0) return;
    this.counters.lateAcks++;
    this.d.backlog.ack(hit.m.seqs);
    this.delivered += hit.m.seqs.length;
  }

  private dispatch(msgId: number, serial: number, body: Uint8Array): void {
    if (msgId === MSG.platformAck) {
      const a = decodeGeneralResponse(body);
      const m = a && this.box.find(a.replyId, a.replySerial);
      if (!a || !m) {
        this.counters.unknownAcks++;
        return;
      }
      // a failure on data is the platform's trouble: the retransmission timer (or the new auth) tries again;
      // on auth it is a no
      if (a.result === 1 && m.kind !== "auth") return;
      const hit = this.box.ack(a.replyId, a.replySerial)!;
      if (a.result !== 0 && a.result !== 4) this.complete(m, a.result);
      else if (hit.all) this.complete(m, 0);
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

  private register(): void {
    this.state = "registering";
    this.queue("register", MSG.register, encodeRegistration(this.d.identity.registration, this.edition), [], true);
  }

  /** Auth first in the next datagram; what waited for it goes along, same serials. */
  private sendAuth(): void {
    this.state = "authenticating";
    const { imei, software } = this.d.identity;
    this.queue("auth", MSG.auth, encodeAuth({ code: this.auth, imei, software }, this.edition), [], true);
    for (const m of this.box.items) if (m.parked) this.box.transmit(m);
  }

  /**
   * The platform does not know our code. Records in the same datagram are acked only by their own 0x8001; the
   * others wait (parked) for a new registration and auth, once per session.
   */
  private authRefused(): void {
    // a platform that forgot us wants a new registration
    this.registered = false;
    this.auth = new Uint8Array(0);
    if (this.reregistered) return this.end("auth-refused");
    this.reregistered = true;
    this.counters.reregistrations++;
    for (const m of this.box.items) if (m.expectReply) this.box.park(m);
    this.register();
  }

  private complete(m: Outgoing, result: number): void {
    if (!this.box.remove(m)) return;
    if (m.kind === "auth") {
      if (result !== 0) return this.authRefused();
      this.state = "sending";
    } else if (m.seqs.length) {
      if (result === 0 || result === 4) {
        this.d.backlog.ack(m.seqs);
        this.delivered += m.seqs.length;
      } else {
        this.counters.rejectedRecords += m.seqs.length;
        this.failed += m.seqs.length;
      }
    }
  }

  /**
   * With nothing expecting a reply in flight: replies to downlinks, then live records, then a backlog batch sized to
   * what room is left, all in one datagram; ends when all is done.
   */
  private pump(): void {
    if (this.state === "done") return;
    while (this.replies.length) {
      const r = this.replies.shift()!;
      this.queue("reply", r.msgId, r.body, [], false);
    }
    if (!this.box.inFlight()) {
      const filling = this.state !== "registering" && this.state !== "idle";
      const more = filling && this.fill();
      if (filling && this.box.items.length === 0) this.drained();
      if ((this.state as SessionState) !== "done" && this.box.hasPending()) {
        this.box.flush(more || this.stayOnline || this.state === "registering");
      }
    }
    this.rearm();
  }

  /** Queues what fits one datagram; true when more is waiting for the next one. */
  private fill(): boolean {
    const max = this.d.link.maxDatagram();
    while (this.live.length) {
      if (this.box.pendingBytes() >= max) return true;
      const rec = this.live.shift()!;
      this.queue("location", MSG.location, encodeLocation(recordToLocation(rec)), [rec.seq], true);
      this.toSending();
    }
    // Backlog batches while the datagram has room: one 0x0704 holds at most a 10-bit body (about 16 records), a
    // datagram up to the modem's limit, so a second, shorter batch fills the rest. A datagram costs the same send
    // energy however full it is: the fewer, the cheaper the session.
    // A datagram whose acks land after the wake was cut short is sent again next wake: the platform would get
    // its records twice. Leave the rest of the backlog to the next wake instead.
    if (!this.backlogDone && this.d.clock.now() + 3 * this.d.config.ack_timeout_s * 1000 > this.endBy) {
      this.backlogDone = true;
      return false;
    }
    while (!this.backlogDone) {
      const r = this.fillBatch(max);
      if (r === "stop") return false;
      if (r === "full") return true;
    }
    return false;
  }

  /** One backlog batch into the room left: "more" = added, more backlog waits; "full" = no room; "stop" = none left. */
  private fillBatch(max: number): "more" | "full" | "stop" {
    const room = max - this.box.pendingBytes();
    if (room < MIN_BATCH_ROOM && room < max) return "full";
    const want = this.claimed.size + BACKLOG_PEEK;
    const peeked = this.d.backlog.peek(want);
    const fresh = peeked.filter((r) => !this.claimed.has(r.seq));
    // a short peek is the whole backlog: when all of it fits, this datagram is the last
    if (peeked.length < want) this.backlogDone = true;
    if (fresh.length === 0) return "stop";
    const b = fillBatch(fresh, this.edition, room, this.box.measure(MSG.batch));
    if (b.recs.length) {
      for (const r of b.recs) this.claimed.add(r.seq);
      this.queue("batch", MSG.batch, encodeBatch(1, b.bodies), b.recs.map((r) => r.seq), true);
      this.toSending();
      if (b.recs.length < fresh.length) this.backlogDone = false;
      return this.backlogDone ? "stop" : "more";
    }
    this.backlogDone = false;
    if (room < max) return "full";
    // a record too big for one datagram as a batch goes alone, sub-packaged
    this.claimed.add(fresh[0].seq);
    this.queue("location", MSG.location, encodeLocation(recordToLocation(fresh[0])), [fresh[0].seq], true);
    this.toSending();
    return "full";
  }

  private toSending(): void {
    if (this.state !== "authenticating") this.state = "sending";
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
    // even with no linger the end waits for the current instant: its other downlinks are still being delivered
    if (this.state !== "lingering") {
      this.state = "lingering";
      this.lingerUntil = now + this.lingerMs;
    }
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
    this.pump();
  }

  private end(reason: DoneReason, finish = true): void {
    if (this.state === "done") return;
    this.failed += this.box.seqs().length + this.live.length;
    this.box.freeze();
    this.live = [];
    this.state = "done";
    this.rearm();
    if (this.timer >= 0) this.d.clock.cancel(this.timer);
    if (finish) this.d.link.finish();
    this.d.emit({ type: "session-done", delivered: this.delivered, failed: this.failed, reason });
  }
}
