import { describe, expect, it } from "vitest";
import { defaults } from "../../firmware/config/config";
import { GnssReceiver, type GnssEvent } from "../../firmware/gnss/gnss-receiver";
import { rig } from "./harness";

const cfg = defaults();
const accept = { fix_hdop_max: cfg.fix_hdop_max, fix_min_sats: cfg.fix_min_sats, fix_settle: cfg.fix_settle };

describe("a search resumed after deep sleep shortly before its no-signal check", () => {
  // The position duty naps until shortly before the predicted fix; when that is a few seconds before the abort
  // time, the resumed driver has heard GGA/RMC but not yet a GSV (every 5th epoch) when the check comes.
  for (const wakeBefore of [1000, 2000, 3000, 4000]) {
    it(`open sky, cold start, woken ${wakeBefore} ms before the check: no false no-signal`, () => {
      const t = rig("atgm336h");
      const rx = new GnssReceiver({ serial: t.bind(), clock: t.clock, log: t.log, model: "atgm336h", onEvent: () => {} });
      rx.search({ capMs: 150_000, abortMs: 30_000, accept });
      t.sched.run(3000);
      const snap = JSON.parse(JSON.stringify(rx.snapshot()));
      t.sleep();
      t.sched.run(30_000 - wakeBefore);
      const events: GnssEvent[] = [];
      new GnssReceiver({ serial: t.bind(), clock: t.clock, log: t.log, model: "auto", state: snap, onEvent: (e) => events.push(e) });
      t.sched.run(120_000);
      expect(events.filter((e) => e.type === "gnss-fail")).toEqual([]);
      expect(events.some((e) => e.type === "gnss-fix")).toBe(true);
    });
  }

  it("blocked sky: the resumed check still gives up, after one listening window", () => {
    const t = rig("atgm336h", undefined);
    t.world.trace.sky.push({ t: 0, v: "blocked" });
    const rx = new GnssReceiver({ serial: t.bind(), clock: t.clock, log: t.log, model: "atgm336h", onEvent: () => {} });
    rx.search({ capMs: 150_000, abortMs: 30_000, accept });
    t.sched.run(3000);
    const snap = JSON.parse(JSON.stringify(rx.snapshot()));
    t.sleep();
    t.sched.run(28_000);
    const events: GnssEvent[] = [];
    new GnssReceiver({ serial: t.bind(), clock: t.clock, log: t.log, model: "auto", state: snap, onEvent: (e) => events.push(e) });
    t.sched.run(120_000);
    const fail = events.find((e) => e.type === "gnss-fail");
    expect(fail).toMatchObject({ reason: "no-signal" });
    expect(fail?.type === "gnss-fail" && fail.ttfMs).toBeLessThanOrEqual(28_000 + 6_000);
  });
});
