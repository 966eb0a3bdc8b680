/**
 * When the next position report is due, JT/T 808 style: rep_strategy 0 = by time, 1 = by distance, 2 = both,
 * with intervals per motion state and supply, and a course change of corner_deg while moving as an extra trigger.
 * Pure functions; the app keeps `last` (the last report sent) across deep sleep.
 */
import type { Config } from "../config/config";
import { courseChange, distanceM } from "./geo";
import type { MotionState } from "./motion";

export type ReportConfig = Pick<
  Config,
  | "rep_strategy"
  | "rep_moving_s"
  | "rep_stopped_s"
  | "rep_parked_s"
  | "rep_moving_ext_s"
  | "rep_stop_ext_s"
  | "rep_distance_m"
  | "corner_deg"
>;

export interface LastReport {
  at: number;
  lat?: number;
  lon?: number;
  course?: number;
}

export type ReportTrigger = "time" | "distance" | "corner";

/** Interval for the motion state and supply, ms. */
export function reportIntervalMs(cfg: ReportConfig, motion: MotionState, externalPower: boolean): number {
  if (externalPower) return (motion.kind === "moving" ? cfg.rep_moving_ext_s : cfg.rep_stop_ext_s) * 1000;
  const s = motion.kind === "moving" ? cfg.rep_moving_s : motion.kind === "stopped" ? cfg.rep_stopped_s : cfg.rep_parked_s;
  return s * 1000;
}

/** The slowest a truck is assumed to cover the report distance, m/s (distance strategy without a speed). */
const ASSUMED_SPEED = 15;

/**
 * The next time a position must be taken. By time: last + interval. By distance: when the distance is expected
 * to be covered at the current speed (checked then by reportTriggered), never later than the parked interval so
 * a stationary device still reports. Both: the earlier of the two. No report yet: now.
 */
export function nextReportAt(
  now: number,
  cfg: ReportConfig,
  motion: MotionState,
  last: LastReport | undefined,
  externalPower: boolean,
  speed?: number,
): number {
  if (!last) return now;
  const byTime = last.at + reportIntervalMs(cfg, motion, externalPower);
  if (cfg.rep_strategy === 0) return byTime;
  const v = motion.kind === "moving" ? Math.max(speed ?? ASSUMED_SPEED, 1) : 0;
  const byDistance = v > 0 ? last.at + Math.round((cfg.rep_distance_m / v) * 1000) : last.at + cfg.rep_parked_s * 1000;
  return cfg.rep_strategy === 1 ? byDistance : Math.min(byTime, byDistance);
}

/** Why a report is due at `now` given the newest position, or undefined when none is. */
export function reportTriggered(
  now: number,
  cfg: ReportConfig,
  motion: MotionState,
  last: LastReport | undefined,
  externalPower: boolean,
  pos: { lat?: number; lon?: number; course?: number },
): ReportTrigger | undefined {
  if (!last) return "time";
  if (
    motion.kind === "moving" &&
    pos.course !== undefined &&
    last.course !== undefined &&
    courseChange(pos.course, last.course) >= cfg.corner_deg
  ) {
    return "corner";
  }
  const far =
    pos.lat !== undefined &&
    pos.lon !== undefined &&
    last.lat !== undefined &&
    last.lon !== undefined &&
    distanceM(last.lat, last.lon, pos.lat, pos.lon) >= cfg.rep_distance_m;
  if (cfg.rep_strategy !== 0 && far) return "distance";
  const timeDue = now >= last.at + reportIntervalMs(cfg, motion, externalPower);
  if (cfg.rep_strategy !== 1 && timeDue) return "time";
  // Distance only: a stationary device still reports at the parked interval, as liveness.
  if (cfg.rep_strategy === 1 && now >= last.at + cfg.rep_parked_s * 1000) return "time";
  return undefined;
}
