/**
 * No usable RDSS beam (under a roof, a blocked antenna): each try keeps the module in standby for its beam wait,
 * about 40 J, twice a message. Retries double from 15 min up to 4 h while the unit may be moving, and a parked
 * unit that has not moved since the try waits a day: before, retries every 15 min spent the day's 200 J cap within
 * the hour (firmware/rdss/fallback-policy.ts noBeamWaitMs, firmware/app/rdss-memory.ts gate).
 */
import { describe, expect, test } from "vitest";
import { parseEvent } from "../../firmware/core/events";
import { NO_BEAM_RETRY_MS } from "../../firmware/rdss/fallback-policy";
import { PARKED_STALE_MS } from "../../firmware/app/rdss-memory";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";

const H = 3600;

function tries(transcript: readonly string[]): { t: number; outcome: string }[] {
  const out: { t: number; outcome: string }[] = [];
  for (const line of transcript) {
    const parts = line.split(" ");
    const ev = parseEvent(parts.slice(2).join(" "));
    if (ev?.name === "rdss-off") out.push({ t: Number(parts[0]), outcome: ev.fields.outcome });
  }
  return out;
}

describe("an alarm with no RDSS beam", () => {
  test("parked in a gap: one try, then the next a day later", () => {
    const trace = validateTrace({
      start: "2026-07-01T06:00:00+08:00",
      duration: 40 * H,
      seed: 8,
      device: { id: "13800138000", rdss: "bds3-4.0", probes: ["front"] },
      route: [{ t: 0, lat: 39.0, lon: 117.7 }],
      network: [{ t: 0, nbiot: "good" }, { t: 4 * H, nbiot: "none" }, { t: 38 * H, nbiot: "good" }],
      temperature: { front: [{ t: 0, c: 4 }, { t: 6 * H, c: 4 }, { t: 6 * H + 60, c: 12 }, { t: 9 * H, c: 12 }, { t: 9 * H + 60, c: 4 }] },
    });
    const r = simulate(trace, { drainS: 24 * H });
    const t = tries(r.transcript).filter((x) => x.t < 38 * H);
    expect(t.length).toBeGreaterThan(0);
    expect(t.every((x) => x.outcome === "failed")).toBe(true);
    for (let i = 1; i < t.length; i++) expect(t[i].t - t[i - 1].t).toBeGreaterThan(PARKED_STALE_MS / 1000 - 60);
    expect(r.summary.records_lost).toBe(0);
    expect(r.summary.alarms_delivered).toBe(r.summary.alarms_raised);
  });

  test("driving through a gap: the retries double from 15 min", () => {
    const ref = {
      start: "2026-07-01T06:00:00+08:00",
      duration: 12 * H,
      seed: 9,
      device: { id: "13800138000", rdss: "bds3-4.0", probes: ["front"] },
      route: [{ t: 0, lat: 39.0, lon: 117.7 }, { t: 12 * H, lat: 39.0, lon: 121.7 }],
      ignition: [{ t: 0, on: true }],
      network: [{ t: 0, nbiot: "good" }, { t: 2 * H, nbiot: "none" }, { t: 10 * H, nbiot: "good" }],
      temperature: { front: [{ t: 0, c: 4 }, { t: 3 * H, c: 4 }, { t: 3 * H + 60, c: 12 }, { t: 9 * H, c: 12 }, { t: 9 * H + 60, c: 4 }] },
    };
    const r = simulate(validateTrace(ref), { drainS: 6 * H });
    const t = tries(r.transcript).filter((x) => x.t < 10 * H);
    expect(t.length).toBeGreaterThan(2);
    for (let i = 1; i < t.length; i++) {
      expect(t[i].t - t[i - 1].t, `try ${i}`).toBeGreaterThanOrEqual(((NO_BEAM_RETRY_MS / 1000) * 2 ** (i - 1)) * 0.98);
    }
    expect(r.summary.records_lost).toBe(0);
  });
});
