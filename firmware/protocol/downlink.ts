/**
 * What the terminal does with a platform message other than acks and the registration reply: a pure function
 * from (message, configuration, current record) to the replies to send and the actions for the app. Nothing is
 * applied here: configuration changes go back to the app, which persists them for the next wake.
 */
import { Writer } from "../core/bytes";
import type { Area } from "../config/area";
import { applyAreaMessage } from "./area-downlink";
import { areaMessageType } from "./area-messages";
import { encodeLocation } from "./location";
import { CONTROL_RESET, MSG, decodeAlarmAck, decodeControl, encodeGeneralResponse } from "./messages";
import type { AckResult } from "./messages";
import { configItems, decodeQueryIds, decodeSetParams, encodeParamsReply } from "./params";
import { recordToLocation } from "./record-location";
import type { Config } from "../config/config";
import type { TrackRecord } from "../store/track-record";

export interface Reply {
  msgId: number;
  body: Uint8Array;
}

export type DownlinkAction =
  | { type: "config-change"; changes: Partial<Config> }
  | { type: "reset-request" }
  | { type: "ack-alarms"; serial: number; mask: number }
  | { type: "areas-change"; areas: Area[] };

export interface DownlinkOutcome {
  replies: Reply[];
  actions: DownlinkAction[];
  /** Why the message was refused (result 1-3), for the log. */
  refused?: string;
}

export interface DownlinkContext {
  config: Config;
  /** The newest record (for 0x8201); undefined when the app has none. */
  current(): TrackRecord | undefined;
  /** The areas held now (persisted ones, including changes earlier in this session); absent = no area support. */
  areas?(): readonly Area[];
}

function ack(serial: number, msgId: number, result: AckResult): Reply {
  return { msgId: MSG.terminalAck, body: encodeGeneralResponse({ replySerial: serial, replyId: msgId, result }) };
}

/** 0x8600-0x8605: the whole message applies or nothing does (area-downlink.ts). */
function handleArea(msgId: number, serial: number, body: Uint8Array, ctx: DownlinkContext): DownlinkOutcome {
  if (!ctx.areas) return { replies: [ack(serial, msgId, 3)], actions: [], refused: "areas not supported here" };
  const r = applyAreaMessage(msgId, body, ctx.config.proto === 2013 ? 2013 : 2019, ctx.areas());
  if (!r.ok) return { replies: [ack(serial, msgId, 2)], actions: [], refused: r.error };
  return { replies: [ack(serial, msgId, 0)], actions: [{ type: "areas-change", areas: r.areas }] };
}

/** 0x0001 result 2 for a message that is refused before it is read (a bad MAC, an old counter). */
export function refusal(serial: number, msgId: number): Reply {
  return ack(serial, msgId, 2);
}

export function handleDownlink(msgId: number, serial: number, body: Uint8Array, ctx: DownlinkContext): DownlinkOutcome {
  if (areaMessageType(msgId) !== undefined) return handleArea(msgId, serial, body, ctx);
  switch (msgId) {
    case MSG.setParams: {
      const r = decodeSetParams(body);
      if ("error" in r) return { replies: [ack(serial, msgId, 2)], actions: [], refused: r.error };
      return { replies: [ack(serial, msgId, 0)], actions: [{ type: "config-change", changes: r.changes }] };
    }
    case MSG.queryParams:
      return { replies: [{ msgId: MSG.paramsReply, body: encodeParamsReply(serial, configItems(ctx.config)) }], actions: [] };
    case MSG.querySomeParams: {
      const ids = decodeQueryIds(body);
      if (!ids) return { replies: [ack(serial, msgId, 2)], actions: [], refused: "malformed id list" };
      return { replies: [{ msgId: MSG.paramsReply, body: encodeParamsReply(serial, configItems(ctx.config, ids)) }], actions: [] };
    }
    case MSG.queryLocation: {
      const rec = ctx.current();
      if (!rec) return { replies: [ack(serial, msgId, 1)], actions: [], refused: "no record yet" };
      const out = new Writer().u16(serial).bytes(encodeLocation(recordToLocation(rec))).done();
      return { replies: [{ msgId: MSG.locationReply, body: out }], actions: [] };
    }
    case MSG.control: {
      const c = decodeControl(body);
      if (!c) return { replies: [ack(serial, msgId, 2)], actions: [], refused: "empty control" };
      if (c.command !== CONTROL_RESET) {
        return { replies: [ack(serial, msgId, 3)], actions: [], refused: `control command ${c.command}` };
      }
      return { replies: [ack(serial, msgId, 0)], actions: [{ type: "reset-request" }] };
    }
    case MSG.ackAlarm: {
      const a = decodeAlarmAck(body);
      if (!a) return { replies: [ack(serial, msgId, 2)], actions: [], refused: "malformed alarm ack" };
      return { replies: [ack(serial, msgId, 0)], actions: [{ type: "ack-alarms", serial: a.serial, mask: a.mask }] };
    }
    default:
      return { replies: [ack(serial, msgId, 3)], actions: [], refused: `unsupported message 0x${msgId.toString(16)}` };
  }
}
