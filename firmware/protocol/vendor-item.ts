/**
 * The product's vendor additional item (id 0xE7) in every location body: what the standard items cannot carry.
 * Layout, big-endian (documented for platform integrators in the report/README):
 *
 *   u8   layout version (1)
 *   u32  record sequence number (the platform dedupes by it: retransmissions and backfills repeat it)
 *   u8   record kind: 0 position, 1 temperature, 2 alarm, 3 door, 4 trip, 5 heartbeat
 *   u8   flags: bit0 door open, bit1 truck power, bit2 ACC on, bit3 wall time unknown, bit4 alarm detail follows
 *   u16  battery mV
 *   u16  fix age in s (time of the record minus time of the fix; 0xFFFF no fix, 0xFFFE 65534 s or older)
 *   u8   probe count N, then N x s16 temperatures in 0.1 °C, two's complement, 0x8000 = no reading
 *   alarm detail (when flag bit4), 14 bytes:
 *     u8 code (1 temp-high, 2 temp-low, 3 probe-fault, 4 door-open-long, 5 door-open-moving, 6 battery-low,
 *        7 power-lost, 8 gnss-fault, 9 antenna-open, 10 antenna-short, 11 area-enter, 12 area-exit,
 *        13 area-dwell, 14 area-speed; the area itself is in standard item 0x12 / 0x11)
 *     u8 flags: bit0 raised (0 = cleared)
 *     u8 probe index (0xFF none), u8 band index (0xFF none)
 *     s16 extreme in 0.1 °C (0x8000 none)
 *     u32 start, UTC seconds (0 unknown)
 *     u32 duration in s (0xFFFFFFFF unknown)
 */
import { Reader, Writer } from "../core/bytes";
import { ALARM_CODES, RECORD_KINDS as KIND_CODES, type AlarmDetail, type RecordKind } from "../store/track-record";

export const VENDOR_ITEM_ID = 0xe7;
export const VENDOR_LAYOUT = 1;

/** Wire codes: a kind's index, an alarm code's index + 1 (0 stays invalid so a zeroed field is caught). */
export { ALARM_CODES, RECORD_KINDS as KIND_CODES } from "../store/track-record";

export interface VendorData {
  seq: number;
  kind: RecordKind;
  doorOpen: boolean;
  external: boolean;
  acc: boolean;
  wallTimeUnknown: boolean;
  batteryMv: number;
  /** undefined = no fix */
  fixAgeS?: number;
  temps: (number | null)[];
  detail?: AlarmDetail;
}

const NONE16 = 0x8000;

function s16(v: number | null | undefined): number {
  if (v === null || v === undefined || !Number.isFinite(v)) return NONE16;
  return Math.max(-32767, Math.min(32767, Math.round(v))) & 0xffff;
}

function fromS16(u: number): number | null {
  return u === NONE16 ? null : u >= 0x8000 ? u - 0x10000 : u;
}

export function encodeVendor(v: VendorData): Uint8Array {
  const d = v.detail;
  const flags =
    (v.doorOpen ? 1 : 0) | (v.external ? 2 : 0) | (v.acc ? 4 : 0) | (v.wallTimeUnknown ? 8 : 0) | (d ? 16 : 0);
  const age = v.fixAgeS === undefined ? 0xffff : Math.min(0xfffe, Math.max(0, Math.round(v.fixAgeS)));
  const w = new Writer()
    .u8(VENDOR_LAYOUT)
    .u32(v.seq)
    .u8(Math.max(0, KIND_CODES.indexOf(v.kind)))
    .u8(flags)
    .u16(Math.max(0, Math.min(0xffff, Math.round(v.batteryMv))))
    .u16(age)
    .u8(Math.min(v.temps.length, 100));
  for (let i = 0; i < Math.min(v.temps.length, 100); i++) w.u16(s16(v.temps[i]));
  if (d) {
    w.u8(ALARM_CODES.indexOf(d.code) + 1)
      .u8(d.raised ? 1 : 0)
      .u8(d.probe === undefined ? 0xff : d.probe)
      .u8(d.band === undefined ? 0xff : d.band)
      .u16(s16(d.extreme))
      .u32(d.startUtc === undefined ? 0 : Math.floor(d.startUtc / 1000))
      .u32(d.durationS === undefined ? 0xffffffff : Math.round(d.durationS));
  }
  return w.done();
}

/** Undefined when the item is not our layout or is cut short. */
export function decodeVendor(value: Uint8Array): VendorData | undefined {
  const r = new Reader(value);
  if (r.u8() !== VENDOR_LAYOUT) return undefined;
  const seq = r.u32();
  const kind = KIND_CODES[r.u8()];
  const flags = r.u8();
  const batteryMv = r.u16();
  const age = r.u16();
  const n = r.u8();
  const temps: (number | null)[] = [];
  for (let i = 0; i < n; i++) temps.push(fromS16(r.u16()));
  const v: VendorData = {
    seq,
    kind,
    doorOpen: (flags & 1) !== 0,
    external: (flags & 2) !== 0,
    acc: (flags & 4) !== 0,
    wallTimeUnknown: (flags & 8) !== 0,
    batteryMv,
    temps,
  };
  if (age !== 0xffff) v.fixAgeS = age;
  if (flags & 16) {
    const code = ALARM_CODES[r.u8() - 1];
    const raised = (r.u8() & 1) !== 0;
    const probe = r.u8();
    const band = r.u8();
    const extreme = fromS16(r.u16());
    const start = r.u32();
    const duration = r.u32();
    if (!code) return undefined;
    const d: AlarmDetail = { code, raised };
    if (probe !== 0xff) d.probe = probe;
    if (band !== 0xff) d.band = band;
    if (extreme !== null) d.extreme = extreme;
    if (start !== 0) d.startUtc = start * 1000;
    if (duration !== 0xffffffff) d.durationS = duration;
    v.detail = d;
  }
  if (!r.ok || !kind) return undefined;
  return v;
}
