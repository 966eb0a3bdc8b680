import { describe, expect, it } from "vitest";
import { PowerCutError, SimFlash } from "../../sim/devices/flash-sim";
import { Rng } from "../../sim/world/rng";

describe("SimFlash", () => {
  it("starts erased, ANDs writes and erases a page back to 0xFF", () => {
    const f = new SimFlash(16, 2);
    expect(Array.from(f.read(0, 4))).toEqual([255, 255, 255, 255]);
    f.write(1, Uint8Array.from([0x0f, 0xf0]));
    f.write(1, Uint8Array.from([0xf3, 0xff])); // a 0→1 change is not possible: applied as AND
    expect(Array.from(f.read(0, 4))).toEqual([0xff, 0x03, 0xf0, 0xff]);
    f.erase(0);
    expect(Array.from(f.read(0, 4))).toEqual([255, 255, 255, 255]);
    expect(f.erasesPerPage[0]).toBe(1);
    expect(f.bytesWritten).toBe(4);
    expect(() => f.read(30, 4)).toThrow(RangeError);
    expect(() => f.erase(2)).toThrow(RangeError);
  });

  it("cuts a write part-way: prefix done, the byte at the cut partly programmed, then dead until powerOn", () => {
    const rng = new Rng(3);
    for (let t = 0; t < 200; t++) {
      const f = new SimFlash(16, 1);
      f.armCut(2, rng);
      expect(() => f.write(4, new Uint8Array(6))).toThrow(PowerCutError);
      const b = f.read.bind(f);
      expect(() => b(0, 1)).toThrow(PowerCutError);
      f.powerOn();
      const d = f.read(0, 16);
      expect(Array.from(d.subarray(4, 6))).toEqual([0, 0]);
      expect(d[6]).not.toBe(0); // a strict subset of the bits: never the whole byte
      expect(Array.from(d.subarray(7, 16)).every((x) => x === 0xff)).toBe(true);
    }
  });

  it("counts the cut budget across operations and cuts an erase part-way", () => {
    const rng = new Rng(5);
    const f = new SimFlash(32, 2);
    f.write(32, new Uint8Array(32));
    f.armCut(4 + 32 + 10, rng);
    f.write(0, new Uint8Array(4));
    f.erase(0);
    expect(f.armed).toBe(true);
    expect(() => f.erase(1)).toThrow(/erase/);
    f.powerOn();
    const d = f.read(32, 32);
    expect(Array.from(d.subarray(0, 10)).every((x) => x === 0xff)).toBe(true);
    expect(d[10]).not.toBe(0xff);
    expect(Array.from(d.subarray(11)).every((x) => x === 0)).toBe(true);
    expect(f.cuts).toBe(1);
    expect(f.armed).toBe(false);
  });

  it("clones the whole partition", () => {
    const f = new SimFlash(8, 2);
    f.write(3, Uint8Array.from([1]));
    const g = f.clone();
    g.write(4, Uint8Array.from([2]));
    expect(f.read(4, 1)[0]).toBe(0xff);
    expect(g.read(3, 2)).toEqual(Uint8Array.from([1, 2]));
  });
});
