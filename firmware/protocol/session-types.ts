/** The types an app needs to drive an UplinkSession (see uplink-session.ts). */
import type { Clock } from "../../hal/ports";
import type { Config } from "../config/config";
import type { TrackRecord } from "../store/track-record";
import type { Area } from "../config/area";
import type { DownlinkAction } from "./downlink";
import type { DownlinkGuard } from "./downlink-guard";
import type { Registration } from "./messages";
import type { DatagramLink } from "./outbox";

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
  /**
   * The session itself reads proto, ack_timeout_s, ack_retries and heartbeat_s; it carries every setting because
   * the platform's parameter queries (0x8104, 0x8106) are answered with them.
   */
  config: Config;
  identity: Identity;
  emit(ev: SessionEvent): void;
  current(): TrackRecord | undefined;
  /** The platform areas held now (for 0x8600-0x8605); without it those messages are unsupported. */
  areas?(): readonly Area[];
  /** With keys: every downlink must pass it (downlink-guard.ts) before it is read. */
  guard?: DownlinkGuard;
  /** Messages awaiting an ack at once while sending records (default 4). */
  window?: number;
}
