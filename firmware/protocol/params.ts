/**
 * Remote parameters on the wire: 0x8103 items to validated configuration changes, 0x0104 answers, 0x8106 queries.
 * Which id means which setting is the configuration layer's map (firmware/config/param-ids.ts). 0x8103 is
 * all-or-nothing: one unknown id, bad length or out-of-range value rejects the whole message and nothing is applied.
 */
import { Reader, Writer, ascii, fromAscii } from "../core/bytes";
import { validate } from "../config/config";
import type { Config } from "../config/config";
import { PARAMS, paramById, paramIdText, type ParamSpec, type WireType } from "../config/param-ids";

export interface ParamItem {
  id: number;
  value: Uint8Array;
}

function uint(value: Uint8Array): number {
  let n = 0;
  for (const b of value) n = n * 256 + b;
  return n;
}

/** Wire bytes for a value of a known type (numbers are clamped to the type; strings are Latin-1). */
export function encodeValue(type: WireType, v: number | string): Uint8Array {
  if (type === "string") return ascii(String(v));
  const n = Math.max(0, Math.round(Number(v)));
  if (type === "u8") return Uint8Array.of(Math.min(n, 0xff));
  if (type === "u16") return new Writer().u16(Math.min(n, 0xffff)).done();
  return new Writer().u32(Math.min(n, 0xffffffff)).done();
}

/** Items of 0x8103 / 0x0104: {id u32, len u8, value}. */
export function encodeItems(items: readonly ParamItem[]): Uint8Array {
  const w = new Writer().u8(items.length);
  for (const it of items) w.u32(it.id).u8(it.value.length).bytes(it.value);
  return w.done();
}

/** Undefined when the count and the items do not fill the body exactly. */
export function decodeItems(body: Uint8Array, start = 0): ParamItem[] | undefined {
  const r = new Reader(body, start);
  const n = r.u8();
  const items: ParamItem[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.u32();
    const len = r.u8();
    if (!r.ok || len > r.left) return undefined;
    items.push({ id, value: r.bytes(len) });
  }
  return r.ok && r.left === 0 ? items : undefined;
}

/** 0x8103 body -> validated config changes, or why the whole message is refused. */
export function decodeSetParams(body: Uint8Array): { changes: Partial<Config> } | { error: string } {
  const items = decodeItems(body);
  if (!items) return { error: "malformed parameter list" };
  const raw: Record<string, number | string> = {};
  for (const it of items) {
    const spec = paramById(it.id);
    if (!spec) return { error: `unknown parameter ${paramIdText(it.id)}` };
    if (spec.type === "string") raw[spec.key] = fromAscii(it.value);
    else if (it.value.length === 1 || it.value.length === 2 || it.value.length === 4) {
      // platforms send DWORDs for everything; any whole unsigned width is read
      raw[spec.key] = uint(it.value) / spec.scale;
    } else return { error: `parameter ${paramIdText(it.id)}: length ${it.value.length}` };
  }
  const v = validate(raw);
  if ("error" in v) return { error: v.error };
  return { changes: v.ok };
}

/** Items answering a query: every parameter, or the ids asked for (unknown ids and values too long are left out). */
export function configItems(config: Config, ids?: readonly number[]): ParamItem[] {
  const specs = ids ? ids.map(paramById).filter((s): s is ParamSpec => s !== undefined) : PARAMS;
  const out: ParamItem[] = [];
  for (const s of specs) {
    const v = config[s.key];
    const value = encodeValue(s.type, typeof v === "number" ? v * s.scale : v);
    if (value.length <= 255) out.push({ id: s.id, value });
  }
  return out;
}

/** 0x0104: reply serial + items. */
export function encodeParamsReply(replySerial: number, items: readonly ParamItem[]): Uint8Array {
  return new Writer().u16(replySerial).bytes(encodeItems(items)).done();
}

export function decodeParamsReply(body: Uint8Array): { replySerial: number; items: ParamItem[] } | undefined {
  if (body.length < 3) return undefined;
  const items = decodeItems(body, 2);
  return items ? { replySerial: (body[0] << 8) | body[1], items } : undefined;
}

/** 0x8106 body: count u8 + ids u32. */
export function encodeQueryIds(ids: readonly number[]): Uint8Array {
  const w = new Writer().u8(ids.length);
  for (const id of ids) w.u32(id);
  return w.done();
}

export function decodeQueryIds(body: Uint8Array): number[] | undefined {
  const r = new Reader(body);
  const n = r.u8();
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(r.u32());
  return r.ok && r.left === 0 ? ids : undefined;
}

/** A readable value of an item: by the table's type when the id is ours, else number for 1/2/4 bytes or hex. */
export function itemValue(it: ParamItem): number | string {
  const spec = paramById(it.id);
  if (spec?.type === "string") return fromAscii(it.value);
  if (spec) return uint(it.value) / spec.scale;
  if (it.value.length === 1 || it.value.length === 2 || it.value.length === 4) return uint(it.value);
  let s = "";
  for (const b of it.value) s += (b < 16 ? "0" : "") + b.toString(16);
  return s;
}
