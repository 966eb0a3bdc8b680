/**
 * What the uplink may spend in coverage gaps, as invariants on generated trips (not the reference traces):
 *  - a parked unit in a long gap searches no more often than it reports, each search short unless it is the
 *    periodic full wait, and the first attempt after the network is back lands the backlog (within the
 *    backoff's cap of PARKED_GAP_REPORTS parked intervals after the last search);
 *  - a truck that drives through the same dead stretch twice does not search there the second time;
 *  - an alarm raised in a known gap goes by short message, without a search first;
 *  - a parked, unmoved unit sends stale-position short messages at most once a day (alarms at once).
 */
import { describe, expect, test } from "vitest";
import { CONFIG_SPEC } from "../../firmware/config/config";
import { parseEvent } from "../../firmware/core/events";
import { distanceM } from "../../firmware/gnss/geo";
import { HOLE_RADIUS_M } from "../../firmware/app/coverage-holes";
import { PARKED_GAP_REPORTS, REGISTER_FULL_EVERY, REGISTER_MIN_MS } from "../../firmware/app/uplink-retry";
import { PARKED_STALE_MS } from "../../firmware/app/rdss-memory";
import { simulate } from "../../sim/simulation";
import { validateTrace } from "../../sim/world/trace-loader";
import { World } from "../../sim/world/world";

const H = 3600;
/** Modem boot and configuration before the registration wait starts (link bootMs plus a few commands). */
const BRING_UP_MS = 5000;

interface Ev {
  t: number;
  name: string;
  f: Record<string, string>;
}

function events(transcript: readonly string[]): Ev[] {
  const out: Ev[] = [];
  for (const line of transcript) {
    const parts = line.split(" ");
    const ev = parseEvent(parts.slice(2).join(" "));
    if (ev) out.push({ t: Number(parts[0]), name: ev.name, f: ev.fields });
  }
  return out;
}

const failedSearches = (evs: Ev[]) => evs.filter((e) => e.name === "uplink" && e.f.ok === "0" && e.f.reason === "no-coverage");

function parkedGap(gap: [number, number], extra: Record<string, unknown> = {}) {
  return validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: 3 * 86400,
    seed: 7,
    device: { id: "13800138000", rdss: "bds3-4.0" },
    route: [{ t: 0, lat: 39.0, lon: 117.7 }],
    network: [{ t: 0, nbiot: "good" }, { t: gap[0], nbiot: "none" }, { t: gap[1], nbiot: "good" }],
    rdssSky: [{ t: 0, beams: 2 }],
    ...extra,
  });
}

describe("a parked unit in a 30 h gap", () => {
  const gap: [number, number] = [20 * H, 50 * H];
  const r = simulate(parkedGap(gap), { drainS: 6 * H });
  const evs = events(r.transcript);
  const failed = failedSearches(evs);
  const parkedS = CONFIG_SPEC.rep_parked_s.def;

  test("searches no more often than it reports, each short but for the periodic full wait", () => {
    const gapH = (gap[1] - gap[0]) / H;
    console.log(`30 h parked gap: ${failed.length} searches (${(failed.length / gapH).toFixed(2)} per gap hour)`);
    // at most one per parked report interval (the backoff doubles from there), plus the first one
    expect(failed.length).toBeLessThanOrEqual(Math.ceil((gap[1] - gap[0]) / parkedS) + 1);
    for (let i = 1; i < failed.length; i++) expect(failed[i].t - failed[i - 1].t).toBeGreaterThanOrEqual(parkedS - 60);
    // an attach takes ~10 s here, so a search waits the least (REGISTER_MIN_MS) but for the periodic full one
    const long = failed.filter((s) => Number(s.f.ms) > REGISTER_MIN_MS + BRING_UP_MS);
    expect(long.length).toBeLessThanOrEqual(Math.ceil(failed.length / REGISTER_FULL_EVERY));
  });

  test("nothing lost, and the first attempt after the network is back lands the backlog, within the backoff's cap", () => {
    expect(r.summary.records_lost).toBe(0);
    expect(r.summary.duplicates).toBe(0);
    const first = evs.find((e) => e.name === "uplink" && e.t > gap[1]);
    expect(first).toBeDefined();
    expect(first!.f.ok).toBe("1");
    expect(first!.f.pending).toBe("0");
    // the documented cost of the parked-gap backoff: up to PARKED_GAP_REPORTS parked intervals after the last search
    const last = failed.filter((s) => s.t < gap[1]).pop()!;
    expect(first!.t - last.t).toBeLessThanOrEqual(PARKED_GAP_REPORTS * parkedS + 120);
  });

  test("stale-position short messages at most once a day while parked and unmoved", () => {
    const sms = evs.filter((e) => e.name === "rdss-sent" && e.t < gap[1]);
    const gapDays = (gap[1] - gap[0]) / (PARKED_STALE_MS / 1000);
    expect(sms.length).toBeLessThanOrEqual(Math.ceil(gapDays) + 1);
  });
});

