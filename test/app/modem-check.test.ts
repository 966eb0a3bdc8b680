/**
 * The modem check on the parked 72 h trip, whose modem reboots by itself at 198,000 s while dozing in PSM (and
 * so comes back without its PSM request, idling at 5 mA): the next wake due anyway within modem_check_s finds it
 * awake and a session sets PSM again. The check books no wake of its own, and a probe that wakes a modem into a
 * coverage gap switches it off instead of leaving it searching.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { simulate } from "../../sim/simulation";
import { loadTrace } from "../../sim/world/trace-loader";
import type { Trace } from "../../sim/world/trace-types";

const base = loadTrace(readFileSync(new URL("../../sim/traces/tianjin-port-parked-72h.json", import.meta.url), "utf8"));
const REBOOT_S = 198_000;

function run(config: Record<string, number>, trace: Trace = base) {
  const r = simulate({ ...trace, config: { ...trace.config, ...config } });
  const lines = r.transcript.map((l) => ({ t: Number(l.split(" ")[0]), text: l }));
  const at = (re: RegExp) => lines.filter((l) => re.test(l.text)).map((l) => l.t);
  return { r, at };
}

describe("modem check", () => {
  const on = run({});
  const off = run({ modem_check_s: 0 });

  it("finds the rebooted modem awake within modem_check_s and a session sets PSM again", () => {
    const awake = on.at(/ modem-check outcome=awake/).filter((t) => t >= REBOOT_S);
    expect(awake.length).toBeGreaterThan(0);
    expect(awake[0] - REBOOT_S).toBeLessThanOrEqual(1800 + 300);
    const session = on.at(/ uplink ok=1/).find((t) => t >= awake[0]);
    expect(session! - awake[0]).toBeLessThan(60);
    expect(off.at(/ modem-check/)).toEqual([]);
    // without the check the modem idles until a later session
    expect(off.r.summary.modem_mAh - on.r.summary.modem_mAh).toBeGreaterThan(1);
    expect(on.r.summary.records_lost).toBe(0);
  });

  it("books no wake of its own", () => {
    const calm: Trace = { ...base, faults: base.faults.filter((f) => f.kind !== "modem-reboot") };
    const a = run({}, calm);
    const b = run({ modem_check_s: 0 }, calm);
    expect(a.at(/ modem-check outcome=dozing/).length).toBeGreaterThan(50);
    expect(a.at(/ wake cause=/).length).toBe(b.at(/ wake cause=/).length);
  });

  it("a probe that wakes the modem into a coverage gap switches it off instead of leaving it searching", () => {
    const searching = on.at(/ modem-check outcome=searching/);
    expect(searching.length).toBeGreaterThan(0);
    const gap = base.network.find((s) => s.v === "none")!;
    expect(searching[0]).toBeGreaterThanOrEqual(gap.t);
    // the search lasted no longer than the failed sessions' own registration waits
    expect(on.r.summary.modem_search_mAh).toBeLessThan(off.r.summary.modem_search_mAh + 0.5);
  });
});
