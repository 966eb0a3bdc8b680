import { describe, expect, it } from "vitest";
import { crc8Maxim, crc8Sensirion } from "../../firmware/core/crc";
import { checkRom, decodeScratchpad, Ds18b20Bus } from "../../firmware/sensors/ds18b20";
import { ProbeReader, type ProbeFault, type ReadInfo } from "../../firmware/sensors/probe-reader";
import { decodeSht4x, sht4xCelsius, sht4xHumidity } from "../../firmware/sensors/sht4x";
import { SimI2C, SimOneWire } from "../../sim/devices/sensors-sim";
import type { Trace } from "../../sim/world/trace-types";
import { simRig } from "./helpers";

const sp = (...b: number[]) => Uint8Array.from(b);

describe("DS18B20 scratchpad", () => {
  it("decodes the datasheet's power-on scratchpad as a power-on fault, not 85 °C", () => {
    // DS18B20 datasheet, Table 1 power-up state: 50 05 4B 46 7F FF 0C 10, CRC 1C.
    const b = sp(0x50, 0x05, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0x1c);
    expect(crc8Maxim(b, 0, 8)).toBe(0x1c);
    expect(decodeScratchpad(b)).toEqual({ ok: false, fault: "power-on" });
  });

  it("decodes 12-bit temperatures from the datasheet's table", () => {
    // DS18B20 datasheet, Table 2: +25.0625 = 0x0191, −10.125 = 0xFF5E, −55 = 0xFC90, +0.5 = 0x0008.
    const cases: [number, number][] = [
      [0x0191, 25.0625],
      [0xff5e, -10.125],
      [0xfc90, -55],
      [0x0008, 0.5],
    ];
    for (const [raw, c] of cases) {
      const b = sp(raw & 0xff, raw >> 8, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0);
      b[8] = crc8Maxim(b, 0, 8);
      expect(decodeScratchpad(b)).toEqual({ ok: true, celsius: c, config: 0x7f });
    }
  });

  it("rejects all ones, all zeros, bad CRC and −127", () => {
    expect(decodeScratchpad(new Uint8Array(9).fill(0xff))).toEqual({ ok: false, fault: "open" });
    expect(decodeScratchpad(new Uint8Array(9))).toEqual({ ok: false, fault: "bus" });
    const b = sp(0x91, 0x01, 0x4b, 0x46, 0x7f, 0xff, 0x0f, 0x10, 0);
    b[8] = crc8Maxim(b, 0, 8) ^ 1;
    expect(decodeScratchpad(b)).toEqual({ ok: false, fault: "crc" });
    const m = sp(0x10, 0xf8, 0x4b, 0x46, 0x7f, 0xff, 0x0c, 0x10, 0);
    m[8] = crc8Maxim(m, 0, 8);
    expect(decodeScratchpad(m)).toEqual({ ok: false, fault: "range" });
  });

  it("checks ROM CRC and family", () => {
    // Maxim AN27 example ROM: 02 1C B8 01 00 00 00 A2 (family 0x02, CRC A2).
    expect(checkRom(sp(0x02, 0x1c, 0xb8, 0x01, 0, 0, 0, 0xa2))).toBe("family");
    const rom = sp(0x28, 0x1c, 0xb8, 0x01, 0, 0, 0, 0);
    rom[7] = crc8Maxim(rom, 0, 7);
    expect(checkRom(rom)).toBe("ok");
    rom[3] ^= 4;
    expect(checkRom(rom)).toBe("crc");
  });
});

describe("SHT4x", () => {
  it("CRC-8 of 0xBEEF is 0x92 (Sensirion datasheet example)", () => {
    expect(crc8Sensirion(sp(0xbe, 0xef))).toBe(0x92);
  });

  it("converts raw words by the datasheet formulas", () => {
    expect(sht4xCelsius(0)).toBe(-45);
    expect(sht4xCelsius(65535)).toBe(130);
    expect(sht4xCelsius(0x6666)).toBeCloseTo(-45 + (175 * 26214) / 65535, 9); // 25.0 °C
    expect(sht4xHumidity(0)).toBe(0); // −6 clipped
    expect(sht4xHumidity(65535)).toBe(100); // 119 clipped
    expect(sht4xHumidity(0x8000)).toBeCloseTo(-6 + (125 * 32768) / 65535, 9);
  });

  it("rejects a reply with a bad word CRC", () => {
    const good = sp(0xbe, 0xef, 0x92, 0x66, 0x66, 0);
    good[5] = crc8Sensirion(good, 3, 5);
    const r = decodeSht4x(good);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.celsius).toBeCloseTo(sht4xCelsius(0xbeef), 9);
    const bad = good.slice();
    bad[4] ^= 0x10;
    expect(decodeSht4x(bad)).toEqual({ ok: false, fault: "crc" });
  });
});

