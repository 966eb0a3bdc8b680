import { describe, expect, it } from "vitest";
import { crc32 } from "../../firmware/core/crc";
import { RETAINED_VERSION, decodeRetained, encodeRetained, loadRetained, saveRetained } from "../../firmware/store/retained-state";
import { SimRetained } from "../../sim/devices/retained-sim";
import { SimSettings } from "../../sim/devices/settings-sim";

const STATE = { boots: 3, faults: 0, last: { lat: -33.5, name: "冷链 ✓ 🚚" }, list: [1, 2, null], flag: true };

describe("retained state", () => {
  it("round-trips a JSON object including non-ASCII text", () => {
    expect(decodeRetained(encodeRetained(STATE))).toEqual(STATE);
  });

  it("lays out version, length, UTF-8 text and CRC-32", () => {
    const b = encodeRetained({ a: 1 });
    expect(b[0]).toBe(RETAINED_VERSION);
    expect((b[1] << 24) | (b[2] << 16) | (b[3] << 8) | b[4]).toBe(7);
    expect(String.fromCharCode(...b.subarray(5, 12))).toBe('{"a":1}');
    const crc = ((b[12] << 24) | (b[13] << 16) | (b[14] << 8) | b[15]) >>> 0;
    expect(crc).toBe(crc32(b, 0, 12));
  });

  it("ignores bytes after the CRC (a binding may return the whole RTC area)", () => {
    const b = encodeRetained(STATE);
    const area = new Uint8Array(4096).fill(0xa5);
    area.set(b);
    expect(decodeRetained(area)).toEqual(STATE);
  });

  it("answers undefined for nothing, any truncation, any flipped bit and another version", () => {
    expect(decodeRetained(undefined)).toBeUndefined();
    const b = encodeRetained(STATE);
    for (let n = 0; n < b.length; n++) expect(decodeRetained(b.subarray(0, n))).toBeUndefined();
    for (let i = 0; i < b.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const c = b.slice();
        c[i] ^= 1 << bit;
        expect(decodeRetained(c)).toBeUndefined();
      }
    }
    const other = b.slice();
    other[0] = RETAINED_VERSION + 1;
    const w = crc32(other, 0, other.length - 4);
    other.set([w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255], other.length - 4);
    expect(decodeRetained(other)).toBeUndefined();
  });

  it("saves through the port when it fits and returns an error value when it does not", () => {
    const rtc = new SimRetained(64);
    expect(saveRetained(rtc, { a: 1 })).toEqual({ ok: true, size: 16 });
    expect(loadRetained(rtc)).toEqual({ a: 1 });
    const big = { text: "x".repeat(100) };
    expect(saveRetained(rtc, big)).toEqual({ ok: false, error: "too-large", size: 9 + 111, capacity: 64 });
    expect(loadRetained(rtc)).toEqual({ a: 1 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(saveRetained(rtc, cyclic)).toEqual({ ok: false, error: "not-serialisable", size: 0, capacity: 64 });
    expect(saveRetained(rtc, undefined)).toMatchObject({ ok: false, error: "not-serialisable" });
  });

  it("SimRetained survives until wiped and refuses more than its capacity", () => {
    const rtc = new SimRetained();
    expect(rtc.capacity).toBe(4096);
    expect(rtc.load()).toBeUndefined();
    rtc.save(encodeRetained(STATE));
    expect(decodeRetained(rtc.load())).toEqual(STATE);
    rtc.wipe();
    expect(rtc.load()).toBeUndefined();
    expect(() => rtc.save(new Uint8Array(4097))).toThrow(/exceeds/);
  });

  it("SimSettings keeps values and throws on keys or values NVS cannot hold", () => {
    const s = new SimSettings({ temp_log_s: "300" });
    expect(s.get("temp_log_s")).toBe("300");
    s.set("server", "10.0.0.1");
    s.remove("temp_log_s");
    expect(s.get("temp_log_s")).toBeUndefined();
    expect(s.entries()).toEqual([["server", "10.0.0.1"]]);
    expect(() => s.set("a_key_of_16_chrs", "x")).toThrow(/1\.\.15/);
    expect(() => s.set("", "x")).toThrow(/1\.\.15/);
    expect(() => s.set("bands", "y".repeat(4001))).toThrow(/4000/);
    s.set("bands", "y".repeat(4000));
    expect(s.get("bands")!.length).toBe(4000);
  });
});
