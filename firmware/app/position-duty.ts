/**
 * The position duty: a GNSS fix for every report the schedule asks for (rep_* keys, motion, supply), started early
 * by the learned time to fix, with the MCU asleep while the receiver acquires (see position-session.ts).
 *
 * Due at: the resume time of a search in progress; else the earlier of the planned search start (report time
 * minus the learned time to fix, later while failed searches back off) and the report time itself (a report
 * during backoff carries the last known position); earlier when app.due("position") was pulled forward by another
 * duty (forced report), when a resting receiver wakes by itself, or when a receiver left tracking for truck power
 * finds itself on battery.
 * Keeps across deep sleep (app.mods): gnss (driver snapshot), fixHistory, motion, lastReport, position (memo).
 */
import type { App } from "./app";
import type { Duty } from "./duty";
import { noteBackupLost } from "../gnss/fix-policy";
import { loadMods, MOD, positionWakeAt, storeMods } from "./position-plan";
import { PositionSession } from "./position-session";
import { heldAreas } from "./geofence";

export const positionDuty: Duty = Object.freeze({
  name: "position",
  phase: "sense",
  // An AT6558 leaves its timed standby by itself at the planned search start and acquires at 35 mA: a search
  // must not wait for the end of a long modem session to be looked after.
  late: true,
  dueAt(app: App): number {
    return positionWakeAt(app, loadMods(app));
  },
  run(app: App, done: () => void): void {
    new PositionSession(app, loadMods(app), done).start();
  },
  boot(app: App): void {
    // The platform areas of this boot are the ones persisted before it: a change made during it applies next wake.
    heldAreas(app);
    // A power-on boot with no receiver snapshot means the supply was cut: V_BAT went too, the next start is cold.
    if (app.ports.power.wakeCause() === "power-on" && app.mod(MOD.gnss) === undefined) {
      const m = loadMods(app);
      m.history = noteBackupLost(m.history);
      storeMods(app, m);
    }
  },
  save(app: App): void {
    // The session writes its snapshots when it closes; this makes the defaults of a wake that never ran it explicit.
    storeMods(app, loadMods(app));
  },
});
