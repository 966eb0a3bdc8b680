/**
 * The messages a session has on the link: each framed (sub-packaged when needed) with serials from the session's
 * counter, sent through the DatagramLink, acknowledged packet by packet by serial, and due for retransmission
 * T(N) after its N-th transmission was reported sent, where T(1) = ack_timeout_s and T(N+1) = T(N) x (N+1).
 */
import type { Edition } from "./frame";
import { packetize } from "./subpackage";

export interface DatagramLink {
  /** Queues one datagram; `expectReply` keeps the receive window open after it. */
  send(id: number, bytes: Uint8Array, expectReply: boolean): void;
  /** The session has nothing more to send or wait for. */
  finish(): void;
  maxDatagram(): number;
}

export type OutKind = "register" | "auth" | "location" | "batch" | "heartbeat" | "reply";

interface Packet {
  serial: number;
  bytes: Uint8Array;
  acked: boolean;
  linkId: number;
  sent: boolean;
}

export interface Outgoing {
  kind: OutKind;
  msgId: number;
  seqs: number[];
  expectReply: boolean;
  attempts: number;
  deadline?: number;
  packets: Packet[];
}

/** T(1) = timeout, T(N+1) = T(N) x (N+1): the wait after the N-th transmission. */
export function ackWaitMs(timeoutS: number, attempt: number): number {
  let t = timeoutS * 1000;
  for (let n = 1; n < attempt; n++) t *= n + 1;
  return t;
}

export class Outbox {
  readonly items: Outgoing[] = [];
  private linkIds = 0;

  constructor(
    private readonly link: DatagramLink,
    private readonly header: { edition: Edition; phone: string },
    public serial: number,
    private readonly ackTimeoutS: number,
  ) {}

  /** Frames and sends a message; undefined when it cannot fit any datagram of the link. */
  add(kind: OutKind, msgId: number, body: Uint8Array, seqs: number[], expectReply: boolean): Outgoing | undefined {
    const h = { msgId, edition: this.header.edition, phone: this.header.phone, protoVersion: 1 };
    const packets = packetize(h, body, this.link.maxDatagram(), () => {
      const s = this.serial;
      this.serial = (this.serial + 1) & 0xffff;
      return s;
    });
    if (packets.length === 0) return undefined;
    const m: Outgoing = {
      kind, msgId, seqs, expectReply, attempts: 0,
      packets: packets.map((p) => ({ ...p, acked: false, linkId: 0, sent: false })),
    };
    this.items.push(m);
    this.transmit(m);
    return m;
  }

  /** Sends again what is not acked yet, same serials and bytes. */
  transmit(m: Outgoing): void {
    m.attempts++;
    m.deadline = undefined;
    for (const p of m.packets) {
      if (p.acked) continue;
      p.sent = false;
      p.linkId = ++this.linkIds;
      this.link.send(p.linkId, p.bytes, m.expectReply);
    }
  }

  owns(linkId: number): boolean {
    return this.items.some((m) => m.packets.some((p) => p.linkId === linkId));
  }

  /**
   * The link reports a datagram sent. Returns the message when it is now complete (no reply expected); arms
   * its ack deadline when its last packet went.
   */
  sent(linkId: number, now: number): Outgoing | undefined {
    for (const m of this.items) {
      const p = m.packets.find((x) => x.linkId === linkId);
      if (!p) continue;
      p.sent = true;
      if (!m.packets.every((x) => x.sent || x.acked)) return undefined;
      if (!m.expectReply) return m;
      m.deadline = now + ackWaitMs(this.ackTimeoutS, m.attempts);
      return undefined;
    }
    return undefined;
  }

  /** A 0x8001 (or 0x8100) for `serial`: marks the packet; returns its message, and whether every packet is acked. */
  ack(replyId: number, serial: number): { m: Outgoing; all: boolean } | undefined {
    const m = this.items.find((o) => o.expectReply && o.msgId === replyId && o.packets.some((p) => p.serial === serial));
    if (!m) return undefined;
    for (const p of m.packets) if (p.serial === serial) p.acked = true;
    return { m, all: m.packets.every((p) => p.acked) };
  }

  remove(m: Outgoing): boolean {
    const i = this.items.indexOf(m);
    if (i < 0) return false;
    this.items.splice(i, 1);
    return true;
  }

  awaitingReply(): number {
    let n = 0;
    for (const m of this.items) if (m.expectReply) n++;
    return n;
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

  /** Drops everything; returns the record seqs that were still in flight. */
  clear(): number[] {
    const seqs: number[] = [];
    for (const m of this.items) seqs.push(...m.seqs);
    this.items.length = 0;
    return seqs;
  }
}