interface Got {
  temps: (number | null)[];
  faults: (ProbeFault | null)[];
  info: ReadInfo;
  at: number;
}

function rig(over: Partial<Trace> = {}, crcErrorRate = 0) {
  const r = simRig(over);
  const opts = { sched: r.sched, world: r.world, meter: r.meter, rng: r.rng, probes: r.probes, crcErrorRate };
  const ow = new SimOneWire(opts);
  const i2c = new SimI2C(opts);
  const got: Got[] = [];
  const make = (state?: ReturnType<ProbeReader["snapshot"]>) =>
    new ProbeReader({
      oneWire: ow,
      i2c,
      clock: r.clock,
      names: r.probes,
      state,
      onResult: (temps, faults, info) => got.push({ temps: temps.slice(), faults: faults.slice(), info, at: r.sched.now }),
    });
  return { ...r, ow, i2c, got, make };
}

describe("ProbeReader on the simulated bus", () => {
  it("finds the probes in config order, converts, sleeps 750 ms, and drops the power-on 85 °C", () => {
    const s = rig();
    const reader = s.make();
    s.sched.run(1000);
    expect(reader.start()).toBe(true);
    expect(reader.start()).toBe(false); // one reading at a time
    s.sched.run(10_000);
    expect(s.got).toHaveLength(1);
    const g = s.got[0];
    // First conversion after power-up left 85 °C: the reader converted once more, 750 ms later.
    expect(g.at).toBe(1000 + 1500);
    expect(g.faults).toEqual([null, null]);
    expect(g.temps[0]).toBeCloseTo(4.0, 0);
    expect(g.temps[1]).toBeCloseTo(-18.0, 0);
    expect(Math.abs(g.temps[0]! - 4.0)).toBeLessThan(0.3);
    expect((g.temps[0]! * 16) % 1).toBe(0); // 1/16 °C steps
    const snap = reader.snapshot();
    expect(snap.bind.front).toBe(Array.from(s.ow.devices[0].rom, (b) => b.toString(16).padStart(2, "0")).join(""));
    expect(snap.bind.rear).toBe(Array.from(s.ow.devices[1].rom, (b) => b.toString(16).padStart(2, "0")).join(""));
    // 2 probes × 2 conversions, charged as fixed charge of 1 mA × 0.75 s each.
    expect(s.meter.byComponent().probes).toBeCloseTo((4 * 0.75) / 3600, 9);
  });

  it("without the reconversion, 85 °C is reported as a fault and never as a reading", () => {
    const s = rig();
    const reader = new ProbeReader({
      oneWire: s.ow,
      clock: s.clock,
      names: s.probes,
      reconvertPowerOn: false,
      onResult: (temps, faults, info) => s.got.push({ temps, faults, info, at: s.sched.now }),
    });
    reader.start();
    s.sched.run(5000);
    expect(s.got[0].temps).toEqual([null, null]);
    expect(s.got[0].faults).toEqual(["power-on", "power-on"]);
    reader.start();
    s.sched.run(10_000);
    expect(s.got[1].faults).toEqual([null, null]);
  });

  it("retries a corrupted scratchpad twice, then reports a CRC fault", () => {
    const s = rig();
    const reader = s.make();
    reader.start();
    s.sched.run(5000);
    s.ow.corruptNextReads(2);
    reader.start();
    s.sched.run(10_000);
    expect(s.got[1].faults).toEqual([null, null]);
    expect(reader.bus!.counters.crcRetries).toBe(2);
    s.ow.corruptNextReads(3);
    reader.start();
    s.sched.run(15_000);
    expect(s.got[2].faults).toEqual(["crc", null]);
    expect(s.got[2].temps[0]).toBeNull();
  });

  it("reports an open probe as a fault, then 85 °C handling after it is plugged back", () => {
    const s = rig({ faults: [{ t: 100, kind: "probe-open", probe: "rear", for: 60 }] });
    const reader = s.make();
    reader.start();
    s.sched.run(5000);
    s.sched.run(120_000);
    reader.start();
    s.sched.run(130_000);
    expect(s.got[1].faults).toEqual([null, "open"]); // the other probe answers the reset; this one reads all ones
    expect(s.got[1].temps[1]).toBeNull();
    expect(reader.snapshot().rescan).toBe(true);
    s.sched.run(200_000);
    reader.start();
    s.sched.run(210_000);
    // Back on the bus after a power-up: first conversion gave 85 °C, the reader converted again.
    expect(s.got[2].faults).toEqual([null, null]);
    expect(s.got[2].temps[1]).toBeCloseTo(-18, 0);
    expect(s.ow.counters.powerUps).toBe(1);
  });

  it("keeps the binding across a restore and reports an unknown probe once", () => {
    const s = rig();
    const first = s.make();
    first.start();
    s.sched.run(5000);
    const snap = JSON.parse(JSON.stringify(first.snapshot()));
    // Only one name configured now: the other probe is a stranger on the bus.
    const got: ReadInfo[] = [];
    const r2 = new ProbeReader({
      oneWire: s.ow,
      clock: s.clock,
      names: ["rear"],
      state: { ...snap, rescan: true },
      onResult: (_t, _f, info) => got.push(info),
    });
    r2.start();
    s.sched.run(10_000);
    r2.start();
    s.sched.run(15_000);
    expect(got[0].unknown).toEqual([snap.bind.front]);
    expect(got[1].unknown).toEqual([]);
  });

  it("takes a new probe that appeared where a bound one vanished as its replacement", () => {
    const s = rig();
    const reader = s.make({ bind: { rear: "28aabbccddeeff00" }, unknown: [], rescan: false });
    reader.start();
    s.sched.run(5000);
    expect(s.got[0].info.rebound).toEqual(["rear"]);
    expect(s.got[0].info.unknown).toEqual([]);
    expect(s.got[0].faults).toEqual([null, null]);
    expect(s.got[0].temps[1]).toBeCloseTo(-18, 0);
  });

  it("puts a probe set to 9 bits back to 12 bits", () => {
    const s = rig();
    const reader = s.make();
    reader.start();
    s.sched.run(5000);
    // Someone else's tool left the front probe at 9 bits (config 0x1F): readings come in 0.5 °C steps.
    s.ow.reset();
    s.ow.write(Uint8Array.of(0x55, ...s.ow.devices[0].rom, 0x4e, 0x4b, 0x46, 0x1f));
    reader.start();
    s.sched.run(10_000);
    expect(reader.bus!.counters.resolutionFixed).toBe(1);
    expect(s.ow.devices[0].scratch[4]).toBe(0x7f);
    expect((s.got[1].temps[0]! * 2) % 1).toBe(0);
  });

  it("the same seed gives the same readings", () => {
    const read = (seed: number) => {
      const r = simRig({}, seed);
      const ow = new SimOneWire({ sched: r.sched, world: r.world, meter: r.meter, rng: r.rng, probes: r.probes });
      const out: (number | null)[] = [];
      const reader = new ProbeReader({ oneWire: ow, clock: r.clock, names: r.probes, onResult: (t) => out.push(...t) });
      for (let k = 0; k < 20; k++) {
        r.sched.run(k * 60_000);
        reader.start();
        r.sched.run(k * 60_000 + 2000);
      }
      return out;
    };
    expect(read(3)).toEqual(read(3));
    expect(read(3)).not.toEqual(read(4));
  });

  it("reads an SHT4x for a probe named sht…", () => {
    const s = rig({
      device: { ...simRig().trace.device, probes: ["front", "sht1"] },
      temperature: { front: [{ t: 0, c: 3 }], sht1: [{ t: 0, c: 5.5 }] },
    });
    const reader = s.make();
    reader.start();
    s.sched.run(5000);
    expect(s.got[0].faults).toEqual([null, null]);
    expect(s.got[0].temps[1]).toBeCloseTo(5.5, 1);
    expect(s.got[0].info.rh).toBeGreaterThan(70);
    expect(s.i2c.counters.measurements).toBe(1);
  });

  it("filters damaged ROM ids from the search", () => {
    const s = rig();
    const bus = new Ds18b20Bus({
      reset: () => s.ow.reset(),
      write: (b) => s.ow.write(b),
      read: (n) => s.ow.read(n),
      search: () => {
        const roms = s.ow.search();
        roms[0][2] ^= 0x40;
        return roms;
      },
    });
    expect(bus.search()).toHaveLength(1);
    expect(bus.counters.romRejected).toBe(1);
  });
});
