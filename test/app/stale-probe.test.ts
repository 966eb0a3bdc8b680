/**
 * In a coverage gap the uplink retries no later than the short message a stale position would send: a search is a
 * third of a message's energy, and a delivery makes the message moot. On the parked 72 h trip (a 30 h gap, a
 * short-message module fitted, its network back at 180,000 s) the day-old position goes over NB-IoT, not by short
 * message: the only message is the one carrying the alarm raised in the gap.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PARKED_STALE_MS } from "../../firmware/app/rdss-memory";
import { simulate } from "../../sim/simulation";
import { loadTrace } from "../../sim/world/trace-loader";

const trace = loadTrace(readFileSync(new URL("../../sim/traces/tianjin-port-parked-72h.json", import.meta.url), "utf8"));

describe("the uplink probes before a stale-position short message", () => {
  const r = simulate(trace);
  const t = (l: string) => Number(l.split(" ")[0]);
  const sms = r.transcript.filter((l) => / rdss-sent /.test(l)).map(t);

  it("sends one short message (the alarm), and the backlog lands over NB-IoT before the next would be due", () => {
    expect(sms.length).toBe(1);
    const back = trace.network.filter((s) => s.v !== "none").map((s) => s.t).find((x) => x > sms[0])!;
    const landed = r.transcript.filter((l) => / uplink ok=1/.test(l)).map(t).find((x) => x > back)!;
    expect(landed).toBeLessThanOrEqual(sms[0] + PARKED_STALE_MS / 1000 + 120);
    expect(r.summary.records_lost).toBe(0);
  });
});
