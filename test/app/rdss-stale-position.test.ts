/**
 * A stale-position short message carries the position now, not the oldest of a long gap's backlog: a parked unit
 * in a 50 h coverage gap, with door events early in the gap, sends its daily message with the newest record it
 * has, so the platform's position is hours fresher and the next message waits a day (firmware/app/rdss-memory.ts,
 * undelivered(): routine records newest first). A unit that powers on parked in a gap sends its first position
 * at once (the platform has none) and the next a day later: its ignition was off before that position went, even
 * though "parked" began park_after_s after it.
 */
import { describe, expect, test } from "vitest";
import { parseEvent } from "../../firmware/core/events";
import { PARKED_STALE_MS } from "../../firmware/app/rdss-memory";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";

const H = 3600;

describe("a parked unit's daily short message in a long gap", () => {
  const gap: [number, number] = [10 * H, 60 * H];
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: 84 * H, // the parked-gap backoff lands the backlog up to 16 h after the network is back
    seed: 5,
    device: { id: "13800138000", rdss: "bds3-4.0" },
    route: [{ t: 0, lat: 39.0, lon: 117.7 }],
    network: [{ t: 0, nbiot: "good" }, { t: gap[0], nbiot: "none" }, { t: gap[1], nbiot: "good" }],
    rdssSky: [{ t: 0, beams: 2 }],
    door: [{ t: 12 * H, state: "open" }, { t: 12 * H + 300, state: "closed" }],
  });
  const r = simulate(trace, { drainS: 6 * H });
  const made = new Map<number, number>(); // seq -> creation (s)
  const sends: number[] = [];
  for (const line of r.transcript) {
    const parts = line.split(" ");
    const ev = parseEvent(parts.slice(2).join(" "));
    if (!ev) continue;
    if (ev.name === "record") made.set(Number(ev.fields.seq), Number(ev.fields.mono) / 1000);
    if (ev.name === "rdss-sent" && Number(parts[0]) < gap[1]) sends.push(Number(parts[0]));
  }
  const viaRdss = r.server.arrivals.filter((a) => a.via === "rdss");

  test("each message carries a record made minutes before it went", () => {
    expect(sends.length).toBeGreaterThan(0);
    for (const t of sends) {
      const carried = viaRdss.filter((a) => Math.abs(a.atMs / 1000 - t) < 120).map((a) => made.get(a.seq)!);
      expect(carried.length).toBeGreaterThan(0);
      expect(t - Math.max(...carried)).toBeLessThan(10 * 60);
    }
  });

  test("messages for the position alone come a day apart, not twice in a row", () => {
    for (let i = 1; i < sends.length; i++) expect(sends[i] - sends[i - 1]).toBeGreaterThan(PARKED_STALE_MS / 1000 - H);
    expect(r.summary.records_lost).toBe(0);
    expect(r.summary.duplicates).toBe(0);
  });
});

describe("a unit powered on parked in a coverage gap", () => {
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: 40 * H,
    seed: 6,
    device: { id: "13800138000", rdss: "bds3-4.0" },
    route: [{ t: 0, lat: 39.0, lon: 117.7 }],
    network: [{ t: 0, nbiot: "none" }, { t: 30 * H, nbiot: "good" }],
    rdssSky: [{ t: 0, beams: 2 }],
  });
  const r = simulate(trace, { drainS: 20 * H });
  const sends = r.transcript.filter((l) => l.includes(" rdss-sent ")).map((l) => Number(l.split(" ")[0]));

  test("sends its position at once, then not again before a day", () => {
    expect(sends.length).toBeGreaterThan(0);
    expect(sends[0]).toBeLessThan(600);
    for (let i = 1; i < sends.length; i++) expect(sends[i] - sends[i - 1]).toBeGreaterThan(PARKED_STALE_MS / 1000 - H);
    expect(r.summary.records_lost).toBe(0);
  });
});
