/** The NB-IoT link's messages, options and the state it hands the app to keep across deep sleep. */
import type { Clock, Log, Serial } from "../../hal/ports";
import type { ModemName } from "./models/model-types";

export type LinkDownReason = "no-coverage" | "no-sim" | "timeout" | "modem-reset";
export type LinkFailReason = "not-registered" | "rejected" | "not-confirmed" | "timeout" | "modem-reset" | "too-long";

export type LinkEvent =
  | { readonly type: "link-up" }
  | { readonly type: "link-sent"; readonly id: number }
  | { readonly type: "link-failed"; readonly id: number; readonly reason: LinkFailReason }
  | { readonly type: "link-down"; readonly reason: LinkDownReason }
  | { readonly type: "link-rx"; readonly bytes: Uint8Array }
  | { readonly type: "link-idle" };

/** Small JSON the app keeps in retained memory between wakes; absent after a power cut. */
export interface LinkSnapshot {
  readonly v: 1;
  readonly model?: ModemName;
  /** The modem was left registered and configured (in PSM or about to enter it). */
  readonly registered: boolean;
  readonly socket?: number;
  readonly psm: boolean;
  /** Consecutive failed wakes/commands; past a limit the link power-cycles the modem first thing. */
  readonly failures: number;
  readonly seq: number;
  readonly imei?: string;
  readonly iccid?: string;
  /**
   * How long registration has taken here lately (ms, the slowest recent wait, decaying): a search for a network
   * that is there needs about this long, which bounds what a search for one that is not should cost.
   */
  readonly attachMs?: number;
}

export interface LinkInfo {
  imei?: string;
  iccid?: string;
  /** CSQ scale 0..31. */
  rssi?: number;
  registered: boolean;
  /** Coverage enhancement level 0..2 when the model reports it. */
  coverage?: number;
  /** See LinkSnapshot.attachMs. */
  attachMs?: number;
}

export interface LinkTimings {
  /** After switching the modem on, before the first AT. */
  bootMs: number;
  /** Longest wait for registration before giving up for this wake. */
  registerMs: number;
  /** Poll of AT+CEREG? while waiting (a missed URC must not cost the whole wait). */
  registerPollMs: number;
  /** Longest wait for +NSOSTR after the modem took a datagram. */
  confirmMs: number;
  /** Receive window after a send that expects a reply. */
  replyMs: number;
  /** Modem off this long in a power cycle. */
  offMs: number;
}

export const DEFAULT_TIMINGS: Readonly<LinkTimings> = Object.freeze({
  bootMs: 3000,
  registerMs: 120000,
  registerPollMs: 10000,
  confirmMs: 40000,
  replyMs: 10000,
  offMs: 1000,
});

export interface NbLinkOptions {
  serial: Serial;
  clock: Clock;
  log: Log;
  /** A model name, or "detect" to ask the modem (AT+CGMM). */
  model: ModemName | "detect";
  server: { ip: string; port: number };
  /** Resolved timers (see choosePsmTimers); edrx from the `edrx` setting while on truck power. */
  psm: { tauS: number; activeS: number; edrx?: boolean };
  state?: LinkSnapshot;
  onEvent: (ev: LinkEvent) => void;
  timings?: Partial<LinkTimings>;
  /** UDP source port; 0 lets the modem choose. */
  localPort?: number;
}

export interface LinkCounters {
  sent: number;
  failed: number;
  received: number;
  resets: number; // power cycles the link did
  reboots: number; // reboots the modem did on its own
  rejected: number; // URCs or answers that did not parse
}
