/**
 * The downlink verify layer: every frame the platform sends must be sealed with this device's downlink key
 * (frame-seal.ts) under a counter greater than the last one accepted. What passes goes on as the plain frame it
 * carried; what does not is dropped here, counted by reason, and reported to the caller, which answers the
 * commands below with 0x0001 result 2 — nothing of it is applied. Unsealed frames are refused too: a forged
 * 0x8001 would otherwise make the device drop records the platform never got.
 *
 * The floor (last accepted counter) is written to NVS (`persist`) before an accepted frame is handed on — acks
 * included: after a power cut the session's serials start again, and an old ack replayed then must not match a
 * new message — so neither a deep sleep nor a power cut lets an old frame back in.
 *
 * Inputs: downlink datagrams. Outputs: plain datagrams, refusals (header + reason), counters, the floor.
 */
import type { Crypto } from "../../hal/ports";
import { concat } from "../core/bytes";
import { type FrameHeader, encodeFrame, parseFrame, splitFrames } from "./frame";
import { DOWN, openFrame, sealCounter } from "./frame-seal";
import { AREA_MSG } from "./area-messages";
import { MSG } from "./messages";

/** Commands that change or reveal state (areas 0x8600-0x8605 too): a refusal is answered with 0x0001 result 2. */
export const GUARDED: readonly number[] = Object.freeze([
  MSG.setParams, MSG.control, MSG.querySomeParams, MSG.queryLocation, MSG.ackAlarm,
  ...Object.values(AREA_MSG),
]);

export type GuardReason = "unsealed" | "short" | "bad-mac" | "bad-body" | "old-counter";

export interface DownlinkSealing {
  crypto: Crypto;
  key: Uint8Array;
  /** Last accepted counter (0 = none yet). */
  floor: number;
  /** Called with the new floor before an accepted frame passes; must persist it. */
  persist(floor: number): void;
}

export class DownlinkGuard {
  readonly rejected: Record<GuardReason, number> = { unsealed: 0, short: 0, "bad-mac": 0, "bad-body": 0, "old-counter": 0 };
  accepted = 0;
  floor: number;

  constructor(private readonly s: DownlinkSealing) {
    this.floor = s.floor;
  }

  /** The frames of `bytes` that pass, unsealed, as one datagram; refuse() hears of the others in order. */
  open(bytes: Uint8Array, refuse: (h: FrameHeader, reason: GuardReason) => void): Uint8Array {
    const out: Uint8Array[] = [];
    for (const raw of splitFrames(bytes).frames) {
      const r = parseFrame(raw);
      // malformed frames go on as they are: the session counts them and they never reach a handler
      if ("error" in r || !r.frame.bccOk || !r.frame.lenOk) {
        out.push(raw);
        continue;
      }
      const f = r.frame;
      const claimed = sealCounter(f);
      let reason: GuardReason | undefined;
      let plain: Uint8Array | undefined;
      if (claimed !== undefined && claimed <= this.floor) reason = "old-counter";
      else {
        const o = openFrame(this.s.crypto, this.s.key, DOWN, f);
        if ("refused" in o) reason = o.refused;
        else {
          this.s.persist(o.counter);
          this.floor = o.counter;
          this.accepted++;
          const h: FrameHeader = { ...f.header };
          delete h.encrypt;
          plain = encodeFrame(h, o.body);
        }
      }
      if (plain) out.push(plain);
      else if (reason) {
        this.rejected[reason]++;
        refuse(f.header, reason);
      }
    }
    return concat(out);
  }

  refusals(): number {
    return this.rejected.unsealed + this.rejected.short + this.rejected["bad-mac"] + this.rejected["old-counter"];
  }
}
