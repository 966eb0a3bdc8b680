/**
 * What we send to each receiver model: CASIC text commands for the ATGM336H (AT6558), UBX frames for the
 * u-blox M10, and model detection from what a receiver says about itself. Constant tables are frozen; builders
 * are pure.
 */
import { ascii } from "../core/bytes";
import { nmeaLine } from "./nmea-sentence";

export type ReceiverModel = "atgm336h" | "ublox-m10";
export type RestartKind = "hot" | "warm" | "cold";

export function casic(body: string): Uint8Array {
  return ascii(nmeaLine(body));
}

/**
 * AT6558 setup: GPS+BDS, automotive dynamics, 2 Hz, and only the sentences a fix needs: GGA, GSA, RMC every
 * epoch, GSV every 10th (satellite SNRs for the no-signal abort, every 5 s), antenna TXT on; GLL, VTG, ZDA and
 * the rest off. Field order of $PCAS03: gga,gll,gsa,gsv,rmc,vtg,zda,ant,dhv,lps,,,utc,gst,,,,tim.
 *
 * 2 Hz ($PCAS02,500): a first fix comes out at the first navigation epoch after the receiver has it, so at 1 Hz
 * the receiver stays on half a second past its fix on average, at 2 Hz a quarter (about 9 mA s a fix). The
 * sentences fit the module's 9600 baud: GGA, two GSA and RMC are about 270 B an epoch, GSV about 420 B every 5 s,
 * some 620 B/s of the line's 960. Faster rates would not fit.
 */
export const CASIC_SETUP: readonly string[] = Object.freeze([
  "PCAS04,3",
  "PCAS03,1,0,1,10,1,0,0,1,0,0,,,0,0,,,,0",
  "PCAS11,3",
  "PCAS02,500",
]);

const CASIC_RESTART: Readonly<Record<RestartKind, string>> = Object.freeze({ hot: "PCAS10,0", warm: "PCAS10,1", cold: "PCAS10,2" });

export function casicRestart(kind: RestartKind): Uint8Array {
  return casic(CASIC_RESTART[kind]);
}

/** Timed standby; the receiver wakes by itself after `seconds` (kept within the field's 16 bits). */
export function casicStandby(seconds: number): Uint8Array {
  return casic(`PCAS12,${Math.max(1, Math.min(65535, Math.round(seconds)))}`);
}

/** Asks an AT6558 for its hardware info; it answers in $GPTXT (IC=...). */
export const CASIC_QUERY_HW = "PCAS06,1";

/** UBX frame: B5 62, class, id, length u16 LE, payload, Fletcher-8 over class..payload. */
export function ubx(cls: number, id: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const out = new Uint8Array(payload.length + 8);
  out[0] = 0xb5;
  out[1] = 0x62;
  out[2] = cls;
  out[3] = id;
  out[4] = payload.length & 0xff;
  out[5] = payload.length >> 8;
  out.set(payload, 6);
  let a = 0;
  let b = 0;
  for (let i = 2; i < out.length - 2; i++) {
    a = (a + out[i]) & 0xff;
    b = (b + a) & 0xff;
  }
  out[out.length - 2] = a;
  out[out.length - 1] = b;
  return out;
}

function u32le(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

export const UBX_RXM_PMREQ = Object.freeze({ cls: 0x02, id: 0x41 });
export const UBX_CFG_RST = Object.freeze({ cls: 0x06, id: 0x04 });
export const UBX_CFG_VALSET = Object.freeze({ cls: 0x06, id: 0x8a });
export const UBX_MON_VER = Object.freeze({ cls: 0x0a, id: 0x04 });

/**
 * UBX-RXM-PMREQ (16-byte form, interface description §UBX-RXM-PMREQ): version 0, 3 reserved, duration ms (0 = until
 * woken), flags bit 1 backup, wakeupSources bit 3 uartrx; the 8-byte form (no wake sources) is what ublox-rs sends.
 */
export function ubxBackup(durationMs: number): Uint8Array {
  const p = new Uint8Array(16);
  u32le(p, 4, Math.max(0, Math.min(0xffffffff, Math.round(durationMs))));
  u32le(p, 8, 0x02); // flags: backup
  u32le(p, 12, 0x08); // wakeupSources: uartrx
  return ubx(UBX_RXM_PMREQ.cls, UBX_RXM_PMREQ.id, p);
}

/** One 0xFF byte on RX wakes a u-blox from backup; the first bytes after it may be lost. */
export const UBX_WAKE = Object.freeze([0xff]);

const NAV_BBR: Readonly<Record<RestartKind, number>> = Object.freeze({ hot: 0x0000, warm: 0x0001, cold: 0xffff });

/** UBX-CFG-RST: controlled GNSS restart (resetMode 2) keeping or clearing the battery-backed data. */
export function ubxRestart(kind: RestartKind): Uint8Array {
  const p = new Uint8Array(4);
  p[0] = NAV_BBR[kind] & 0xff;
  p[1] = NAV_BBR[kind] >> 8;
  p[2] = 0x02;
  return ubx(UBX_CFG_RST.cls, UBX_CFG_RST.id, p);
}

/**
 * u-blox M10 keys (u-blox M10 SPG 5.10 Interface Description, UBX-21035062: CFG-MSGOUT-NMEA_ID_*_UART1 and
 * CFG-NAVSPG-DYNMODEL, dynamic model 4 = automotive): message rates on UART1 and the dynamic model. Checked against
 * the stored copies of SparkFun's u-blox_config_keys.h and the ublox-rs / PX4 key tables, which agree on all four
 * (one stored header gives GLL_UART1 as 0x209100CF, against every other source).
 */
export const UBX_KEYS = Object.freeze({
  msgGllUart1: 0x209100ca,
  msgVtgUart1: 0x209100b1,
  msgGsvUart1: 0x209100c5,
  dynModel: 0x20110021,
});

/** UBX-CFG-VALSET to RAM of one-byte keys. */
export function ubxValset(items: readonly (readonly [number, number])[]): Uint8Array {
  const p = new Uint8Array(4 + items.length * 5);
  p[1] = 0x01; // layers: RAM (the backup domain keeps it across backup mode)
  items.forEach(([key, value], i) => {
    u32le(p, 4 + i * 5, key);
    p[8 + i * 5] = value & 0xff;
  });
  return ubx(UBX_CFG_VALSET.cls, UBX_CFG_VALSET.id, p);
}

/** M10 setup: automotive dynamics (4), GLL and VTG off, GSV every 5th epoch. */
export function ubxSetup(): Uint8Array {
  return ubxValset([
    [UBX_KEYS.dynModel, 4],
    [UBX_KEYS.msgGllUart1, 0],
    [UBX_KEYS.msgVtgUart1, 0],
    [UBX_KEYS.msgGsvUart1, 5],
  ]);
}

/** The model a boot banner or info reply names, if any. */
export function modelFromText(text: string): ReceiverModel | undefined {
  if (/AT6558|MA=CASIC/i.test(text)) return "atgm336h";
  if (/u-blox|HW UBX/i.test(text)) return "ublox-m10";
  return undefined;
}
