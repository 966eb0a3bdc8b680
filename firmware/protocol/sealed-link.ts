/**
 * The uplink seal layer: a DatagramLink around the modem's that seals every frame of every datagram with the
 * uplink key (frame-seal.ts) as it goes out. Sealing at send time, not when a message is framed, means a
 * retransmission carries a fresh counter: the platform rejects any counter it has seen, so a retransmitted
 * datagram must not look like a replay.
 *
 * Every body is LZ4-compressed inside the seal when that makes it shorter (frame-seal.ts, SEALED_LZ4): a batch of
 * location bodies repeats its position, status and items from one entry to the next and shrinks to about a third,
 * so a parked report's backlog takes fewer datagrams, each a radio send.
 *
 * Sizes: the outbox packs frames by `wireSize()` (the sealed, maybe compressed, size) and `maxDatagram()` keeps a
 * slack for the 7E/7D escapes ciphertext needs (random bytes: 2 in 256 on average). A datagram that still comes out too large is
 * sealed again with new counters (other escapes); after a few tries it goes anyway and the modem's size check
 * fails it like any send failure (the records stay in the log).
 *
 * Inputs: datagrams of plain frames. Outputs: datagrams of sealed frames to the inner link; counters.
 */
import type { Crypto } from "../../hal/ports";
import { concat } from "../core/bytes";
import { parseFrame, splitFrames } from "./frame";
import { SEAL_BODY_OVERHEAD, UP, type SealedPlain, sealPlain, sealedPlain } from "./frame-seal";
import { sameBytes } from "../security/ccm";
import type { DatagramLink } from "./outbox";

const RESEALS = 3;
/** Bodies whose sealed plaintext is kept: the frames of one datagram (auth, report, batch) and a spare. */
const PLAIN_MEMO = 4;

export interface UplinkSealing {
  crypto: Crypto;
  key: Uint8Array;
  /** The next nonce counter value; undefined when the counter is exhausted (the device needs a new key). */
  counter(): number | undefined;
}

export class SealedLink implements DatagramLink {
  readonly counters = { datagrams: 0, frames: 0, plainBytes: 0, sealedBytes: 0, resealed: 0, exhausted: 0 };
  /**
   * The latest bodies and what the seal carries for them: a frame is measured (wireSize) before it is sealed, and
   * sealed again for every reseal and retransmission, with the same compressed plaintext (only the counter is new).
   */
  private readonly plains: { body: Uint8Array; p: SealedPlain }[] = [];

  constructor(
    private readonly inner: DatagramLink,
    private readonly s: UplinkSealing,
  ) {}

  maxDatagram(): number {
    const max = this.inner.maxDatagram();
    return max - Math.ceil(max / 64);
  }

  /** Wire bytes sealing adds to each frame (counter, tag and a margin for their escapes). */
  frameOverhead(): number {
    return SEAL_BODY_OVERHEAD + 2;
  }

  /** The sealed size of a framed packet: its body replaced by what the seal carries (compressed when shorter). */
  wireSize(frame: Uint8Array): number {
    const r = parseFrame(frame);
    if ("error" in r) return frame.length + this.frameOverhead();
    const body = r.frame.body;
    return frame.length - body.length + this.plainOf(body).plain.length + this.frameOverhead();
  }

  /** What the seal carries for `body`, compressed once per distinct body. */
  private plainOf(body: Uint8Array): SealedPlain {
    for (const e of this.plains) if (e.body.length === body.length && sameBytes(e.body, body)) return e.p;
    const p = sealedPlain(body, true);
    this.plains.push({ body: body.slice(), p });
    if (this.plains.length > PLAIN_MEMO) this.plains.shift();
    return p;
  }

  send(id: number, bytes: Uint8Array, expectReply: boolean, hold?: boolean): void {
    const max = this.inner.maxDatagram();
    let out = this.seal(bytes);
    for (let i = 0; out && out.length > max && i < RESEALS; i++) {
      this.counters.resealed++;
      out = this.seal(bytes);
    }
    if (!out) {
      this.counters.exhausted++;
      return;
    }
    this.counters.datagrams++;
    this.counters.plainBytes += bytes.length;
    this.counters.sealedBytes += out.length;
    this.inner.send(id, out, expectReply, hold);
  }

  finish(): void {
    this.inner.finish();
  }

  private seal(bytes: Uint8Array): Uint8Array | undefined {
    const parts: Uint8Array[] = [];
    for (const raw of splitFrames(bytes).frames) {
      const r = parseFrame(raw);
      if ("error" in r) continue; // the outbox only frames what parses; nothing else may leave unsealed
      const ctr = this.s.counter();
      if (ctr === undefined) return undefined;
      const f = sealPlain(this.s.crypto, this.s.key, UP, ctr, r.frame.header, this.plainOf(r.frame.body));
      parts.push(f);
      this.counters.frames++;
    }
    return concat(parts);
  }
}
