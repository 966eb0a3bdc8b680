/**
 * Where NB-IoT coverage was missing: the places (last known fix) where a search for the network found none, so
 * the uplink never searches twice for the same stretch of road. A search costs about a milliampere-hour at attach
 * current; a truck that passes the same dead stretch every day, or that stays where the search failed, would pay
 * it again for nothing.
 *
 * State (app.mod("holes"), small JSON): up to MAX_HOLES places, each {lat, lon, at} (degrees, monotonic ms of the
 * failed search), newest last. A power cut forgets them, which only costs a search.
 * Inputs: the app's last fix, the clock. Outputs: none (the retry policy and the uplink duty ask).
 *
 * Rules:
 *  - a failed search for lack of network marks the place of the last fix (an older mark within HOLE_RADIUS_M is
 *    replaced, so a truck stuck in a hole keeps one);
 *  - a session that delivered clears every mark within HOLE_RADIUS_M of where it ran: coverage is there now;
 *  - a routine session due while moving inside a mark younger than HOLE_TTL_MS is not tried: the records wait
 *    for the next report outside it (alarms are not routine: the caller decides);
 *  - stillAtHole(): the unit has not left the place of the newest mark, so only the network (not the truck) can
 *    bring coverage back, and the retry need not come sooner than the next report.
 */
import { distanceM } from "../gnss/geo";
import type { FixSummary } from "../store/track-record";
import type { App } from "./app";

export const HOLE_RADIUS_M = 2000;
export const HOLE_TTL_MS = 7 * 86_400_000;
export const MAX_HOLES = 8;
const MOD = "holes";

export interface Hole {
  lat: number;
  lon: number;
  at: number;
}

function isHole(x: unknown): x is Hole {
  const h = x as Hole;
  return typeof h === "object" && h !== null && Number.isFinite(h.lat) && Number.isFinite(h.lon) && Number.isFinite(h.at);
}

export function holes(app: App): Hole[] {
  const s = app.mod<unknown>(MOD);
  return Array.isArray(s) ? s.filter(isHole) : [];
}

const near = (h: Hole, f: FixSummary) => distanceM(h.lat, h.lon, f.lat, f.lon) <= HOLE_RADIUS_M;

function save(app: App, list: Hole[]): void {
  app.saveMod(MOD, list.length ? list.slice(-MAX_HOLES) : undefined);
}

/** A search found no network: mark where the unit is (its last fix); nothing to mark without one. */
export function markHole(app: App): void {
  const f = app.state.lastFix;
  if (!f) return;
  const list = holes(app).filter((h) => !near(h, f));
  list.push({ lat: f.lat, lon: f.lon, at: app.now() });
  save(app, list);
}

/** A session delivered here: whatever was marked around here has coverage now. */
export function clearHoles(app: App): void {
  const f = app.state.lastFix;
  const list = holes(app);
  if (!f || list.length === 0) return;
  const kept = list.filter((h) => !near(h, f));
  if (kept.length !== list.length) save(app, kept);
}

/** The mark the unit is inside now (moving or not), younger than HOLE_TTL_MS. */
export function holeHere(app: App): Hole | undefined {
  const f = app.state.lastFix;
  if (!f) return undefined;
  const now = app.now();
  for (const h of holes(app)) if (now - h.at < HOLE_TTL_MS && near(h, f)) return h;
  return undefined;
}

/** The unit is still where its newest mark was made (it has not driven out of the hole since). */
export function stillAtHole(app: App): boolean {
  const f = app.state.lastFix;
  const list = holes(app);
  return !!f && list.length > 0 && near(list[list.length - 1], f);
}
