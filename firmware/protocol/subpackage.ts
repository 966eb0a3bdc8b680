/**
 * Sub-packaging: a message whose frame would not fit the link's datagram (or whose body passes the 10-bit
 * length) goes as numbered packets, each a whole frame with its own consecutive serial and (total, index) in
 * the header. The reassembler joins packets again on the receiving side.
 */
import { concat } from "../core/bytes";
import { encodeFrame, headerLength } from "./frame";
import { PLAIN_BODY_MAX } from "./frame-seal";
import type { Edition, Frame, FrameHeader } from "./frame";

export interface OutPacket {
  serial: number;
  bytes: Uint8Array;
}

export interface MessageHeader {
  msgId: number;
  edition: Edition;
  phone: string;
  protoVersion?: number;
}

function escapedLength(b: Uint8Array, start: number, end: number): number {
  let n = end - start;
  for (let i = start; i < end; i++) if (b[i] === 0x7e || b[i] === 0x7d) n++;
  return n;
}

/**
 * Frames for one message, each at most `maxDatagram` bytes on the wire. Serials come from `nextSerial`, one per
 * packet. Empty when the datagram is too small for even one body byte per packet.
 */
export function packetize(
  h: MessageHeader,
  body: Uint8Array,
  maxDatagram: number,
  nextSerial: () => number,
): OutPacket[] {
  // attribute, serial and BCC may each need escaping: 5 bytes of margin decide before a serial is drawn
  if (body.length <= PLAIN_BODY_MAX && wireLength(h, body) + 5 <= maxDatagram) {
    const serial = nextSerial();
    return [{ serial, bytes: encodeFrame({ ...h, serial }, body) }];
  }
  // Budget the header and BCC as if every byte needed escaping: at most 2 x 22 bytes lost per packet, but the
  // cut points never depend on the serials still to be drawn.
  const budget = maxDatagram - 2 - 2 * (headerLength(h.edition, true) + 1);
  if (budget < 2) return [];
  const cuts: number[] = [0];
  let start = 0;
  while (start < body.length) {
    let end = start;
    let size = 0;
    while (end < body.length && end - start < PLAIN_BODY_MAX) {
      const w = body[end] === 0x7e || body[end] === 0x7d ? 2 : 1;
      if (size + w > budget) break;
      size += w;
      end++;
    }
    cuts.push(end);
    start = end;
  }
  const total = cuts.length - 1;
  if (total > 0xffff) return [];
  const out: OutPacket[] = [];
  for (let i = 0; i < total; i++) {
    const serial = nextSerial();
    const header: FrameHeader = { ...h, serial, packet: { total, index: i + 1 } };
    out.push({ serial, bytes: encodeFrame(header, body.subarray(cuts[i], cuts[i + 1])) });
  }
  return out;
}

/** Bytes the whole message would take as one frame on the wire (without serial-dependent escapes). */
export function wireLength(h: MessageHeader, body: Uint8Array): number {
  return 2 + headerLength(h.edition, false) + 1 + escapedLength(body, 0, body.length);
}

interface Pending {
  key: string;
  total: number;
  parts: (Uint8Array | undefined)[];
  have: number;
  first: FrameHeader;
}

/**
 * Joins sub-packaged frames. Keeps a few messages in progress; the oldest is dropped (and counted) past that. A
 * message of more than maxParts parts is refused at its first frame (counted): the largest the platform sends the
 * terminal (0x8103 with every setting, a set of the 24 areas it holds of at most 32 vertices each) is under 3 KB,
 * and the total field alone must not make the terminal hold up to 64 K parts of 1 KB. What it may hold is maxPending x maxParts x 1023 body bytes (16 KB by default).
 */
export class Reassembler {
  readonly counters = { joined: 0, dropped: 0, badIndex: 0, tooLarge: 0 };
  private pending: Pending[] = [];
  constructor(
    private readonly maxPending = 4,
    private readonly maxParts = 4,
  ) {}

  /** Body bytes held for messages in progress (what a stream of sub-packages can make this keep in RAM). */
  heldBytes = 0;

  /** Returns the whole message when `f` completes it; a frame without packet info passes straight through. */
  add(f: Frame): { header: FrameHeader; body: Uint8Array } | undefined {
    const p = f.header.packet;
    if (!p) return { header: f.header, body: f.body };
    if (p.total < 1 || p.index < 1 || p.index > p.total) {
      this.counters.badIndex++;
      return undefined;
    }
    if (p.total > this.maxParts) {
      this.counters.tooLarge++;
      return undefined;
    }
    const base = (f.header.serial - p.index + 1) & 0xffff;
    const key = `${f.header.phone}/${f.header.msgId}/${p.total}/${base}`;
    let m = this.pending.find((x) => x.key === key);
    if (!m) {
      m = { key, total: p.total, parts: new Array(p.total), have: 0, first: f.header };
      this.pending.push(m);
      if (this.pending.length > this.maxPending) {
        this.forget(this.pending.shift()!);
        this.counters.dropped++;
      }
    }
    const old = m.parts[p.index - 1];
    if (!old) m.have++;
    this.heldBytes += f.body.length - (old ? old.length : 0);
    m.parts[p.index - 1] = f.body;
    if (p.index === 1) m.first = f.header;
    if (m.have < m.total) return undefined;
    this.pending.splice(this.pending.indexOf(m), 1);
    this.forget(m);
    this.counters.joined++;
    const header: FrameHeader = { ...m.first, serial: base };
    delete header.packet;
    return { header, body: concat(m.parts as Uint8Array[]) };
  }

  private forget(m: Pending): void {
    for (const part of m.parts) if (part) this.heldBytes -= part.length;
  }
}
