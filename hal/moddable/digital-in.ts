/**
 * A logical input (door open, ignition on, truck power) on an ECMA-419 Digital pin with edge callbacks. The
 * interrupt callback can coalesce a quick pair of edges; only level changes are reported, so listeners always
 * see alternating levels.
 */
import type Digital from "embedded:io/digital";
import type { DigitalIn, Millis } from "../ports";
import type { InputBoard } from "./board";

export class PinInput implements DigitalIn {
  private readonly io: Digital;
  private listener: ((level: boolean, at: Millis) => void) | undefined;
  private last: boolean;

  constructor(readonly board: InputBoard, private readonly now: () => Millis) {
    const Digital = device.io.Digital;
    this.io = new Digital({
      pin: board.pin,
      mode: Digital.Input,
      edge: Digital.Rising | Digital.Falling,
      onReadable: () => this.edge(),
    });
    this.last = this.read();
  }

  /** Raw pin level (for the deep-sleep wake level). */
  raw(): 0 | 1 {
    return this.io.read();
  }

  read(): boolean {
    return this.io.read() === this.board.activeLevel;
  }

  onChange(fn: (level: boolean, at: Millis) => void): void {
    this.listener = fn;
  }

  private edge(): void {
    const level = this.read();
    if (level === this.last) return;
    this.last = level;
    this.listener?.(level, this.now());
  }
}
