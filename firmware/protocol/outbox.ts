/**
 * The messages a session has on the link: each framed (sub-packaged when needed) with serials from the session's
 * counter, coalesced with the others into as few datagrams as the link's size allows, acknowledged packet by packet
 * by serial, and due for retransmission T(N) after the datagram carrying its N-th transmission was reported sent,
 * where T(1) = ack_timeout_s and T(N+1) = T(N) x (N+1). A retransmission is coalesced again with whatever else is
 * waiting, same serials and bytes.
 *
 * Packets go pending (framed, not yet given to the link) → queued (in a datagram the link holds) → sent (the link
 * reported it sent) → acked. flush() packs pending packets, oldest first with registration and auth ahead, into
 * ONE datagram: the session sends the next only once nothing expecting a reply is in flight, so every downlink the
 * network brings before releasing the radio answers the datagram that asked for the release.
 */
import { encodeFrame, type Edition } from "./frame";
import { PLAIN_BODY_MAX } from "./frame-seal";
import { packetize } from "./subpackage";

export interface DatagramLink {
  /**
   * Queues one datagram; `expectReply` keeps the receive window open after it. `hold` says more uplink follows
   * right after its replies: the radio should stay connected rather than release.
   */
  send(id: number, bytes: Uint8Array, expectReply: boolean, hold?: boolean): void;
  /** The session has nothing more to send or wait for. */
  finish(): void;
  maxDatagram(): number;
  /** Wire bytes the link adds to every frame it carries (a seal layer); 0 when absent. */
  frameOverhead?(): number;
  /**
   * What the link will send for this framed packet, when that is not its length plus frameOverhead() (a seal
   * layer that compresses). Deterministic for the same bytes.
   */
  wireSize?(frame: Uint8Array): number;
}

export type OutKind = "register" | "auth" | "location" | "batch" | "heartbeat" | "reply";

type PacketState = "pending" | "queued" | "sent" | "acked";

interface Packet {
  serial: number;
  bytes: Uint8Array;
  wire: number; // what the link sends for it
  state: PacketState;
  linkId: number;
}

export interface Outgoing {
  kind: OutKind;
  msgId: number;
  seqs: number[];
  expectReply: boolean;
  attempts: number;
  deadline?: number;
  /** Waiting for a new authentication before it may go again (its serials stay matchable meanwhile). */
  parked: boolean;
  packets: Packet[];
}

/** T(1) = timeout, T(N+1) = T(N) x (N+1): the wait after the N-th transmission. */
export function ackWaitMs(timeoutS: number, attempt: number): number {
  let t = timeoutS * 1000;
  for (let n = 1; n < attempt; n++) t *= n + 1;
  return t;
}

function packet(serial: number, bytes: Uint8Array, wire: number): Packet {
  return { serial, bytes, wire, state: "pending", linkId: 0 };
}

const FIRST: readonly OutKind[] = Object.freeze(["register", "auth"]);

export class Outbox {
  readonly items: Outgoing[] = [];
  readonly counters = { datagrams: 0, frames: 0, bytes: 0 };
  private linkIds = 0;

  constructor(
    private readonly link: DatagramLink,
    private readonly header: { edition: Edition; phone: string },
    public serial: number,
    private readonly ackTimeoutS: number,
  ) {}

  /** Frames a message, pending until the next flush(); undefined when it cannot fit any datagram of the link. */
  add(kind: OutKind, msgId: number, body: Uint8Array, seqs: number[], expectReply: boolean): Outgoing | undefined {
    const h = { msgId, edition: this.header.edition, phone: this.header.phone, protoVersion: 1 };
    const next = () => {
      const s = this.serial;
      this.serial = (this.serial + 1) & 0xffff;
      return s;
    };
    // Behind a link that compresses, a body too long for one datagram in plain may still go in one frame: framed
    // with the serial it would draw, measured once.
    const one = this.link.wireSize && body.length <= PLAIN_BODY_MAX ? encodeFrame({ ...h, serial: this.serial }, body) : undefined;
    const oneWire = one ? this.wireSize(one) : Infinity;
    let packets: Packet[];
    if (one && oneWire <= this.link.maxDatagram()) packets = [packet(next(), one, oneWire)];
    else {
      const parts = packetize(h, body, this.link.maxDatagram() - this.perFrame(), next);
      packets = parts.map((p) => packet(p.serial, p.bytes, this.wireSize(p.bytes)));
    }
    if (packets.length === 0) return undefined;
    const m: Outgoing = { kind, msgId, seqs, expectReply, attempts: 1, parked: false, packets };
    // the platform reads frames in order: who we are comes before what we say
    if (FIRST.indexOf(kind) >= 0) this.items.unshift(m);
    else this.items.push(m);
    return m;
  }

  /** Marks what is not acked yet for sending again (same serials and bytes) with the next flush(). */
  transmit(m: Outgoing): void {
    m.attempts++;
    m.deadline = undefined;
    m.parked = false;
    for (const p of m.packets) if (p.state !== "acked") p.state = "pending";
  }

  /** Holds a message until a new authentication: no deadline, not in flight, its acks still count. */
  park(m: Outgoing): void {
    m.parked = true;
    m.deadline = undefined;
    m.attempts = 0; // transmit() on release makes it the first attempt after the new auth
  }

