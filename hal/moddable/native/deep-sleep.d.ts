/**
 * The ESP32 native module (deep-sleep.c). Everything kept here lives in RTC slow memory: it survives deep sleep
 * and is cleared by a power cut or any other reset (the bootloader reloads RTC data except on a deep-sleep wake).
 */

/** Why the last sleep ended: "timer", "ext0" (door pin), "ext1" (ignition pin), or "none" when not a sleep wake. */
export function wakeCause(): "timer" | "ext0" | "ext1" | "other" | "none";
/** esp_reset_reason() as a name. */
export function resetReason():
  | "power-on"
  | "external"
  | "software"
  | "panic"
  | "watchdog"
  | "deep-sleep"
  | "brownout"
  | "other";
/** RTC timer time in µs since power-on; it keeps counting through deep sleep and software resets. */
export function rtcMicroseconds(): number;
/**
 * Enters deep sleep and never returns. ext0Pin/ext1Pin are RTC GPIO numbers or -1; each wakes when its pin reads
 * the given level. holdMask: bit n set = GPIO n keeps its output level through the sleep (2 ** n, n < 40);
 * holdLevels: the level each held pin was last written (recorded for heldLevel() on the next boot).
 */
export function sleep(
  microseconds: number,
  ext0Pin: number,
  ext0Level: 0 | 1,
  ext1Pin: number,
  ext1Level: 0 | 1,
  holdMask: number,
  holdLevels: number,
): never;
export function restart(): never;
export function retainedCapacity(): number;
/** A copy of the bytes last saved, or undefined when none survive (power cut, reset, corrupted block). */
export function retainedLoad(): ArrayBuffer | undefined;
export function retainedSave(buffer: ArrayBuffer | Uint8Array): void;
/** UTC ms minus monotonic ms, or undefined while wall time has not been set since the last reset. */
export function wallOffset(): number | undefined;
export function setWallOffset(milliseconds: number): void;
/** Output level GPIO `pin` was held at through the last deep sleep, or undefined if it was not held. */
export function heldLevel(pin: number): 0 | 1 | undefined;
/** Lets GPIO `pin` follow its output register again (after the new owner has written the level to keep). */
export function releaseHold(pin: number): void;
