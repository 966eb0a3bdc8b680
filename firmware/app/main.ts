/**
 * The firmware's entry point, the same on the ESP32 (hal/moddable/main.ts) and in the simulator: one call per
 * boot. Every wake is a boot; nothing from a previous wake exists here except what the ports hand back.
 */
import type { Ports } from "../../hal/ports";
import type { Duty } from "./duty";
import { heartbeatDuty } from "./heartbeat-duty";
import { uplinkDuty } from "./uplink-duty";
import { WakeCycle } from "./wake-cycle";

/** In the order they run within a phase. */
export const DUTIES: readonly Duty[] = Object.freeze([heartbeatDuty, uplinkDuty]);

export function boot(ports: Ports): void {
  new WakeCycle(ports, DUTIES).start();
}
