/**
 * A trip report (the "trip" record at a confirmed trip end) waits up to trip_hold_s for a session it can ride
 * instead of a session of its own; with trip_hold_s 0 it goes at once, as door events and alarms always do.
 * A 1 h drive, then the truck stands with its ignition off: either a report comes within the hold and carries the
 * trip, or the hold's end does.
 */
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../firmware/core/events";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";

function run(config: Record<string, number>) {
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: 6 * 3600,
    seed: 3,
    device: { id: "13800138000", rdss: "none" },
    route: [
      { t: 0, lat: 39.0, lon: 117.0 },
      { t: 300, lat: 39.0, lon: 117.0 },
      { t: 3900, lat: 39.0, lon: 117.9 },
    ],
    ignition: [
      { t: 300, on: true },
      { t: 3900, on: false },
    ],
    config,
  });
  const r = simulate(trace);
  let tripAt = NaN;
  let tripSeq = -1;
  const sessions: number[] = [];
  for (const line of r.transcript) {
    const parts = line.split(" ");
    const ev = parseEvent(parts.slice(2).join(" "));
    if (ev?.name === "record" && ev.fields.kind === "trip") {
      tripAt = Number(parts[0]);
      tripSeq = Number(ev.fields.seq);
    }
    if (ev?.name === "uplink" && ev.fields.ok === "1") sessions.push(Number(parts[0]));
  }
  const arrival = r.server.arrivals.find((a) => a.kind === "trip" && a.seq === tripSeq);
  return { r, tripAt, sessions, arrivedAfterS: arrival ? arrival.atMs / 1000 - tripAt : NaN };
}

describe("trip reports ride the next session", () => {
  const held = run({});
  const atOnce = run({ trip_hold_s: 0 });
  const short = run({ trip_hold_s: 120, rep_stopped_s: 3600 });

  it("with trip_hold_s 0 the trip report goes in a session of its own, at once", () => {
    expect(atOnce.tripAt).toBeGreaterThan(3900);
    expect(atOnce.arrivedAfterS).toBeLessThan(10);
  });

  it("by default it waits for the next session (within 30 min), which carries it: one session fewer", () => {
    expect(held.arrivedAfterS).toBeGreaterThan(10);
    expect(held.arrivedAfterS).toBeLessThanOrEqual(1800 + 10);
    expect(held.sessions.length).toBe(atOnce.sessions.length - 1);
    // the session that carried it was one that came anyway: it is in the run without the hold too
    const carrier = held.sessions.find((t) => t >= held.tripAt)!;
    expect(atOnce.sessions.some((t) => Math.abs(t - carrier) < 5)).toBe(true);
  });

  it("when no session comes within the hold, its end sends it", () => {
    expect(short.arrivedAfterS).toBeGreaterThanOrEqual(120 - 5);
    expect(short.arrivedAfterS).toBeLessThan(120 + 10);
  });

  it("loses nothing and sends nothing twice", () => {
    for (const x of [held, atOnce, short]) {
      expect(x.r.summary.records_lost).toBe(0);
      expect(x.r.summary.duplicates).toBe(0);
    }
  });
});
