/**
 * The alarms that are not about temperature: door open too long, door opened while moving, external power lost,
 * battery low. Pure functions over the engine state's vehicle part; alarm-engine.ts calls them.
 *
 * States: door closed | open (→ long after door_alarm_s, → moving when opened or found open while moving);
 *   supply external | lost (only after having been external: a battery-only logger never "loses" power);
 *   battery ok | low (clears BATTERY_HYST_MV above the threshold).
 * Inputs: door edges with their exact times, motion, supply readings, the deadline for the door timer.
 * Outputs: raised/cleared AlarmDetail events through the sink; the door deadline.
 */
import type { Millis } from "../../hal/ports";
import type { AlarmCode } from "../store/track-record";
import type { AlarmSink, Since } from "./alarm-sink";

/** Battery must recover this far above batt_low_mv to clear, so a sagging cell does not chatter. */
export const BATTERY_HYST_MV = 100;

export interface VehicleConfig {
  door_alarm_s: number; // 0 = off
  batt_low_mv: number;
}

export interface VehicleState {
  moving: boolean;
  door?: Since & { long?: boolean; moving?: boolean };
  external?: boolean;
  powerLost?: Since;
  battLow?: Since;
}

export function doorEdge(s: VehicleState, cfg: VehicleConfig, sink: AlarmSink, open: boolean): void {
  const d = s.door;
  if (open) {
    if (d) return;
    s.door = sink.since();
    if (s.moving) doorMoving(s, sink);
    doorTimer(s, cfg, sink);
    return;
  }
  if (!d) return;
  if (d.long) sink.emit("door-open-long", false, d);
  if (d.moving) sink.emit("door-open-moving", false, d);
  delete s.door;
}

export function motion(s: VehicleState, sink: AlarmSink, moving: boolean): void {
  s.moving = moving;
  if (moving && s.door && !s.door.moving) doorMoving(s, sink);
}

function doorMoving(s: VehicleState, sink: AlarmSink): void {
  s.door!.moving = true;
  sink.emit("door-open-moving", true, s.door!);
}

/** Raises "door open too long" once the door has been open door_alarm_s; run at door edges and the timer's tick. */
export function doorTimer(s: VehicleState, cfg: VehicleConfig, sink: AlarmSink): void {
  const d = s.door;
  const limit = cfg.door_alarm_s * 1000;
  if (!d || d.long || limit <= 0 || sink.now.t - d.t0 < limit) return;
  d.long = true;
  sink.emit("door-open-long", true, d);
}

export function supply(s: VehicleState, cfg: VehicleConfig, sink: AlarmSink, external: boolean, mv: number): void {
  if (s.external === true && !external && !s.powerLost) {
    s.powerLost = sink.since();
    sink.emit("power-lost", true, s.powerLost);
  } else if (external && s.powerLost) {
    sink.emit("power-lost", false, s.powerLost);
    delete s.powerLost;
  }
  s.external = external;
  if (!s.battLow && mv < cfg.batt_low_mv) {
    s.battLow = sink.since();
    sink.emit("battery-low", true, s.battLow);
  } else if (s.battLow && mv >= cfg.batt_low_mv + BATTERY_HYST_MV) {
    sink.emit("battery-low", false, s.battLow);
    delete s.battLow;
  }
}

export function vehicleNext(s: VehicleState, cfg: VehicleConfig): Millis | undefined {
  const d = s.door;
  return d && !d.long && cfg.door_alarm_s > 0 ? d.t0 + cfg.door_alarm_s * 1000 : undefined;
}

export function vehicleActive(s: VehicleState): AlarmCode[] {
  const out: AlarmCode[] = [];
  if (s.door?.long) out.push("door-open-long");
  if (s.door?.moving) out.push("door-open-moving");
  if (s.powerLost) out.push("power-lost");
  if (s.battLow) out.push("battery-low");
  return out;
}
