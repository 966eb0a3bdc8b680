/**
 * Authentication of short messages, both ways, with the sms key (firmware/security/keys.ts) and a truncated
 * HMAC-SHA-256: 32 bits.
 *
 * Why 32 bits: a BDS-2 level-3 card carries 628 bits per message, and a full alarm report already takes ~470 of
 * them; a 32-bit tag plus a 32-bit counter (64 bits) still fits. A forger gets one guess per satellite message,
 * each paid for with a send the card only allows once per service interval (60 s on the fleet's cards): at that
 * rate 2^31 guesses take ~4,000 years, and every failed guess is counted.
 *
 * Report (terminal → centre): compact payload | u32 counter | 4-byte tag over "RDSS-UP" | counter | payload. The
 * counter is the uplink nonce counter (never repeats); the centre keeps the last one accepted and refuses a replay.
 * Command (centre → terminal): `SET key=value ... n=<counter> m=<8 hex digits>`, the tag over "SET" | counter |
 * the command before " n="; the terminal refuses a counter at or below the last it accepted (kept in NVS).
 */
import type { Crypto } from "../../hal/ports";
import { ascii, concat, toHex } from "../core/bytes";
import { sameBytes } from "../security/ccm";

export const SMS_TAG_BYTES = 4;
/** Bits a signed report adds to the compact payload. */
export const REPORT_AUTH_BITS = 8 * (4 + SMS_TAG_BYTES);

function u32(v: number): Uint8Array {
  return Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
}

function tag(c: Crypto, key: Uint8Array, label: string, counter: number, data: Uint8Array): Uint8Array {
  return c.hmacSha256(key, concat([ascii(label), u32(counter), data])).slice(0, SMS_TAG_BYTES);
}

export function signReport(c: Crypto, key: Uint8Array, counter: number, payload: Uint8Array): Uint8Array {
  return concat([payload, u32(counter), tag(c, key, "RDSS-UP", counter, payload)]);
}

export type ReportCheck = { payload: Uint8Array; counter: number } | { error: "short" | "bad-mac" | "replay" };

export function openReport(c: Crypto, key: Uint8Array, lastCounter: number, bytes: Uint8Array): ReportCheck {
  if (bytes.length < 1 + REPORT_AUTH_BITS / 8) return { error: "short" };
  const n = bytes.length - REPORT_AUTH_BITS / 8;
  const payload = bytes.subarray(0, n);
  const counter = ((bytes[n] << 24) | (bytes[n + 1] << 16) | (bytes[n + 2] << 8) | bytes[n + 3]) >>> 0;
  if (!sameBytes(tag(c, key, "RDSS-UP", counter, payload), bytes.subarray(n + 4), SMS_TAG_BYTES)) return { error: "bad-mac" };
  if (counter <= lastCounter) return { error: "replay" };
  return { payload: payload.slice(), counter };
}

export function signCommand(c: Crypto, key: Uint8Array, counter: number, command: string): string {
  return `${command} n=${counter} m=${toHex(tag(c, key, "SET", counter, ascii(command)))}`;
}

export type CommandCheck = { command: string; counter: number } | { error: "unsigned" | "bad-mac" | "old-counter" };

const SIGNED = /^([\s\S]*\S)\s+n=([0-9]{1,10})\s+m=([0-9A-Fa-f]{8})\s*$/;

export function verifyCommand(c: Crypto, key: Uint8Array, floor: number, text: string): CommandCheck {
  const m = SIGNED.exec(text.trim());
  const counter = m ? Number(m[2]) : NaN;
  if (!m || counter > 0xffffffff) return { error: "unsigned" };
  const want = toHex(tag(c, key, "SET", counter, ascii(m[1])));
  if (!sameBytes(ascii(want), ascii(m[3].toLowerCase()))) return { error: "bad-mac" };
  if (counter <= floor) return { error: "old-counter" };
  return { command: m[1], counter };
}
