/**
 * The firmware's entry point, the same on the ESP32 (hal/moddable/main.ts) and in the simulator: one call per
 * boot. Every wake is a boot; nothing from a previous wake exists here except what the ports hand back.
 */
import type { Ports } from "../../hal/ports";
import { coldchainDuty } from "./coldchain-duty";
import type { Duty } from "./duty";
import { heartbeatDuty } from "./heartbeat-duty";
import { inputsDuty } from "./inputs-duty";
import { modemCheckDuty } from "./modem-check-duty";
import { positionDuty } from "./position-duty";
import { rdssDuty } from "./rdss-duty";
import { uplinkDuty } from "./uplink-duty";
import { WakeCycle } from "./wake-cycle";

/** In the order they run within a phase; inputs first, so every record of the wake sees the settled levels. */
export const DUTIES: readonly Duty[] = Object.freeze([
  inputsDuty,
  coldchainDuty,
  positionDuty,
  heartbeatDuty,
  modemCheckDuty,
  uplinkDuty,
  rdssDuty,
]);

export function boot(ports: Ports): void {
  new WakeCycle(ports, DUTIES).start();
}
