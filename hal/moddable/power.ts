/**
 * Power on the ESP32: deep sleep through the native module, wake cause, battery voltage on an ADC pin and the
 * truck-power sense input. ext0 is always the door and ext1 the ignition (wake-cause.ts relies on it); each is
 * armed for the level opposite to the one read now, which turns a level wake into the edge the contract asks for.
 * A level that changed after it was read wakes the device at once, so no edge is lost.
 */
import type Analog from "embedded:io/analog";
import type { Clock, Millis, Power, WakeCause, WakeSource } from "../ports";
import * as native from "./native/deep-sleep";
import type { BatteryBoard } from "./board";
import { batteryMillivolts } from "./battery";
import type { PinInput } from "./digital-in";
import type { PowerSwitch } from "./power-switch";
import { wakeCauseOf } from "./wake-cause";

export interface PowerParts {
  clock: Clock;
  door: PinInput;
  ignition: PinInput;
  externalPower: PinInput;
  battery: BatteryBoard;
  /** Supply enables whose level is held through deep sleep. */
  switches: readonly PowerSwitch[];
}

export class EspPower implements Power {
  private readonly cause: WakeCause;
  private readonly adc: Analog;

  constructor(private readonly parts: PowerParts) {
    this.cause = wakeCauseOf(native.resetReason(), native.wakeCause());
    this.adc = new device.io.Analog({ pin: parts.battery.pin });
  }

  wakeCause(): WakeCause {
    return this.cause;
  }

  deepSleep(deadline: Millis, wakeOn: readonly WakeSource[]): void {
    const { clock, door, ignition, switches } = this.parts;
    const microseconds = Math.max(0, deadline - clock.now()) * 1000;
    const onDoor = wakeOn.includes("door");
    const onIgnition = wakeOn.includes("ignition");
    let holdMask = 0;
    let holdLevels = 0;
    for (const s of switches) {
      // Pins are below 40, so 2 ** pin stays an exact integer in a double.
      holdMask += 2 ** s.board.pin;
      if (s.level() === 1) holdLevels += 2 ** s.board.pin;
    }
    native.sleep(
      microseconds,
      onDoor ? door.board.pin : -1,
      onDoor ? opposite(door.raw()) : 0,
      onIgnition ? ignition.board.pin : -1,
      onIgnition ? opposite(ignition.raw()) : 0,
      holdMask,
      holdLevels,
    );
  }

  restart(): void {
    native.restart();
  }

  batteryMv(): number {
    const b = this.parts.battery;
    const samples: number[] = [];
    for (let i = 0; i < b.samples; i++) samples.push(this.adc.read());
    return batteryMillivolts(samples, this.adc.resolution, b.fullScaleMv, b.divider);
  }

  externalPower(): boolean {
    return this.parts.externalPower.read();
  }
}

function opposite(level: 0 | 1): 0 | 1 {
  return level === 1 ? 0 : 1;
}
