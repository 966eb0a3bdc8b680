/**
 * The snapshot the app keeps in RTC memory across deep sleep: a version byte, the length of the JSON text, the
 * text as UTF-8 and a CRC-32 over all of it. RTC memory is lost on a power cut and may hold anything after a
 * firmware update, so decoding answers undefined on any mismatch and the app starts fresh.
 *
 *   u8 version | u32 length | JSON text (UTF-8, length bytes) | u32 CRC-32 of everything before it
 *
 * Bytes past the CRC are ignored: a device binding may hand back the whole RTC area.
 */
import type { Retained } from "../../hal/ports";
import { Reader, Writer, fromUtf8, utf8 } from "../core/bytes";
import { crc32 } from "../core/crc";

/** Bumped when the meaning of the saved object changes: an older snapshot is then discarded, not misread. */
export const RETAINED_VERSION = 1;
const OVERHEAD = 1 + 4 + 4;

/**
 * Encodes a JSON-serialisable object. An object JSON cannot represent (a cycle, a BigInt, a bare undefined or
 * function) is a programming error and throws; saveRetained() turns that into an error value.
 */
export function encodeRetained(obj: unknown): Uint8Array {
  const text = JSON.stringify(obj);
  if (typeof text !== "string") throw new TypeError("retained state must be JSON-serialisable");
  const body = utf8(text);
  const w = new Writer().u8(RETAINED_VERSION).u32(body.length).bytes(body);
  const head = w.done();
  return w.u32(crc32(head)).done();
}

/** The saved object, or undefined when there is none, or it is torn, corrupt or of another version. */
export function decodeRetained(bytes: Uint8Array | undefined): unknown | undefined {
  if (!bytes || bytes.length < OVERHEAD) return undefined;
  const r = new Reader(bytes);
  if (r.u8() !== RETAINED_VERSION) return undefined;
  const n = r.u32();
  if (n > bytes.length - OVERHEAD) return undefined;
  const end = 5 + n;
  const crc = new Reader(bytes, end).u32();
  if (crc !== crc32(bytes, 0, end)) return undefined;
  try {
    return JSON.parse(fromUtf8(bytes.subarray(5, end)));
  } catch {
    return undefined;
  }
}

export type RetainedSave =
  | { ok: true; size: number }
  | { ok: false; error: "too-large"; size: number; capacity: number }
  | { ok: false; error: "not-serialisable"; size: 0; capacity: number };

/** Encodes and saves when it fits; otherwise leaves the previous snapshot in place and says why. Never throws. */
export function saveRetained(retained: Retained, obj: unknown): RetainedSave {
  let bytes: Uint8Array;
  try {
    bytes = encodeRetained(obj);
  } catch {
    return { ok: false, error: "not-serialisable", size: 0, capacity: retained.capacity };
  }
  if (bytes.length > retained.capacity) {
    return { ok: false, error: "too-large", size: bytes.length, capacity: retained.capacity };
  }
  retained.save(bytes);
  return { ok: true, size: bytes.length };
}

/** The saved object (see decodeRetained). */
export function loadRetained(retained: Retained): unknown | undefined {
  return decodeRetained(retained.load());
}
