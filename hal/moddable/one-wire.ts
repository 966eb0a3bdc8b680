/** 1-Wire master on Moddable's onewire module (RMT-driven on the ESP32). */
import OneWireBus from "onewire";
import type { OneWire } from "../ports";
import { toWireOrder } from "./rom-order";

export class BusOneWire implements OneWire {
  private readonly bus: OneWireBus;

  constructor(pin: number) {
    this.bus = new OneWireBus({ pin });
  }

  reset(): boolean {
    return this.bus.reset();
  }

  write(bytes: Uint8Array): void {
    // The module writes one byte per call.
    for (let i = 0; i < bytes.length; i++) this.bus.write(bytes[i]);
  }

  read(count: number): Uint8Array {
    if (count <= 0) return new Uint8Array(0);
    const got: unknown = this.bus.read(count);
    // Declared as number | Uint8Array; the ESP32 build returns an ArrayBuffer.
    if (typeof got === "number") return Uint8Array.of(got);
    return new Uint8Array(got as ArrayBuffer).slice(0, count);
  }

  search(): Uint8Array[] {
    return this.bus.search().map((id: unknown) => toWireOrder(new Uint8Array(id as ArrayBuffer)));
  }
}
