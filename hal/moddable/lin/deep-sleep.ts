/**
 * Desktop-simulator stand-in for the ESP32 native module (manifest platforms.lin maps
 * "hal/moddable/native/deep-sleep" here). The simulator cannot power down, so a deep sleep ends the run: it
 * logs the requested wake and stops the event loop by throwing out of the firmware's last call.
 */
import Time from "time";

const CAPACITY = 4096;
let retained: Uint8Array | undefined;
let offset: number | undefined;
const held = new Map<number, 0 | 1>();

export function wakeCause(): "timer" | "ext0" | "ext1" | "other" | "none" {
  return "none";
}
export function resetReason(): "power-on" {
  return "power-on";
}
export function rtcMicroseconds(): number {
  return Time.ticks * 1000;
}
export function sleep(
  microseconds: number,
  ext0Pin: number,
  ext0Level: 0 | 1,
  ext1Pin: number,
  ext1Level: 0 | 1,
  holdMask: number,
  holdLevels: number,
): never {
  trace(
    `deep sleep ${Math.round(microseconds / 1000)} ms, ext0 ${ext0Pin}=${ext0Level}, ext1 ${ext1Pin}=${ext1Level}, ` +
      `hold ${holdMask.toString(2)}/${holdLevels.toString(2)}: the desktop simulator stops here\n`,
  );
  throw new Error("deep sleep: end of the simulated wake");
}
export function restart(): never {
  throw new Error("restart: end of the simulated wake");
}
export function retainedCapacity(): number {
  return CAPACITY;
}
export function retainedLoad(): ArrayBuffer | undefined {
  return retained === undefined ? undefined : retained.slice().buffer;
}
export function retainedSave(buffer: ArrayBuffer | Uint8Array): void {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  if (bytes.length > CAPACITY) throw new RangeError("retained block too large");
  retained = bytes.slice();
}
export function wallOffset(): number | undefined {
  return offset;
}
export function setWallOffset(milliseconds: number): void {
  offset = milliseconds;
}
export function heldLevel(pin: number): 0 | 1 | undefined {
  return held.get(pin);
}
export function releaseHold(pin: number): void {
  held.delete(pin);
}
