/**
 * The nonce counter never repeats across boots, deep sleeps and power cuts (it reserves ahead in NVS), and the
 * record log keeps nothing readable on flash: a board read out without its key shows no position, and a record
 * sealed under another key or moved to another place does not open.
 */
import { describe, expect, it } from "vitest";
import { NonceCounter } from "../../firmware/security/nonce-counter";
import { StorageSealer } from "../../firmware/security/record-sealer";
import { encodeRecord } from "../../firmware/store/record-codec";
import { RecordLog } from "../../firmware/store/record-log";
import { simCrypto } from "../../sim/devices/crypto-sim";
import { SimFlash } from "../../sim/devices/flash-sim";
import { SimSettings } from "../../sim/devices/settings-sim";
import { makeRecord, testSealer } from "../store/records";

describe("nonce counter", () => {
  it("never hands out a value twice, whatever a boot leaves unused, and writes NVS once per block", () => {
    const nvs = new SimSettings();
    const seen = new Set<number>();
    let last = 0;
    for (let boot = 0; boot < 50; boot++) {
      const c = new NonceCounter(nvs, "up_ctr", 8); // RAM is gone at every boot: only NVS carries over
      const draws = (boot * 7) % 20;
      for (let i = 0; i < draws; i++) {
        const v = c.next()!;
        expect(seen.has(v)).toBe(false);
        expect(v).toBeGreaterThan(last);
        seen.add(v);
        last = v;
      }
      expect(c.reservations).toBe(Math.ceil(draws / 8));
    }
  });
  it("refuses at the end of the 32-bit range instead of wrapping", () => {
    const c = new NonceCounter(new SimSettings({ up_ctr: String(0xffffffff - 1) }), "up_ctr");
    expect(c.next()).toBe(0xffffffff);
    expect(c.next()).toBeUndefined();
  });
});

describe("records at rest", () => {
  it("leave no plaintext body on flash, and read back whole", () => {
    const flash = new SimFlash(1024, 4);
    const log = RecordLog.open(flash, undefined, undefined, testSealer());
    const rec = makeRecord(3, "alarm");
    const seq = log.append(rec);
    const plain = encodeRecord(rec);
    const image = flash.read(0, 1024);
    const probe = plain.subarray(2, 14); // fixed fields after the two clear bytes (flags, times)
    let found = false;
    for (let i = 0; i + probe.length <= image.length && !found; i++) found = probe.every((b, j) => image[i + j] === b);
    expect(found).toBe(false);
    expect(RecordLog.open(flash, undefined, undefined, testSealer()).peek(5)).toEqual([{ seq, ...rec }]);
  });
  it("under another key: refused and counted as corrupt, never decoded into a wrong record", () => {
    const flash = new SimFlash(1024, 4);
    RecordLog.open(flash, undefined, undefined, testSealer()).append(makeRecord(1));
    const other = new StorageSealer(simCrypto, new Uint8Array(16).fill(9));
    const log = RecordLog.open(flash, undefined, undefined, other);
    expect(log.peek(5)).toEqual([]);
    expect(log.stats().corrupt).toBe(1);
  });
  it("bound to seq and place: the same bytes do not open as another seq or at another offset", () => {
    const s = testSealer();
    const body = encodeRecord(makeRecord(2));
    const sealed = s.seal(body, 10, 3, 20);
    expect(s.open(sealed, 10, 3, 20)).toEqual(body);
    expect(s.open(sealed, 11, 3, 20)).toBeUndefined();
    expect(s.open(sealed, 10, 4, 20)).toBeUndefined();
    expect(s.open(sealed, 10, 3, 32)).toBeUndefined();
  });
});
