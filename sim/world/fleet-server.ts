/**
 * The simulated fleet platform, behaving like Traccar: 0x8001 to 0x0200/0x0704/0x0002/0x0102/0x0001, 0x8100 with
 * an auth code to 0x0100. It keeps every record it received (deduped by the vendor item's record sequence, with
 * the time of first delivery), sends the trace's queued downlinks right after the device's next uplink (again on
 * uplinks a minute or more later until the device answers, at most 3 times), and keeps a transcript and the order
 * in which records arrived by either route (copies included), which the store alone cannot tell. Several frames in
 * one datagram are read in order and each answered in its own datagram; with requireAuth it refuses locations from
 * a terminal that has not authenticated. With a key store it opens sealed frames and seals what it sends
 * (platform-security.ts); a refused frame is neither read nor answered.
 */
import { fromHex } from "../../firmware/core/bytes";
import { parseFrame, splitFrames } from "../../firmware/protocol/frame";
import type { Edition, FrameHeader } from "../../firmware/protocol/frame";
import { decodeBatch, decodeLocation } from "../../firmware/protocol/location";
import type { LocationBody } from "../../firmware/protocol/location";
import {
  CONTROL_RESET,
  MSG,
  decodeAuth,
  decodeGeneralResponse,
  encodeAlarmAck,
  encodeControl,
  encodeGeneralResponse,
  encodeRegisterReply,
} from "../../firmware/protocol/messages";
import { decodeParamsReply, encodeItems, encodeQueryIds, encodeValue } from "../../firmware/protocol/params";
import { paramById } from "../../firmware/config/param-ids";
import type { ParamItem } from "../../firmware/protocol/params";
import { locationToRecord } from "../../firmware/protocol/record-location";
import { Reassembler } from "../../firmware/protocol/subpackage";
import type { RecordKind, TrackRecord } from "../../firmware/store/track-record";
import { FleetAreas } from "./fleet-areas";
import { bodyJson } from "../report/jt808-report";
import type { DatagramServer } from "./network";
import type { Downlink } from "./trace-types";
import { type PlatformKeyStore, PlatformSecurity } from "./platform-security";

export type Route = "jt808" | "rdss";

export interface StoredRecord {
  rec: TrackRecord;
  firstAtMs: number;
  via: Route;
  copies: number;
}

/** One record reaching the platform; copy 1 is the first delivery, 2 and up are duplicates. */
export interface Arrival {
  atMs: number;
  seq: number;
  kind: RecordKind;
  via: Route;
  copy: number;
}

export interface TranscriptEntry {
  atMs: number;
  dir: "up" | "down";
  msgId: number;
  serial: number;
  body: unknown;
}

interface PendingDownlink {
  d: Downlink;
  serial?: number;
  deliveries: number;
  lastAtMs: number;
  answered: boolean;
}

const MAX_DELIVERIES = 3;
/** The device's answers are uplinks too: a downlink is sent again only on a later contact. */
const REDELIVER_AFTER_MS = 60_000;

export class FleetServer implements DatagramServer {
  readonly counters = {
    datagrams: 0, bytesUp: 0, bytesDown: 0, frames: 0, badFrames: 0, badBcc: 0, badLength: 0, junkBytes: 0,
    points: 0, livePoints: 0, duplicates: 0, foreignPoints: 0, authFailures: 0, unauthenticated: 0, downlinksSent: 0, downlinkAnswers: 0,
  };
  readonly transcript: TranscriptEntry[] = [];
  /** Every record delivery in arrival order, by either route. */
  readonly arrivals: Arrival[] = [];
  /** 0x0001 results the device gave to our downlinks, by downlink message id. */
  readonly answers: { atMs: number; replyId: number; result: number }[] = [];
  /** The platform areas the terminal holds, from its answers to the area commands. */
  readonly areas = new FleetAreas();
  /** Every frame as it crossed the air, escaped, with its time: uplinks received, downlinks sent. */
  readonly wire: { atMs: number; dir: "up" | "down"; bytes: Uint8Array }[] = [];
  /** Parameters reported in 0x0104, by id text. */
  readonly reportedParams: ParamItem[] = [];
  private readonly store = new Map<number, StoredRecord>();
  private readonly pending: PendingDownlink[] = [];
  private readonly reasm = new Reassembler(8, 256); // the platform joins whatever the terminal sends
  private serial = 0;
  private phone = "";
  private edition: Edition = 2019;
  private now = 0;

  /** Device keys: opens sealed uplinks, seals downlinks, counts what it refuses. */
  readonly security: PlatformSecurity;
  /** Terminals whose last authentication passed (requireAuth only). */
  private readonly authed = new Set<string>();

