/**
 * Maps the ESP32's reset reason and sleep wake cause to the firmware's WakeCause. Pure, so it is tested on Node.
 * ext0 always carries the door pin and ext1 the ignition pin (see power.ts), which is why the ext source alone
 * names the input.
 */
import type { WakeCause } from "../ports";

export type ResetReason =
  | "power-on"
  | "external"
  | "software"
  | "panic"
  | "watchdog"
  | "deep-sleep"
  | "brownout"
  | "other";
export type SleepWake = "timer" | "ext0" | "ext1" | "other" | "none";

export function wakeCauseOf(reset: ResetReason, wake: SleepWake): WakeCause {
  if (reset === "deep-sleep") {
    if (wake === "ext0") return "door";
    if (wake === "ext1") return "ignition";
    // A deep-sleep reset with no recorded source only happens when the deadline had already passed at sleep.
    return "timer";
  }
  // RTC memory (retained bytes, wall time) is reloaded on these as after a power cut, but the supply did not
  // drop: the firmware restarts its wake cycle, it does not begin a new power-up.
  if (reset === "software" || reset === "panic" || reset === "watchdog" || reset === "external") return "restart";
  return "power-on";
}
