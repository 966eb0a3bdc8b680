import { describe, expect, it } from "vitest";
import { wakeCauseOf } from "../../hal/moddable/wake-cause";
import { TxQueue } from "../../hal/moddable/tx-queue";
import { toWireOrder } from "../../hal/moddable/rom-order";
import { batteryMillivolts } from "../../hal/moddable/battery";
import { readBoard } from "../../hal/moddable/board";

describe("wake cause", () => {
  it("maps sleep wakes by ext source and resets by kind", () => {
    expect(wakeCauseOf("deep-sleep", "timer")).toBe("timer");
    expect(wakeCauseOf("deep-sleep", "ext0")).toBe("door");
    expect(wakeCauseOf("deep-sleep", "ext1")).toBe("ignition");
    expect(wakeCauseOf("power-on", "none")).toBe("power-on");
    expect(wakeCauseOf("brownout", "none")).toBe("power-on");
    expect(wakeCauseOf("watchdog", "none")).toBe("restart");
    expect(wakeCauseOf("software", "none")).toBe("restart");
  });
});

describe("tx queue", () => {
  it("never sends more than the FIFO reported free, in order", () => {
    const sent: number[][] = [];
    const q = new TxQueue((b) => sent.push([...b]));
    q.push(Uint8Array.of(1, 2, 3, 4, 5));
    expect(sent).toEqual([]);
    q.writable(3);
    q.push(Uint8Array.of(6));
    expect(sent).toEqual([[1, 2, 3]]);
    q.writable(10);
    expect(sent).toEqual([[1, 2, 3], [4, 5], [6]]);
    expect(q.pending).toBe(0);
  });
});

describe("1-Wire ROM order", () => {
  // DS18B20 ROM 28 FF 64 1E 0F 6C 2C 3D... built here with its own Maxim CRC so either order is recognisable.
  const wire = Uint8Array.of(0x28, 0xff, 0x64, 0x1e, 0x0f, 0x6c, 0x2c, 0);
  it("keeps wire order and reverses the ESP32 module's order", async () => {
    const { crc8Maxim } = await import("../../firmware/core/crc");
    wire[7] = crc8Maxim(wire, 0, 7);
    expect([...toWireOrder(wire)]).toEqual([...wire]);
    expect([...toWireOrder(wire.slice().reverse())]).toEqual([...wire]);
    const bad = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    expect([...toWireOrder(bad)]).toEqual([...bad]);
  });
});

describe("battery and board", () => {
  it("scales the averaged reading through the divider", () => {
    expect(batteryMillivolts([4095, 4095], 12, 2450, 2)).toBe(4900);
    expect(batteryMillivolts([2048], 12, 2450, 2)).toBe(2451);
  });
  it("rejects a manifest config with a missing section", () => {
    expect(() => readBoard({})).toThrow(/missing/);
  });
});
