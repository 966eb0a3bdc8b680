/**
 * In a coverage gap (the last session found no network), an alarm's raise is still worth a search out of turn,
 * its clear is not: the clear waits for the retry schedule and rides in the next session. A unit without a
 * short-message module, parked on battery, in a 10 h gap with a temperature excursion raised and cleared inside it.
 */
import { describe, expect, it } from "vitest";
import { parseEvent } from "../../firmware/core/events";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";

const GAP: [number, number] = [7200, 43200];
const trace = validateTrace({
  start: "2026-08-10T18:00:00+08:00",
  duration: 64800,
  seed: 5,
  device: { id: "013800138003", rdss: "none", probes: ["air"] },
  config: { bands: "*:-25:-15:900:600:1:0" },
  route: [{ t: 0, lat: 38.9946, lon: 117.7215 }],
  ignition: [{ t: 0, on: false }],
  network: [
    { t: 0, nbiot: "good" },
    { t: GAP[0], nbiot: "none" },
    { t: GAP[1], nbiot: "good" },
  ],
  temperature: {
    air: [
      { t: 0, c: -18.5 },
      { t: 18000, c: -18.2 },
      { t: 20000, c: -11 },
      { t: 24000, c: -11 },
      { t: 26000, c: -18.4 },
      { t: 64800, c: -18.4 },
    ],
  },
});

describe("alarms in a coverage gap", () => {
  const r = simulate(trace, { drainS: 6 * 3600 });
  const alarms: { t: number; raised: boolean }[] = [];
  const sessions: { t: number; ok: boolean; ms: number }[] = [];
  for (const line of r.transcript) {
    const parts = line.split(" ");
    const ev = parseEvent(parts.slice(2).join(" "));
    const t = Number(parts[0]);
    if (ev?.name === "record" && ev.fields.kind === "alarm") alarms.push({ t, raised: ev.fields.raised === "1" });
    if (ev?.name === "uplink") sessions.push({ t, ok: ev.fields.ok === "1", ms: Number(ev.fields.ms) });
  }
  const started = (s: { t: number; ms: number }) => s.t - s.ms / 1000;
  const within = (t: number, s: number) => sessions.some((x) => started(x) >= t - 1 && started(x) <= t + s);

  it("searches at once for the raise, not for the clear", () => {
    const raise = alarms.find((a) => a.raised && a.t > GAP[0] && a.t < GAP[1]);
    const clear = alarms.find((a) => !a.raised && raise && a.t > raise.t && a.t < GAP[1]);
    expect(raise).toBeDefined();
    expect(clear).toBeDefined();
    expect(within(raise!.t, 5)).toBe(true);
    expect(within(clear!.t, 60)).toBe(false);
  });

  it("delivers the clear, with everything else, once the network is back", () => {
    expect(r.summary.records_lost).toBe(0);
    expect(sessions.filter((s) => s.ok && s.t > GAP[1]).length).toBeGreaterThan(0);
  });
});
