/**
 * Message ids and the small fixed-layout bodies: general responses, registration, authentication, terminal
 * control and alarm acknowledgement. Decoders return undefined for a body that does not fit its layout.
 */
import { Reader, Writer, ascii, fromAscii } from "../core/bytes";
import type { Edition } from "./frame";

export const MSG = Object.freeze({
  terminalAck: 0x0001,
  heartbeat: 0x0002,
  register: 0x0100,
  auth: 0x0102,
  paramsReply: 0x0104,
  location: 0x0200,
  locationReply: 0x0201,
  batch: 0x0704,
  platformAck: 0x8001,
  registerReply: 0x8100,
  setParams: 0x8103,
  queryParams: 0x8104,
  control: 0x8105,
  querySomeParams: 0x8106,
  queryLocation: 0x8201,
  ackAlarm: 0x8203,
});

/** General response results: 0 ok, 1 failure, 2 bad message, 3 unsupported, 4 alarm acknowledged (0x8001). */
export type AckResult = 0 | 1 | 2 | 3 | 4;

export interface GeneralResponse {
  replySerial: number;
  replyId: number;
  result: number;
}

export function encodeGeneralResponse(r: GeneralResponse): Uint8Array {
  return new Writer().u16(r.replySerial).u16(r.replyId).u8(r.result).done();
}

export function decodeGeneralResponse(body: Uint8Array): GeneralResponse | undefined {
  if (body.length !== 5) return undefined;
  const r = new Reader(body);
  return { replySerial: r.u16(), replyId: r.u16(), result: r.u8() };
}

/** 0x0100. Text fields are Latin-1 with trailing NUL padding; the plate is GBK bytes kept as they are. */
export interface Registration {
  province: number;
  city: number;
  maker: string;
  model: string;
  terminalId: string;
  plateColor: number;
  plate: Uint8Array;
}

/** Field sizes: maker, model, terminal id. 2011 is what some 2013 terminals still send (model of 8 bytes). */
type Layout = "2011" | "2013" | "2019";
const SIZES: Readonly<Record<Layout, readonly [number, number, number]>> = Object.freeze({
  "2011": Object.freeze([5, 8, 7] as const),
  "2013": Object.freeze([5, 20, 7] as const),
  "2019": Object.freeze([11, 30, 30] as const),
});

function layoutFor(edition: Edition, bodyLength: number): Layout {
  if (edition === 2019) return "2019";
  return bodyLength < 2 + 2 + 5 + 20 + 7 + 1 ? "2011" : "2013";
}

function text(r: Reader, size: number): string {
  const b = r.bytes(size);
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  return fromAscii(b, 0, end);
}

export function encodeRegistration(g: Registration, edition: Edition, layout: Layout = edition === 2019 ? "2019" : "2013"): Uint8Array {
  const [m, mo, id] = SIZES[layout];
  return new Writer()
    .u16(g.province)
    .u16(g.city)
    .fixed(ascii(g.maker), m)
    .fixed(ascii(g.model), mo)
    .fixed(ascii(g.terminalId), id)
    .u8(g.plateColor)
    .bytes(g.plate)
    .done();
}

export function decodeRegistration(body: Uint8Array, edition: Edition): { reg: Registration; layout: Layout } | undefined {
  const layout = layoutFor(edition, body.length);
  const [m, mo, id] = SIZES[layout];
  if (body.length < 4 + m + mo + id + 1) return undefined;
  const r = new Reader(body);
  const reg: Registration = {
    province: r.u16(),
    city: r.u16(),
    maker: text(r, m),
    model: text(r, mo),
    terminalId: text(r, id),
    plateColor: r.u8(),
    plate: r.rest(),
  };
  return { reg, layout };
}

/** 0x8100: result 0 ok (auth code follows), 1 vehicle registered, 2 no vehicle, 3 terminal registered, 4 no terminal. */
export interface RegisterReply {
  replySerial: number;
  result: number;
  authCode: Uint8Array;
}

export function encodeRegisterReply(r: RegisterReply): Uint8Array {
  const w = new Writer().u16(r.replySerial).u8(r.result);
  if (r.result === 0) w.bytes(r.authCode);
  return w.done();
}

export function decodeRegisterReply(body: Uint8Array): RegisterReply | undefined {
  if (body.length < 3) return undefined;
  const r = new Reader(body);
  return { replySerial: r.u16(), result: r.u8(), authCode: r.rest() };
}

/** 0x0102. 2013: the code alone. 2019: length-prefixed code, IMEI (15 B) and software version (20 B). */
export interface Auth {
  code: Uint8Array;
  imei: string;
  software: string;
}

export function encodeAuth(a: Auth, edition: Edition): Uint8Array {
  if (edition === 2013) return a.code.slice();
  return new Writer()
    .u8(a.code.length)
    .bytes(a.code)
    .fixed(ascii(a.imei), 15)
    .fixed(ascii(a.software), 20)
    .done();
}

export function decodeAuth(body: Uint8Array, edition: Edition): Auth | undefined {
  if (edition === 2013) return { code: body.slice(), imei: "", software: "" };
  const r = new Reader(body);
  const code = r.bytes(r.u8());
  const imei = text(r, 15);
  const software = text(r, 20);
  return r.ok ? { code, imei, software } : undefined;
}

/** 0x8105 terminal control: command word (4 = terminal reset) and its parameter text. */
export interface Control {
  command: number;
  params: string;
}

export const CONTROL_RESET = 4;

export function encodeControl(c: Control): Uint8Array {
  return new Writer().u8(c.command).bytes(ascii(c.params)).done();
}

export function decodeControl(body: Uint8Array): Control | undefined {
  if (body.length < 1) return undefined;
  return { command: body[0], params: fromAscii(body, 1) };
}

/** 0x8203 manual alarm acknowledgement: the alarm message serial (0 = every alarm of the types) and type bits. */
export interface AlarmAck {
  serial: number;
  mask: number;
}

export function encodeAlarmAck(a: AlarmAck): Uint8Array {
  return new Writer().u16(a.serial).u32(a.mask).done();
}

export function decodeAlarmAck(body: Uint8Array): AlarmAck | undefined {
  if (body.length !== 6) return undefined;
  const r = new Reader(body);
  return { serial: r.u16(), mask: r.u32() };
}