  /**
   * `requireAuth` makes the platform strict, as JT/T 808 platforms other than Traccar are: locations from a terminal
   * that has not passed authentication are answered with failure (1) and not stored.
   */
  constructor(downlinks: readonly Downlink[] = [], private readonly opts: { requireAuth?: boolean; keys?: PlatformKeyStore } = {}) {
    for (const d of downlinks) this.queueDownlink(d);
    this.security = new PlatformSecurity(opts.keys);
  }

  queueDownlink(d: Downlink): void {
    this.pending.push({ d, deliveries: 0, lastAtMs: -Infinity, answered: false });
  }

  /** Every record received, in sequence order. */
  records(): StoredRecord[] {
    return [...this.store.values()].sort((a, b) => a.rec.seq - b.rec.seq);
  }

  record(seq: number): StoredRecord | undefined {
    return this.store.get(seq);
  }

  /** A record that came another way (the short-message path); deduped with the rest. */
  acceptRecord(rec: TrackRecord, atMs: number, via: Route): void {
    const have = this.store.get(rec.seq);
    this.arrivals.push({ atMs, seq: rec.seq, kind: rec.kind, via, copy: have ? have.copies + 1 : 1 });
    if (have) {
      have.copies++;
      this.counters.duplicates++;
      return;
    }
    this.store.set(rec.seq, { rec, firstAtMs: atMs, via, copies: 1 });
    this.counters.points++;
  }

  receive(bytes: Uint8Array, atMs: number): Uint8Array[] {
    this.counters.datagrams++;
    this.counters.bytesUp += bytes.length;
    this.now = atMs;
    const out: Uint8Array[] = [];
    const { frames, junk } = splitFrames(bytes);
    this.counters.junkBytes += junk;
    let uplinks = 0;
    for (const raw of frames) {
      this.wire.push({ atMs, dir: "up", bytes: raw });
      const r = parseFrame(raw);
      if ("error" in r) {
        this.counters.badFrames++;
        continue;
      }
      this.counters.frames++;
      if (!r.frame.bccOk) {
        this.counters.badBcc++;
        continue;
      }
      if (!r.frame.lenOk) this.counters.badLength++;
      const opened = this.security.open(r.frame);
      if (typeof opened === "string") continue; // counted there; nothing in it is read or answered
      const f = opened;
      this.phone = f.header.phone;
      this.edition = f.header.edition;
      uplinks++;
      // each packet of a sub-packaged message is acknowledged on its own serial
      if (f.header.packet) out.push(this.ack(f.header, 0));
      const msg = this.reasm.add(f);
      if (msg) this.handle(msg.header, msg.body, atMs, out, !f.header.packet);
    }
    if (uplinks > 0) this.deliverDownlinks(atMs, out);
    for (const f of out) {
      this.wire.push({ atMs, dir: "down", bytes: f });
      this.counters.bytesDown += f.length;
    }
    return out;
  }

  private handle(h: FrameHeader, body: Uint8Array, atMs: number, out: Uint8Array[], ackIt: boolean): void {
    this.transcript.push({ atMs, dir: "up", msgId: h.msgId, serial: h.serial, body: bodyJson(h.msgId, h.edition, body) });
    const reply = (result: number): void => {
      if (ackIt) out.push(this.ack(h, result));
    };
    const records = h.msgId === MSG.location || h.msgId === MSG.batch;
    if (records && this.opts.requireAuth && !this.authed.has(h.phone)) {
      this.counters.unauthenticated++;
      return reply(1);
    }
    switch (h.msgId) {
      case MSG.register:
        this.authed.delete(h.phone);
        out.push(this.frame(MSG.registerReply, encodeRegisterReply({ replySerial: h.serial, result: 0, authCode: authCodeFor(h.phone) })));
        return;
      case MSG.auth: {
        const a = decodeAuth(body, h.edition);
        const ok = !!a && sameBytes(a.code, authCodeFor(h.phone));
        if (!ok) this.counters.authFailures++;
        if (ok) this.authed.add(h.phone);
        else this.authed.delete(h.phone);
        return reply(ok ? 0 : 1);
      }
      case MSG.location: {
        const b = decodeLocation(body);
        if (b) this.storeLocation(b, atMs);
        return reply(b ? 0 : 2);
      }
      case MSG.batch: {
        const b = decodeBatch(body);
        if (b) for (const x of b.bodies) {
          const l = decodeLocation(x);
          if (l) this.storeLocation(l, atMs);
        }
        return reply(b ? 0 : 2);
      }
      case MSG.heartbeat:
        return reply(0);
      case MSG.terminalAck: {
        const a = decodeGeneralResponse(body);
        if (a) {
          this.answers.push({ atMs, replyId: a.replyId, result: a.result });
          this.areas.answer(a.replySerial, a.replyId, a.result, atMs);
          this.answered(a.replySerial);
        }
        return reply(0);
      }
      case MSG.locationReply: {
        const b = body.length > 2 ? decodeLocation(body.subarray(2)) : undefined;
        if (!b) return;
        this.storeLocation(b, atMs);
        this.answered((body[0] << 8) | body[1]);
        return;
      }
      case MSG.paramsReply: {
        const r = decodeParamsReply(body);
        if (!r) return;
        this.answered(r.replySerial);
        this.reportedParams.length = 0;
        this.reportedParams.push(...r.items);
        return;
      }
      default:
        return; // Traccar stays silent on what it does not know
    }
  }

