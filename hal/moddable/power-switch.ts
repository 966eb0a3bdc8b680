/**
 * A module's supply enable. Its level is held through deep sleep (the modem keeps its PSM registration, the GNSS
 * receiver its backup state), so on boot the pin is driven to the level it was held at before the hold is let
 * go: releasing first would glitch the supply.
 */
import type Digital from "embedded:io/digital";
import * as native from "./native/deep-sleep";
import type { PowerPinBoard } from "./board";

export class PowerSwitch {
  private readonly out: Digital;
  private on: boolean;

  constructor(readonly board: PowerPinBoard) {
    const held = native.heldLevel(board.pin);
    this.on = held === undefined ? board.defaultOn : held === board.onLevel;
    this.out = new device.io.Digital({ pin: board.pin, mode: device.io.Digital.Output });
    this.out.write(this.level());
    if (held !== undefined) native.releaseHold(board.pin);
  }

  get isOn(): boolean {
    return this.on;
  }

  set(on: boolean): void {
    this.on = on;
    this.out.write(this.level());
  }

  /** The output level now driven (for the deep-sleep hold). */
  level(): 0 | 1 {
    return this.on ? this.board.onLevel : this.board.onLevel === 1 ? 0 : 1;
  }
}