  private perFrame(): number {
    return this.link.frameOverhead ? this.link.frameOverhead() : 0;
  }

  /**
   * What the link would send for one frame of `msgId` with this body, when the link compresses (undefined
   * otherwise: sizes then add up). A margin covers escapes of the serial and check code drawn later.
   */
  measure(msgId: number): ((body: Uint8Array) => number) | undefined {
    if (!this.link.wireSize) return undefined;
    const h = { msgId, edition: this.header.edition, phone: this.header.phone, protoVersion: 1, serial: 0 };
    return (body) => this.wireSize(encodeFrame(h, body)) + 3;
  }

  /** What the link sends for a framed packet. */
  wireSize(frame: Uint8Array): number {
    return this.link.wireSize ? this.link.wireSize(frame) : frame.length + this.perFrame();
  }

  hasPending(): boolean {
    return this.items.some((m) => m.packets.some((p) => p.state === "pending"));
  }

  /** Wire bytes still pending (with what the link adds per frame). */
  pendingBytes(): number {
    let n = 0;
    for (const m of this.items) for (const p of m.packets) if (p.state === "pending") n += p.wire;
    return n;
  }

  /** Something that expects a reply is with the link or waiting for its ack (its deadline not yet passed). */
  inFlight(): boolean {
    return this.items.some((m) => m.expectReply && !m.parked && m.packets.some((p) => p.state === "queued" || p.state === "sent"));
  }

  /**
   * Sends one datagram: pending packets in order while they fit (the first always goes). `hold` asks the link to
   * keep the radio connected; it is implied when packets are left for the next datagram. Returns the frames sent.
   */
  flush(hold: boolean): number {
    const max = this.link.maxDatagram();
    const picked: Packet[] = [];
    let size = 0;
    let wire = 0; // what the link will send, its per-frame bytes included
    let expectReply = false;
    let full = false;
    for (const m of this.items) {
      for (const p of m.packets) {
        if (p.state !== "pending") continue;
        if (picked.length > 0 && wire + p.wire > max) {
          full = true;
          break;
        }
        picked.push(p);
        size += p.bytes.length;
        wire += p.wire;
        if (m.expectReply) expectReply = true;
      }
      if (full) break;
    }
    if (picked.length === 0) return 0;
    const bytes = new Uint8Array(size);
    const id = ++this.linkIds;
    let at = 0;
    for (const p of picked) {
      bytes.set(p.bytes, at);
      at += p.bytes.length;
      p.state = "queued";
      p.linkId = id;
    }
    this.counters.datagrams++;
    this.counters.frames += picked.length;
    this.counters.bytes += size;
    this.link.send(id, bytes, expectReply, hold || this.hasPending());
    return picked.length;
  }

  owns(linkId: number): boolean {
    return this.items.some((m) => m.packets.some((p) => p.linkId === linkId && p.state === "queued"));
  }

  /**
   * The link reports a datagram sent: its packets are on their way. Returns the messages now complete (no reply
   * expected, every packet gone); arms the ack deadline of the others it carried.
   */
  sent(linkId: number, now: number): Outgoing[] {
    const complete: Outgoing[] = [];
    for (const m of this.items) {
      let hit = false;
      for (const p of m.packets) {
        if (p.linkId !== linkId || p.state !== "queued") continue;
        p.state = "sent";
        hit = true;
      }
      if (!hit) continue;
      if (!m.expectReply) {
        if (m.packets.every((p) => p.state === "sent")) complete.push(m);
      } else if (!m.parked) m.deadline = now + ackWaitMs(this.ackTimeoutS, m.attempts);
    }
    return complete;
  }

  /** The message a 0x8001 (or 0x8100) for (`replyId`, `serial`) answers. */
  find(replyId: number, serial: number): Outgoing | undefined {
    return this.items.find((o) => o.expectReply && o.msgId === replyId && o.packets.some((p) => p.serial === serial));
  }

  /** Marks the packet acked; returns its message, and whether every packet is acked. */
  ack(replyId: number, serial: number): { m: Outgoing; all: boolean } | undefined {
    const m = this.find(replyId, serial);
    if (!m) return undefined;
    for (const p of m.packets) if (p.serial === serial) p.state = "acked";
    return { m, all: m.packets.every((p) => p.state === "acked") };
  }

  remove(m: Outgoing): boolean {
    const i = this.items.indexOf(m);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  nextDeadline(): number {
    let next = Infinity;
    for (const m of this.items) if (m.deadline !== undefined && m.deadline < next) next = m.deadline;
    return next;
  }

  /** Messages whose ack wait has run out at `now`. */
  due(now: number): Outgoing[] {
    return this.items.filter((m) => m.deadline !== undefined && m.deadline <= now);
  }

  /** Record seqs of the messages still in the box (unacked). */
  seqs(): number[] {
    const out: number[] = [];
    for (const m of this.items) out.push(...m.seqs);
    return out;
  }

  /** Stops every ack wait: after the session ends only a late ack for what did go out may still land. */
  freeze(): void {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const m = this.items[i];
      m.deadline = undefined;
      const out = m.packets.some((p) => p.state === "queued" || p.state === "sent");
      if (!m.expectReply || !out) this.items.splice(i, 1);
    }
  }
}
