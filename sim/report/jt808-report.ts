/**
 * Human-readable JSON for JT/T 808 frames: the line `tracker jt808 decode <hex>` prints, and the bodies the
 * fleet server keeps in its transcript. Platform-free.
 */
import { DOWN, SEALED_LZ4, UP, isSealed, openFrame, sealCounter } from "../../firmware/protocol/frame-seal";
import { deriveKeys } from "../../firmware/security/keys";
import { simCrypto } from "../devices/crypto-sim";
import { fromAscii, fromHex, toHex } from "../../firmware/core/bytes";
import { parseContent, unescapeFrame } from "../../firmware/protocol/frame";
import type { Edition, Frame } from "../../firmware/protocol/frame";
import { decodeBatch, decodeLocation, latitude, longitude } from "../../firmware/protocol/location";
import type { LocationBody } from "../../firmware/protocol/location";
import {
  MSG,
  decodeAlarmAck,
  decodeAuth,
  decodeControl,
  decodeGeneralResponse,
  decodeRegisterReply,
  decodeRegistration,
} from "../../firmware/protocol/messages";
import { decodeItems, decodeParamsReply, decodeQueryIds, itemValue } from "../../firmware/protocol/params";
import { paramIdText } from "../../firmware/config/param-ids";
import type { ParamItem } from "../../firmware/protocol/params";
import { ITEM, carriageTempFromWire } from "../../firmware/protocol/record-location";
import { VENDOR_ITEM_ID, decodeVendor } from "../../firmware/protocol/vendor-item";
import { areaBodyJson, areaItemJson } from "./area-json";

type Json = string | number | boolean | null | Json[] | { [k: string]: Json | undefined };
type Obj = { [k: string]: Json | undefined };

const hex16 = (n: number): string => paramIdText(n);
const hex8 = (n: number): string => "0x" + (n < 16 ? "0" : "") + n.toString(16).toUpperCase();

function u(b: Uint8Array): number {
  let n = 0;
  for (const x of b) n = n * 256 + x;
  return n;
}

/** BCD GMT+8 time as ISO 8601 with the +08:00 offset; the raw digits when they are not a date. */
export function bcdTimeText(bcd: Uint8Array): string {
  const s = toHex(bcd);
  if (!/^[0-9]{12}$/.test(s)) return s;
  return `20${s.slice(0, 2)}-${s.slice(2, 4)}-${s.slice(4, 6)}T${s.slice(6, 8)}:${s.slice(8, 10)}:${s.slice(10, 12)}+08:00`;
}

function itemJson(id: number, v: Uint8Array): Json {
  if (id === ITEM.mileage && v.length === 4) return { mileage_km: u(v) / 10 };
  if (id === ITEM.carriageTemp && v.length === 2) return { carriage_temp_c: carriageTempFromWire(u(v)) };
  if (id === ITEM.rssi && v.length === 1) return { rssi: v[0] };
  if (id === ITEM.satellites && v.length === 1) return { satellites: v[0] };
  const area = areaItemJson(id, v);
  if (area) return area;
  if (id === VENDOR_ITEM_ID) {
    const d = decodeVendor(v);
    if (d) {
      const o: Obj = {
        seq: d.seq, kind: d.kind, door_open: d.doorOpen, external_power: d.external, acc: d.acc,
        battery_mv: d.batteryMv, fix_age_s: d.fixAgeS ?? null,
        temps_c: d.temps.map((t) => (t === null ? null : t / 10)),
      };
      if (d.wallTimeUnknown) o.wall_time_unknown = true;
      if (d.detail) {
        const a = d.detail;
        o.alarm = {
          code: a.code, raised: a.raised, probe: a.probe, band: a.band,
          extreme_c: a.extreme === undefined ? undefined : a.extreme / 10,
          start: a.startUtc === undefined ? undefined : new Date(a.startUtc).toISOString(),
          duration_s: a.durationS,
        };
      }
      return o;
    }
  }
  return toHex(v);
}

export function locationJson(b: LocationBody): Obj {
  const items: Obj = {};
  for (const it of b.items) {
    let key = hex8(it.id);
    for (let k = 2; items[key] !== undefined; k++) key = `${hex8(it.id)}#${k}`;
    items[key] = itemJson(it.id, it.value);
  }
  const o: Obj = {
    alarm: b.alarm, status: b.status, lat: latitude(b), lon: longitude(b), altitude: b.altitude,
    speed: b.speed10 / 10, direction: b.direction, time: bcdTimeText(b.time), items,
  };
  if (b.trailing.length) o.trailing = toHex(b.trailing);
  return o;
}

function paramsJson(items: ParamItem[]): Obj {
  const o: Obj = {};
  for (const it of items) o[hex16(it.id)] = itemValue(it);
  return o;
}

