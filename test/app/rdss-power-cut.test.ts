// The short-message ledger across power cuts: RTC memory is wiped, the NVS copy keeps the day's energy, the seqs
// already carried by satellite and the card's interval (firmware/app/rdss-durable.ts).
import { describe, expect, it } from "vitest";
import { field, rig } from "./rdss-rig";

const DAY = 86_400_000;

function joules(mAh: number): number {
  return mAh * 3.6 * 3.6; // supply_v 3.6 V
}

/** A cut of `forS` seconds every `everyS` seconds from `fromS`, over `hours`. */
function cuts(fromS: number, everyS: number, hours: number, forS = 20): unknown[] {
  const out: unknown[] = [];
  for (let t = fromS; t < hours * 3600; t += everyS) out.push({ t, kind: "power-cut", for: forS });
  return out;
}

describe("short-message ledger across power cuts", () => {
  it("the daily energy cap holds when the supply is cut between short messages", () => {
    const alarms = Array.from({ length: 144 }, (_, i) => 300 + i * 600); // every 10 min for a day
    const r = rig({ version: "4.0", hours: 24, alarmsAtS: alarms, faults: cuts(1500, 1800, 24), uplink: { everyS: 1800, failFromS: 0 }, settings: { rdss_daily_j: "100" } });
    r.run();
    expect(r.runner.powerCuts).toBeGreaterThanOrEqual(40);
    expect(r.runner.crashes + r.runner.watchdogResets).toBe(0);
    // 100 J holds 4 messages of 20 J with their standby, as without cuts (rdss-duty.test.ts).
    expect(r.centre.filter((c) => c.at < DAY).length).toBe(4);
    expect(joules(r.meter.byComponent().rdss)).toBeLessThanOrEqual(100);
    for (const l of r.lines("rdss-off")) expect(Number(field(l.line, "used_j"))).toBeLessThanOrEqual(100);
  });

  it("no record confirmed sent by satellite goes that way again after a cut", () => {
    const alarms = [600, 1500, 2400, 3300, 4200];
    const r = rig({ version: "2.1", hours: 3, alarmsAtS: alarms, faults: cuts(700, 900, 3, 5), uplink: { everyS: 600, failFromS: 0, coverage: "none" } });
    r.run();
    expect(r.runner.powerCuts).toBeGreaterThanOrEqual(10);
    const seqs = r.centre.flatMap((c) => c.msg.records.map((x) => x.seq));
    expect(seqs.length).toBeGreaterThanOrEqual(alarms.length);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(r.server.counters.duplicates).toBe(0);
    // Nothing acknowledged over NB-IoT: every alarm stays in the log for it.
    expect(r.pending().filter((x) => x.kind === "alarm").length).toBe(alarms.length);
  });

  it("the card's service interval holds when the supply is cut right after each send", () => {
    const card = { id: "0166166", intervalS: 300, level: 2 };
    const alarms = Array.from({ length: 60 }, (_, i) => 60 + i * 120); // every 2 min for 2 h
    // A cut 10 s after every alarm: the send of that wake has just gone, the next wake is a power-on.
    const faults = alarms.map((t) => ({ t: t + 10, kind: "power-cut", for: 5 }));
    const r = rig({ version: "4.0", hours: 2, card, alarmsAtS: alarms, faults, uplink: { everyS: 600, failFromS: 0 }, settings: { rdss_daily_j: "5000", rdss_after_s: "60" } });
    r.run();
    expect(r.runner.powerCuts).toBeGreaterThanOrEqual(50);
    const tx = r.lines("rdss-tx").map((l) => l.t);
    expect(tx.length).toBeGreaterThan(10);
    for (let i = 1; i < tx.length; i++) expect(tx[i] - tx[i - 1]).toBeGreaterThanOrEqual(card.intervalS * 1000);
    expect(r.sim.counters.rejected).toEqual({}); // never asked the system inside the interval
    const seqs = r.centre.flatMap((c) => c.msg.records.map((x) => x.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});
