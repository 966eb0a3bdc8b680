/**
 * Motion state from speed, displacement and ignition (ACC): moving, stopped, or parked (ACC off longer than
 * park_after_s). A pure update of a small JSON state the app keeps across deep sleep.
 */
import type { Config } from "../config/config";
import { distanceM } from "./geo";

export type MotionKind = "moving" | "stopped" | "parked";

export interface MotionState {
  kind: MotionKind;
  since: number;
  /** When ACC last went off (undefined while it is on). */
  accOffAt?: number;
  /** Last known position, for displacement between updates, and when it was taken. */
  lat?: number;
  lon?: number;
  fixAt?: number;
}

export interface MotionInput {
  now: number;
  acc: boolean;
  /** From the latest fix, when there was one. */
  speed?: number;
  lat?: number;
  lon?: number;
}

/** Above this ground speed (m/s, 7.2 km/h) the truck moves; below it GNSS noise could fake motion. */
export const MOVING_SPEED = 2;
/**
 * Displacement between two updates that counts as moving even when the speed read low (a fix at a traffic light
 * after a 2 km drive, a trailer towed away with the engine off). Not when the ignition went off since the last
 * position and the speed reads low now: the truck drove here and stands (the arrival fix at a delivery stop is
 * hundreds of metres from the last report, and a door opened there is no door opened while moving).
 */
export const MOVING_DISPLACEMENT_M = 200;

export function newMotion(now: number, acc = false): MotionState {
  return { kind: acc ? "stopped" : "parked", since: now, accOffAt: acc ? undefined : now };
}

export function updateMotion(state: MotionState, input: MotionInput, cfg: Pick<Config, "park_after_s">): MotionState {
  const accOffAt = input.acc ? undefined : (state.accOffAt ?? input.now);
  // Arrived: the ignition went off after the last position was taken, and the truck reads standing now.
  const arrived =
    accOffAt !== undefined &&
    input.speed !== undefined &&
    input.speed < MOVING_SPEED &&
    (state.fixAt === undefined || accOffAt > state.fixAt);
  const moved =
    !arrived &&
    input.lat !== undefined &&
    input.lon !== undefined &&
    state.lat !== undefined &&
    state.lon !== undefined &&
    distanceM(state.lat, state.lon, input.lat, input.lon) >= MOVING_DISPLACEMENT_M;
  let kind: MotionKind;
  if ((input.speed !== undefined && input.speed >= MOVING_SPEED) || moved) kind = "moving";
  else if (accOffAt !== undefined && input.now - accOffAt > cfg.park_after_s * 1000) kind = "parked";
  else kind = "stopped";
  const next: MotionState = { kind, since: kind === state.kind ? state.since : input.now };
  if (accOffAt !== undefined) next.accOffAt = accOffAt;
  const fresh = input.lat !== undefined && input.lon !== undefined;
  const lat = input.lat ?? state.lat;
  const lon = input.lon ?? state.lon;
  if (lat !== undefined && lon !== undefined) {
    next.lat = lat;
    next.lon = lon;
    const fixAt = fresh ? input.now : state.fixAt;
    if (fixAt !== undefined) next.fixAt = fixAt;
  }
  return next;
}