describe("an alarm raised in a known gap", () => {
  const gap: [number, number] = [20 * H, 50 * H];
  const hot = 30 * H;
  const trace = parkedGap(gap, {
    temperature: { front: [{ t: 0, c: 4 }, { t: hot, c: 4 }, { t: hot + 60, c: 12 }, { t: hot + 3 * H, c: 12 }, { t: hot + 3 * H + 60, c: 4 }] },
    device: { id: "13800138000", rdss: "bds3-4.0", probes: ["front"] },
  });
  const r = simulate(trace, { drainS: 6 * H });
  const evs = events(r.transcript);

  test("goes by short message with no search for the network first", () => {
    const raised = evs.find((e) => e.name === "record" && e.f.kind === "alarm" && e.t > hot);
    expect(raised).toBeDefined();
    const sms = evs.find((e) => e.name === "rdss-sent" && e.t >= raised!.t);
    expect(sms).toBeDefined();
    expect(sms!.t - raised!.t).toBeLessThan(120);
    // no search started between the alarm and the short message that carried it
    const searches = failedSearches(evs).filter((s) => s.t - Number(s.f.ms) / 1000 >= raised!.t - 1 && s.t <= sms!.t + 1);
    expect(searches).toEqual([]);
    expect(r.summary.alarms_delivered).toBe(r.summary.alarms_raised);
    expect(r.summary.records_lost).toBe(0);
  });
});

describe("a truck driving through the same dead stretch twice", () => {
  // Out 30 km east at 5 m/s, back the same road; the network is missing while the truck is on km 12–18, both ways.
  const a = { lat: 39.0, lon: 117.0 };
  const kmLon = 1 / (111.32 * Math.cos((39 * Math.PI) / 180));
  const at = (km: number) => ({ lat: a.lat, lon: a.lon + km * kmLon });
  const v = 5; // m/s
  const leg = 30_000 / v;
  const start = 600;
  const route = [{ t: 0, ...at(0) }, { t: start, ...at(0) }, { t: start + leg, ...at(30) }, { t: start + leg + 1800, ...at(30) }, { t: start + 2 * leg + 1800, ...at(0) }];
  const out = (km: number) => start + (km * 1000) / v;
  const back = (km: number) => start + leg + 1800 + ((30 - km) * 1000) / v;
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: start + 2 * leg + 3600,
    seed: 11,
    device: { id: "13800138000" },
    route,
    ignition: [{ t: 0, on: true }],
    network: [
      { t: 0, nbiot: "good" },
      { t: out(12), nbiot: "none" },
      { t: out(18), nbiot: "good" },
      { t: back(18), nbiot: "none" },
      { t: back(12), nbiot: "good" },
    ],
  });
  const r = simulate(trace, { drainS: 3 * H });
  const world = new World(trace);
  const failed = failedSearches(events(r.transcript)).map((s) => {
    const t0 = s.t - Number(s.f.ms) / 1000;
    return { t: t0, pos: world.position(t0) };
  });

  test("searches on the way out, not again on the same stretch on the way back", () => {
    const outbound = failed.filter((s) => s.t < start + leg);
    const inbound = failed.filter((s) => s.t >= start + leg);
    console.log(`dead stretch twice: ${outbound.length} searches out, ${inbound.length} back`);
    expect(outbound.length).toBeGreaterThanOrEqual(1);
    for (const s of inbound) {
      for (const o of outbound) expect(distanceM(s.pos.lat, s.pos.lon, o.pos.lat, o.pos.lon)).toBeGreaterThan(HOLE_RADIUS_M);
    }
    expect(r.summary.records_lost).toBe(0);
    expect(r.summary.duplicates).toBe(0);
  });
});
