/*
 * Binding of the ESP32 sleep, reset and RTC-memory functions in deep-sleep.c (types in deep-sleep.d.ts).
 * Plain JavaScript because the `@ "host_function"` binding syntax is XS's, not TypeScript's.
 */

export function wakeCause() @ "xs_deep_sleep_wake_cause";
export function resetReason() @ "xs_deep_sleep_reset_reason";
export function rtcMicroseconds() @ "xs_deep_sleep_rtc_us";
export function sleep(microseconds, ext0Pin, ext0Level, ext1Pin, ext1Level, holdMask, holdLevels) @ "xs_deep_sleep_sleep";
export function restart() @ "xs_deep_sleep_restart";
export function retainedCapacity() @ "xs_deep_sleep_retained_capacity";
export function retainedLoad() @ "xs_deep_sleep_retained_load";
export function retainedSave(buffer) @ "xs_deep_sleep_retained_save";
export function wallOffset() @ "xs_deep_sleep_wall_offset";
export function setWallOffset(milliseconds) @ "xs_deep_sleep_set_wall_offset";
export function heldLevel(pin) @ "xs_deep_sleep_held_level";
export function releaseHold(pin) @ "xs_deep_sleep_release_hold";
