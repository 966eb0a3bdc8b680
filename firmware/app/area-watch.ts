/**
 * Area events from positions: a pure function of (areas, what was inside before, a fix, its time) giving the
 * events and what is inside now, plus when the next position is worth taking for the areas' sake.
 *
 * State: the areas the truck is inside, each with the entry time, whether its dwell alarm went, and the overspeed
 * run (start, raised). An area is "inside" when the fix lies in it while the area is in force (time window).
 * Events: area-enter / area-exit (when the attribute asks the platform to be told), area-dwell once per visit
 * after dwellS inside (0 = off), area-speed raised after the area's limit was exceeded for its duration and
 * cleared when the speed is back under it or the truck left.
 */
import { AREA_ATTR, inForce, sameArea, type Area, type LatLon } from "../config/area";
import { boundaryDistance, crossingAhead } from "./area-geometry";

export interface InsideArea {
  type: number;
  id: number;
  since: number; // UTC s of the entry
  dwell?: boolean; // dwell alarm raised in this visit
  overSince?: number; // UTC s the speed first exceeded the limit in the current run
  over?: boolean; // overspeed alarm raised
}

export type AreaEventCode = "area-enter" | "area-exit" | "area-dwell" | "area-speed";

export interface AreaEvent {
  code: AreaEventCode;
  raised: boolean;
  area: { type: number; id: number };
  startUtc: number; // ms: entry (or overspeed start)
  durationS: number; // inside so far (or over the limit so far)
}

export interface WatchResult {
  inside: InsideArea[];
  events: AreaEvent[];
  changed: boolean;
}

export interface Position extends LatLon {
  speedKmh: number;
}

function event(code: AreaEventCode, raised: boolean, e: InsideArea, from: number, nowS: number): AreaEvent {
  return { code, raised, area: { type: e.type, id: e.id }, startUtc: from * 1000, durationS: Math.max(0, nowS - from) };
}

export function watchAreas(areas: readonly Area[], before: readonly InsideArea[], pos: Position, utcMs: number, dwellS: number): WatchResult {
  const nowS = Math.floor(utcMs / 1000);
  const events: AreaEvent[] = [];
  const inside: InsideArea[] = [];
  let changed = false;
  for (const a of areas) {
    const was = before.find((e) => sameArea(e, a));
    if (!inForce(a, utcMs)) {
      // outside its window the area does not exist: a window closing on a truck inside leaves no exit
      if (was) changed = true;
      continue;
    }
    const now = boundaryDistance(a, pos) <= 0;
    if (was && !now) {
      changed = true;
      if (was.over) events.push(event("area-speed", false, was, was.overSince ?? was.since, nowS));
      if (a.attr & AREA_ATTR.exitToPlatform) events.push(event("area-exit", true, was, was.since, nowS));
      continue;
    }
    if (!now) continue;
    let e: InsideArea;
    if (was) e = { ...was };
    else {
      changed = true;
      e = { type: a.type, id: a.id, since: nowS };
      if (a.attr & AREA_ATTR.entryToPlatform) events.push(event("area-enter", true, e, nowS, nowS));
    }
    if (dwellS > 0 && !e.dwell && nowS - e.since >= dwellS) {
      e.dwell = true;
      changed = true;
      events.push(event("area-dwell", true, e, e.since, nowS));
    }
    if (a.speed) {
      const over = pos.speedKmh > a.speed.maxKmh;
      if (over && e.overSince === undefined) {
        e.overSince = nowS;
        changed = true;
      }
      if (over && !e.over && nowS - e.overSince! >= a.speed.forS) {
        e.over = true;
        changed = true;
        events.push(event("area-speed", true, e, e.overSince!, nowS));
      }
      if (!over && e.overSince !== undefined) {
        if (e.over) events.push(event("area-speed", false, e, e.overSince, nowS));
        e.overSince = undefined;
        e.over = undefined;
        changed = true;
      }
    }
    inside.push(e);
  }
  // an area deleted while the truck was in it leaves no exit behind: the platform removed it
  if (before.length !== inside.length) changed = true;
  return { inside, events, changed };
}

