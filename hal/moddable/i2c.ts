/**
 * I2C master on ECMA-419 I2C. An ECMA-419 instance is bound to one address, so one is opened per address on the
 * shared pins. The ESP32 driver throws on NACK; that is an expected failure here and becomes false / undefined.
 */
import type I2CIO from "embedded:io/i2c";
import type { I2C } from "../ports";

export interface I2CBoard {
  data: number;
  clock: number;
  hz: number;
  port: number;
}

export class BusI2C implements I2C {
  private readonly devices = new Map<number, I2CIO>();

  constructor(private readonly board: I2CBoard) {}

  write(address: number, bytes: Uint8Array): boolean {
    try {
      this.open(address).write(bytes);
      return true;
    } catch {
      return false;
    }
  }

  read(address: number, count: number): Uint8Array | undefined {
    try {
      return new Uint8Array(this.open(address).read(count));
    } catch {
      return undefined;
    }
  }

  private open(address: number): I2CIO {
    let io = this.devices.get(address);
    if (io === undefined) {
      const b = this.board;
      io = new device.io.I2C({ data: b.data, clock: b.clock, hz: b.hz, port: b.port, address });
      this.devices.set(address, io);
    }
    return io;
  }
}