/** A message body as JSON; { hex } for ids without a decoder, { error, hex } for a body that does not fit. */
export function bodyJson(msgId: number, edition: Edition, body: Uint8Array): Obj {
  const bad = (): Obj => ({ error: "body does not fit the message layout", hex: toHex(body) });
  switch (msgId) {
    case MSG.terminalAck:
    case MSG.platformAck: {
      const a = decodeGeneralResponse(body);
      return a ? { replySerial: a.replySerial, replyId: hex16(a.replyId), result: a.result } : bad();
    }
    case MSG.heartbeat:
    case MSG.queryParams:
    case MSG.queryLocation:
      return body.length ? { hex: toHex(body) } : {};
    case MSG.register: {
      const r = decodeRegistration(body, edition);
      if (!r) return bad();
      const g = r.reg;
      return { province: g.province, city: g.city, maker: g.maker, model: g.model, terminalId: g.terminalId, plateColor: g.plateColor, plate: toHex(g.plate) };
    }
    case MSG.registerReply: {
      const r = decodeRegisterReply(body);
      return r ? { replySerial: r.replySerial, result: r.result, authCode: fromAscii(r.authCode) } : bad();
    }
    case MSG.auth: {
      const a = decodeAuth(body, edition);
      if (!a) return bad();
      return edition === 2013 ? { code: fromAscii(a.code) } : { code: fromAscii(a.code), imei: a.imei, software: a.software };
    }
    case MSG.location: {
      const b = decodeLocation(body);
      return b ? locationJson(b) : bad();
    }
    case MSG.locationReply: {
      const b = body.length > 2 ? decodeLocation(body.subarray(2)) : undefined;
      return b ? { replySerial: (body[0] << 8) | body[1], ...locationJson(b) } : bad();
    }
    case MSG.batch: {
      const b = decodeBatch(body);
      if (!b) return bad();
      const items = b.bodies.map((x): Json => {
        const l = decodeLocation(x);
        return l ? locationJson(l) : { hex: toHex(x) };
      });
      const o: Obj = { type: b.type, items };
      if (b.missing) o.missing = b.missing;
      return o;
    }
    case MSG.setParams: {
      const items = decodeItems(body);
      return items ? { params: paramsJson(items) } : bad();
    }
    case MSG.paramsReply: {
      const r = decodeParamsReply(body);
      return r ? { replySerial: r.replySerial, params: paramsJson(r.items) } : bad();
    }
    case MSG.querySomeParams: {
      const ids = decodeQueryIds(body);
      return ids ? { ids: ids.map(hex16) } : bad();
    }
    case MSG.control: {
      const c = decodeControl(body);
      return c ? { command: c.command, params: c.params } : bad();
    }
    case MSG.ackAlarm: {
      const a = decodeAlarmAck(body);
      return a ? { serial: a.serial, mask: a.mask } : bad();
    }
    default:
      return areaBodyJson(msgId, edition, body) ?? { hex: toHex(body) };
  }
}

/** The report line for one decoded frame. */
/** A sealed body: opened with the terminal's keys (derived from `rootKey`) when given, else said to be encrypted. */
function sealedJson(f: Frame, rootKey: Uint8Array | undefined): Obj {
  const counter = sealCounter(f);
  if (!rootKey) return { encrypted: `AES-128-CCM (encryption field ${f.header.encrypt}${f.header.encrypt === SEALED_LZ4 ? ", LZ4 inside" : ""}): pass --key with the device's root key to read it`, counter: counter ?? null };
  const keys = deriveKeys(simCrypto, rootKey, f.header.phone);
  for (const [dir, key, name] of [[UP, keys.uplink, "uplink"], [DOWN, keys.downlink, "downlink"]] as const) {
    const o = openFrame(simCrypto, key, dir, f);
    if ("body" in o) return { sealed: name, counter: o.counter, ...(bodyJson(f.header.msgId, f.header.edition, o.body) as Obj) };
  }
  return { error: "sealed body does not open with this key (wrong key or tampered)", counter: counter ?? null };
}

export function frameJson(f: Frame, rootKey?: Uint8Array): Obj {
  const h = f.header;
  const o: Obj = {
    msgId: hex16(h.msgId),
    version: h.edition,
    phone: h.phone.replace(/^0+(?=.)/, ""),
    serial: h.serial,
    bccOk: f.bccOk,
  };
  if (!f.lenOk) o.lengthOk = false;
  if (f.editionGuessed) o.editionFlag = h.edition === 2019 ? 2013 : 2019;
  if (h.packet) {
    o.packet = { total: h.packet.total, index: h.packet.index };
    o.body = { hex: toHex(f.body) };
  } else o.body = isSealed(h.encrypt) ? sealedJson(f, rootKey) : bodyJson(h.msgId, h.edition, f.body);
  return o;
}

function better(a: Frame, b: Frame): Frame {
  const score = (f: Frame): number => (f.bccOk ? 2 : 0) + (f.lenOk ? 1 : 0);
  return score(b) > score(a) ? b : a;
}

/**
 * Decodes one frame given as hex (spaces allowed), escaped as on the wire or already un-escaped, with or without
 * the 7E delimiters; bytes before the first 7E are skipped.
 */
export function decodeReport(hexText: string, rootKey?: Uint8Array): string {
  const bytes = fromHex(hexText.replace(/[\s:]/g, ""));
  if (!bytes) return JSON.stringify({ error: "not hex" });
  let start = bytes.indexOf(0x7e);
  let end = bytes.length;
  if (start < 0) start = 0;
  else {
    start++;
    if (bytes[end - 1] === 0x7e && end - 1 >= start) end--;
  }
  const inner = bytes.subarray(start, end);
  // a 7E inside means the text was never escaped; otherwise try it both ways and keep the one that checks
  const asWire = inner.indexOf(0x7e) < 0 ? parseContent(unescapeFrame(inner).content) : undefined;
  const asRaw = parseContent(inner);
  let frame: Frame | undefined;
  if (asWire && "frame" in asWire) frame = asWire.frame;
  if ("frame" in asRaw) frame = frame ? better(frame, asRaw.frame) : asRaw.frame;
  if (!frame) {
    const err = asWire && "error" in asWire ? asWire.error : "error" in asRaw ? asRaw.error : "bad frame";
    return JSON.stringify({ error: `bad frame: ${err}` });
  }
  return JSON.stringify(frameJson(frame, rootKey));
}