/** An area that can raise nothing (no platform alarm bit, no speed limit, no dwell limit) is not worth a fix. */
function watched(a: Area, dwellS: number): boolean {
  return (a.attr & (AREA_ATTR.entryToPlatform | AREA_ATTR.exitToPlatform)) !== 0 || a.speed !== undefined || dwellS > 0;
}

/** Past the boundary by this much when the check lands, so that a truck on its way is inside by then. */
const OVERSHOOT_M = 60;
/** Never check again sooner than this: a truck skirting an area must not cost a fix every few seconds. */
export const MIN_CHECK_S = 30;
/** Below this a truck is standing: it crosses nothing until it moves again (and motion replans the reports). */
const MOVING_MPS = 1;

export interface Going {
  pos?: LatLon;
  speedMps: number;
  course?: number;
  /** Engine running: a standing truck may move off at any moment. */
  engineOn: boolean;
  /** Area checks in a row that found it standing with the engine on (0 after a report or while moving). */
  idleChecks?: number;
}

/**
 * A truck standing with its engine running is about to move off (a stop with ACC on is short): near a boundary it
 * is judged at a slow urban pace in every direction, so the exit from a customer's yard is caught soon after it
 * leaves, not at the next stopped-interval report. With the engine off it crosses nothing.
 */
const ENGINE_ON_MPS = 8;

/** A dwell check lands this long after the dwell is due: the fix's own timing can bring it a second early. */
const DWELL_LATE_S = 5;

export interface AreaCheck {
  at: number; // monotonic ms; Infinity = none
  /** Only a dwell is due and the engine is off: the truck has not moved, the last fix still says where it is. */
  noFix: boolean;
}

/**
 * When the next fix should be taken for the areas (monotonic ms), or Infinity when the regular report at
 * `reportAt` comes first (or within MIN_CHECK_S of it: one fix serves both). Moving: when the truck, holding its course and speed, would be OVERSHOOT_M past the
 * first boundary ahead (a turn towards an area is caught by the next regular report, within one report interval);
 * standing with the engine on: when it could have reached the nearest boundary; a pending dwell alarm: at its due
 * time. Far from every area, or heading away, nothing is added: an area-free trip positions exactly as before.
 */
export function nextAreaCheck(
  areas: readonly Area[],
  inside: readonly InsideArea[],
  going: Going,
  now: number,
  utcMs: number,
  reportAt: number,
  dwellS: number,
): AreaCheck {
  const none = { at: Infinity, noFix: false };
  if (areas.length === 0) return none;
  let at = Infinity;
  const pos = going.pos;
  const moving = going.speedMps >= MOVING_MPS && going.course !== undefined;
  if (pos && (moving || going.engineOn)) {
    const v = moving ? going.speedMps : ENGINE_ON_MPS;
    let nearest = Infinity;
    for (const a of areas) {
      if (!watched(a, dwellS) || !inForce(a, utcMs)) continue;
      const d = moving ? crossingAhead(a, pos, going.course!) : Math.abs(boundaryDistance(a, pos));
      nearest = Math.min(nearest, d);
    }
    // Each check that finds the truck still standing doubles the next wait: an engine left running at a yard
    // costs a few fixes spaced out geometrically, not one every couple of minutes until the next report.
    const idle = moving ? 0 : Math.min(going.idleChecks ?? 0, 10);
    if (nearest < Infinity) at = now + Math.max(MIN_CHECK_S, ((nearest + OVERSHOOT_M) / v) * 2 ** idle) * 1000;
  }
  let dwellAt = Infinity;
  if (dwellS > 0 && utcMs > 0) {
    for (const e of inside) {
      if (e.dwell) continue;
      dwellAt = Math.min(dwellAt, now + Math.max(MIN_CHECK_S * 1000, (e.since + dwellS + DWELL_LATE_S) * 1000 - utcMs));
    }
  }
  const first = Math.min(at, dwellAt);
  if (!(first < reportAt - MIN_CHECK_S * 1000)) return none;
  return { at: Math.round(first), noFix: dwellAt <= at && !going.engineOn };
}
