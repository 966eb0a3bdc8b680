/**
 * The areas in the wake: loaded from Settings once per boot (so a change the platform makes applies from the
 * next wake), judged at every fix, turned into alarm records, and asked when the next fix is worth taking.
 *
 * Inputs: a fix (position, speed), wall time, `area_dwell_s`, the persisted areas and inside state.
 * Outputs: alarm records area-enter / area-exit / area-dwell / area-speed (detail carries the area's type and id;
 *   JT/T alarm bit 20, or bit 1 for overspeed, and items 0x12 / 0x11 on the wire), `area` events, the inside
 *   state written back when it changed.
 */
import type { Area } from "../config/area";
import { nextAreaCheck, watchAreas, type AreaCheck } from "./area-watch";
import type { FixSummary } from "../store/track-record";
import type { App } from "./app";
import { loadAreas, loadInside, saveInside } from "./area-store";

/** The areas in force for this boot. */
export function heldAreas(app: App): readonly Area[] {
  return app.local("areas", () => loadAreas(app.ports.settings));
}

export function checkAreas(app: App, fix: FixSummary): void {
  const areas = heldAreas(app);
  const settings = app.ports.settings;
  const before = app.local("areas-inside", () => ({ v: loadInside(settings) }));
  if (areas.length === 0 && before.v.length === 0) return;
  const utc = app.utc() || fix.utc;
  const r = watchAreas(areas, before.v, fix, utc, app.config.area_dwell_s);
  if (r.changed) {
    before.v = r.inside;
    saveInside(settings, r.inside);
  }
  for (const e of r.events) {
    app.record("alarm", { code: e.code, raised: e.raised, area: e.area, startUtc: e.startUtc, durationS: e.durationS });
    app.emit("area", { code: e.code, raised: e.raised, type: e.area.type, id: e.area.id, duration_s: e.durationS });
  }
}

/** When a fix should come for the areas' sake (monotonic ms; Infinity when the report at `reportAt` serves). */
export function areaCheckAt(app: App, reportAt: number, idleChecks = 0): AreaCheck {
  const areas = heldAreas(app);
  if (areas.length === 0) return { at: Infinity, noFix: false };
  const fix = app.state.lastFix;
  const inside = app.local("areas-inside", () => ({ v: loadInside(app.ports.settings) })).v;
  const going = { pos: fix, speedMps: fix ? fix.speedKmh / 3.6 : 0, course: fix?.course, engineOn: app.state.acc, idleChecks };
  return nextAreaCheck(areas, inside, going, app.now(), app.utc(), reportAt, app.config.area_dwell_s);
}
