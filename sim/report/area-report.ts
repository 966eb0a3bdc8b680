/**
 * The areas part of the trip report: the commands the platform sent and how the terminal answered, the areas it
 * holds at the end, and every entry, exit, dwell and overspeed alarm that reached the platform — each entry and
 * exit with its detection delay against the truth (the route), i.e. from the moment the truck really crossed (or
 * the area was set, if later) to the time of the record.
 */
import { AREA_TYPE_NAMES, inForce, type AreaType } from "../../firmware/config/area";
import { contains } from "../../firmware/app/area-geometry";
import type { FleetServer } from "../world/fleet-server";
import type { Trace } from "../world/trace-types";
import type { World } from "../world/world";

export interface AreaEventLine {
  t_s: number; // trace time of the record
  event: string; // area-enter, area-exit, area-dwell, area-speed (raised) / area-speed-cleared
  area: string; // circle 12
  inside_s?: number; // time inside (exit, dwell)
  delay_s?: number; // detection delay (enter, exit)
}

export interface AreaSummary {
  commands: number; // area messages the terminal answered
  refused: number; // of which refused (result not 0)
  held: number; // areas held at the end
  entries: number;
  exits: number;
  dwell_alarms: number;
  speed_alarms: number;
  worst_delay_s: number | null; // worst detection delay of an entry or exit
  events: AreaEventLine[];
}

/** How far back the truth is searched for the crossing, s. */
const LOOK_BACK_S = 4 * 3600;
const STEP_S = 2;

function delay(world: World, trace: Trace, server: FleetServer, type: number, id: number, entering: boolean, tRec: number): number | undefined {
  const k = server.areas.known.get(`${type}:${id}`);
  if (!k) return undefined;
  const since = k.sinceMs / 1000;
  const inside = (t: number) => {
    const p = world.position(t);
    return inForce(k.area, trace.startUtcMs + t * 1000) && contains(k.area, p);
  };
  let t = tRec;
  while (t > Math.max(0, tRec - LOOK_BACK_S, since) && inside(t) === entering) t -= STEP_S;
  return Math.max(0, tRec - Math.max(t, since));
}

export function areaSummary(trace: Trace, world: World, server: FleetServer): AreaSummary {
  const s: AreaSummary = { commands: 0, refused: 0, held: server.areas.held.length, entries: 0, exits: 0, dwell_alarms: 0, speed_alarms: 0, worst_delay_s: null, events: [] };
  for (const c of server.areas.changes) {
    s.commands++;
    if (c.result !== 0) s.refused++;
  }
  for (const { rec } of server.records()) {
    const d = rec.detail;
    if (!d || !d.code.startsWith("area-") || !d.area) continue;
    const t = Math.round((rec.utc - trace.startUtcMs) / 1000);
    const line: AreaEventLine = {
      t_s: t,
      event: d.code === "area-speed" && !d.raised ? "area-speed-cleared" : d.code,
      area: `${AREA_TYPE_NAMES[d.area.type as AreaType] ?? d.area.type} ${d.area.id}`,
    };
    if (d.code === "area-exit" || d.code === "area-dwell") line.inside_s = d.durationS;
    if (d.code === "area-enter" || d.code === "area-exit") {
      if (d.code === "area-enter") s.entries++;
      else s.exits++;
      const late = delay(world, trace, server, d.area.type, d.area.id, d.code === "area-enter", t);
      if (late !== undefined) {
        line.delay_s = late;
        s.worst_delay_s = Math.max(s.worst_delay_s ?? 0, late);
      }
    }
    if (d.code === "area-dwell") s.dwell_alarms++;
    if (d.code === "area-speed" && d.raised) s.speed_alarms++;
    s.events.push(line);
  }
  s.events.sort((a, b) => a.t_s - b.t_s);
  return s;
}
