/**
 * BCD fields of JT/T 808: the terminal phone number (6 bytes in 2013, 10 in 2019) and the location time
 * (YYMMDDhhmmss in GMT+8, the standard's fixed zone whatever the truck's location).
 */
import { toHex } from "../core/bytes";

const GMT8_MS = 8 * 3600 * 1000;

/** Digits to BCD of `size` bytes, left-padded with zeros (a longer number keeps its last digits). */
export function bcdEncode(digits: string, size: number): Uint8Array {
  const want = size * 2;
  let d = digits.replace(/[^0-9]/g, "");
  d = d.length >= want ? d.slice(d.length - want) : "0".repeat(want - d.length) + d;
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = ((d.charCodeAt(2 * i) - 48) << 4) | (d.charCodeAt(2 * i + 1) - 48);
  return out;
}

/** BCD to digits. Nibbles above 9 come out as hex letters, so a bad field still round-trips. */
export function bcdDecode(bytes: Uint8Array): string {
  return toHex(bytes);
}

/** UTC ms to the 6-byte BCD time in GMT+8. */
export function timeToBcd(utcMs: number): Uint8Array {
  const d = new Date(utcMs + GMT8_MS);
  const two = (n: number): string => (n < 10 ? "0" : "") + n;
  const text =
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds());
  return bcdEncode(text, 6);
}

/**
 * The 6-byte BCD time (GMT+8) to UTC ms, years 2000-2099. Undefined when a digit is not decimal or a field is out
 * of range (all zeros = time unknown).
 */
export function bcdToTime(bcd: Uint8Array): number | undefined {
  const s = bcdDecode(bcd);
  if (s.length !== 12 || !/^[0-9]{12}$/.test(s)) return undefined;
  const f = [0, 2, 4, 6, 8, 10].map((i) => Number(s.slice(i, i + 2)));
  const [yy, mo, dd, hh, mi, ss] = f;
  if (mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return undefined;
  return Date.UTC(2000 + yy, mo - 1, dd, hh, mi, ss) - GMT8_MS;
}
