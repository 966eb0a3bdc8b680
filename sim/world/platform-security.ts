/**
 * The fleet platform's side of the device keys: it holds each terminal's root key (as the platform's key store
 * would, loaded from the factory's provisioning records), opens sealed uplink frames with the uplink key, rejects
 * unsealed frames from a terminal that has a key, replays (a counter not above the last accepted) and bad MACs,
 * and seals everything it sends with the downlink key under its own per-terminal counter. A platform without a
 * terminal's key rejects its sealed frames (the encryption bits say the body is not plain JT/T 808).
 */
import type { Crypto } from "../../hal/ports";
import type { Frame, FrameHeader } from "../../firmware/protocol/frame";
import { encodeFrame } from "../../firmware/protocol/frame";
import { DOWN, UP, isSealed, openFrame, sealCounter, sealFrame } from "../../firmware/protocol/frame-seal";
import { type DeviceKeys, deriveKeys } from "../../firmware/security/keys";
import { openReport, signCommand } from "../../firmware/rdss/short-message-auth";

export type UplinkRejection = "no-key" | "unsealed" | "bad-mac" | "bad-body" | "replay";
export type ShortMessageRejection = "no-key" | "short" | "bad-mac" | "replay";

export interface PlatformKeyStore {
  crypto: Crypto;
  /** The terminal's root key, or undefined when the platform has none for it. */
  rootKey(phone: string): Uint8Array | undefined;
}

export class PlatformSecurity {
  readonly rejected: Record<UplinkRejection, number> = { "no-key": 0, unsealed: 0, "bad-mac": 0, "bad-body": 0, replay: 0 };
  readonly smsRejected: Record<ShortMessageRejection, number> = { "no-key": 0, short: 0, "bad-mac": 0, replay: 0 };
  opened = 0;
  private readonly lastSms = new Map<string, number>();
  private smsCounter = 0;
  private readonly keys = new Map<string, DeviceKeys | null>();
  private readonly lastUp = new Map<string, number>();
  private readonly downCounter = new Map<string, number>();

  constructor(private readonly store: PlatformKeyStore | undefined) {}

  private keysFor(phone: string): DeviceKeys | undefined {
    if (!this.store) return undefined;
    let k = this.keys.get(phone);
    if (k === undefined) {
      const root = this.store.rootKey(phone);
      k = root ? deriveKeys(this.store.crypto, root, phone) : null;
      this.keys.set(phone, k);
    }
    return k ?? undefined;
  }

  /** The plain frame, or the reason it is refused (counted). */
  open(f: Frame): Frame | UplinkRejection {
    const keys = this.keysFor(f.header.phone);
    const sealed = isSealed(f.header.encrypt);
    if (!keys) return sealed ? this.refuse("no-key") : f;
    if (!sealed) return this.refuse("unsealed");
    const ctr = sealCounter(f);
    if (ctr === undefined) return this.refuse("bad-mac");
    if (ctr <= (this.lastUp.get(f.header.phone) ?? 0)) return this.refuse("replay");
    const o = openFrame(this.store!.crypto, keys.uplink, UP, f);
    if ("refused" in o) return this.refuse(o.refused === "bad-body" ? "bad-body" : "bad-mac");
    this.lastUp.set(f.header.phone, o.counter);
    this.opened++;
    const header: FrameHeader = { ...f.header };
    delete header.encrypt;
    return { ...f, header, body: o.body };
  }

  /** A downlink frame as it goes on the wire: sealed when the platform holds the terminal's key. */
  frame(h: FrameHeader, body: Uint8Array): Uint8Array {
    const keys = this.keysFor(h.phone);
    if (!keys) return encodeFrame(h, body);
    const ctr = (this.downCounter.get(h.phone) ?? 0) + 1;
    this.downCounter.set(h.phone, ctr);
    return sealFrame(this.store!.crypto, keys.downlink, DOWN, ctr, h, body);
  }

  /** A short-message report from `phone` (the terminal id the card is registered to): its compact payload, or why not. */
  openReport(phone: string, bytes: Uint8Array): { payload: Uint8Array } | { error: ShortMessageRejection } {
    const keys = this.keysFor(phone);
    if (!keys) return this.refuseSms("no-key");
    const r = openReport(this.store!.crypto, keys.sms, this.lastSms.get(phone) ?? 0, bytes);
    if ("error" in r) return this.refuseSms(r.error);
    this.lastSms.set(phone, r.counter);
    return { payload: r.payload };
  }

  /** A `SET ...` command for the terminal, signed under the centre's next counter. */
  signCommand(phone: string, command: string): string {
    const keys = this.keysFor(phone);
    return keys ? signCommand(this.store!.crypto, keys.sms, ++this.smsCounter, command) : command;
  }

  /** The downlink key and the next counter, for tests that forge or replay. */
  downlinkKey(phone: string): Uint8Array | undefined {
    return this.keysFor(phone)?.downlink;
  }

  refusals(): number {
    return this.rejected["no-key"] + this.rejected.unsealed + this.rejected["bad-mac"] + this.rejected.replay;
  }

  private refuseSms(r: ShortMessageRejection): { error: ShortMessageRejection } {
    this.smsRejected[r]++;
    return { error: r };
  }

  private refuse(r: UplinkRejection): UplinkRejection {
    this.rejected[r]++;
    return r;
  }
}
