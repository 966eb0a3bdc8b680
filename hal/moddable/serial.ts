/** Serial port on an ECMA-419 UART (format "buffer"), with the module's power switch where the board has one. */
import type SerialIO from "embedded:io/serial";
import type { Serial } from "../ports";
import type { SerialBoard } from "./board";
import type { PowerSwitch } from "./power-switch";
import { TxQueue } from "./tx-queue";

export class UartSerial implements Serial {
  private readonly io: SerialIO;
  private readonly tx: TxQueue;
  private receiver: ((chunk: Uint8Array) => void) | undefined;

  constructor(board: SerialBoard, private readonly power: PowerSwitch | undefined) {
    this.tx = new TxQueue((bytes) => this.io.write(bytes));
    this.io = new device.io.Serial({
      port: board.port,
      receive: board.receive,
      transmit: board.transmit,
      baud: board.baud,
      format: "buffer",
      onReadable: (count: number) => this.readable(count),
      onWritable: (count: number) => this.tx.writable(count),
    });
  }

  write(bytes: Uint8Array): void {
    if (!this.powered()) return;
    this.tx.push(bytes);
  }

  onReceive(fn: (chunk: Uint8Array) => void): void {
    this.receiver = fn;
  }

  setPower(on: boolean): void {
    if (this.power === undefined) return;
    if (!on) this.tx.clear();
    this.power.set(on);
  }

  powered(): boolean {
    return this.power === undefined ? true : this.power.isOn;
  }

  private readable(count: number): void {
    // Read even without a receiver: the 128-byte FIFO must drain or the UART stops signalling.
    const data = this.io.read(count);
    if (data === undefined || this.receiver === undefined) return;
    const chunk = new Uint8Array(data);
    if (chunk.length > 0) this.receiver(chunk);
  }
}