  private storeLocation(b: LocationBody, atMs: number): void {
    const rec = locationToRecord(b);
    if (!rec) {
      this.counters.foreignPoints++;
      return;
    }
    // seq 0 is the device's state right now (the answer to 0x8201), never a logged record: nothing to dedupe
    if (rec.seq === 0) {
      this.counters.livePoints++;
      return;
    }
    this.acceptRecord(rec, atMs, "jt808");
  }

  private answered(serial: number): void {
    for (const p of this.pending) {
      if (p.serial !== serial || p.answered) continue;
      p.answered = true;
      this.counters.downlinkAnswers++;
    }
  }

  private deliverDownlinks(atMs: number, out: Uint8Array[]): void {
    for (const p of this.pending) {
      if (p.answered || p.deliveries >= MAX_DELIVERIES || p.d.t * 1000 > atMs) continue;
      if (atMs - p.lastAtMs < REDELIVER_AFTER_MS) continue;
      const f = this.downlinkFrame(p.d);
      if (!f) {
        p.answered = true; // nothing sendable (bad raw hex): never retried
        continue;
      }
      p.serial = f.serial;
      p.deliveries++;
      p.lastAtMs = atMs;
      if (p.d.message === "raw") p.answered = true; // unknown expectations: sent once
      this.counters.downlinksSent++;
      out.push(f.bytes);
    }
  }

  private downlinkFrame(d: Downlink): { serial: number; bytes: Uint8Array } | undefined {
    switch (d.message) {
      case "set-params": {
        const items: ParamItem[] = [];
        for (const k of Object.keys(d.params ?? {})) {
          const id = Number(k);
          const v = (d.params ?? {})[k];
          const spec = paramById(id);
          const type = spec ? spec.type : typeof v === "number" ? "u32" : "string";
          items.push({ id, value: encodeValue(type, typeof v === "number" && spec ? v * spec.scale : v) });
        }
        return this.frameWithSerial(MSG.setParams, encodeItems(items));
      }
      case "query-params":
        return d.ids && d.ids.length
          ? this.frameWithSerial(MSG.querySomeParams, encodeQueryIds(d.ids.map(Number)))
          : this.frameWithSerial(MSG.queryParams, new Uint8Array(0));
      case "query-location":
        return this.frameWithSerial(MSG.queryLocation, new Uint8Array(0));
      case "reset":
        return this.frameWithSerial(MSG.control, encodeControl({ command: CONTROL_RESET, params: "" }));
      case "ack-alarms":
        // serial 0 with every type bit: acknowledge all alarms the device holds
        return this.frameWithSerial(MSG.ackAlarm, encodeAlarmAck({ serial: 0, mask: 0xffffffff }));
      case "set-areas":
      case "delete-areas": {
        const m = this.areas.message(d.area!, this.edition);
        const f = this.frameWithSerial(m.msgId, m.body);
        this.areas.noteSent(f.serial, m.msgId, d.area!);
        return f;
      }
      case "raw": {
        // sent exactly as given, never sealed: what anyone on the path could send (a provisioned device refuses it)
        const b = d.hex ? fromHex(d.hex.replace(/\s/g, "")) : undefined;
        if (!b) return undefined;
        const r = parseFrame(b);
        return { serial: "frame" in r ? r.frame.header.serial : -1, bytes: b };
      }
    }
  }

  private frameWithSerial(msgId: number, body: Uint8Array): { serial: number; bytes: Uint8Array } {
    const serial = this.serial;
    return { serial, bytes: this.frame(msgId, body) };
  }

  private frame(msgId: number, body: Uint8Array): Uint8Array {
    const h: FrameHeader = { msgId, edition: this.edition, protoVersion: 1, phone: this.phone, serial: this.serial };
    this.serial = (this.serial + 1) & 0xffff;
    this.transcript.push({ atMs: this.now, dir: "down", msgId, serial: h.serial, body: bodyJson(msgId, h.edition, body) });
    return this.security.frame(h, body);
  }

  private ack(h: FrameHeader, result: number): Uint8Array {
    return this.frame(MSG.platformAck, encodeGeneralResponse({ replySerial: h.serial, replyId: h.msgId, result }));
  }
}

/** Traccar's choice: the auth code is the terminal's own id (leading zeros dropped). */
export function authCodeFor(phone: string): Uint8Array {
  const s = phone.replace(/^0+(?=.)/, "");
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
