import { describe, expect, it } from "vitest";
import { defaults } from "../../firmware/config/config";
import { GnssParser } from "../../firmware/gnss/gnss-parser";
import { GnssReceiver, type GnssEvent } from "../../firmware/gnss/gnss-receiver";
import { CASIC_SETUP } from "../../firmware/gnss/receiver-commands";
import { Rng } from "../../sim/world/rng";
import { rig, trace } from "./harness";

const cfg = defaults();
const accept = { fix_hdop_max: cfg.fix_hdop_max, fix_min_sats: cfg.fix_min_sats, fix_settle: cfg.fix_settle };
const plan = { capMs: cfg.fix_cap_s * 1000, abortMs: cfg.fix_abort_s * 1000, accept };

function setup(model: "atgm336h" | "ublox-m10", drv: "atgm336h" | "ublox-m10" | "auto" = model, tr = trace(), max?: number) {
  const r = rig(model, tr, max ? { rng: new Rng(9), max } : undefined);
  const events: GnssEvent[] = [];
  const rx = new GnssReceiver({ serial: r.bind(), clock: r.clock, log: r.log, model: drv, onEvent: (e) => events.push(e) });
  return { ...r, rx, events };
}

const kinds = (evs: GnssEvent[]) => evs.map((e) => e.type);

describe("GnssReceiver against SimGnss", () => {
  it("cold start: powers, configures GPS+BDS, reports time then an accepted fix; chunks of 1-8 bytes", () => {
    const t = setup("atgm336h", "atgm336h", trace(), 8);
    t.rx.search(plan);
    t.sched.run(120000);
    const fix = t.events.find((e) => e.type === "gnss-fix");
    expect(fix && fix.type === "gnss-fix" && fix.start).toBe("cold");
    expect(kinds(t.events)).toContain("gnss-time");
    expect(kinds(t.events)).toContain("gnss-antenna");
    if (fix?.type !== "gnss-fix") throw new Error("no fix");
    expect(fix.ttfMs).toBeGreaterThan(30000);
    expect(fix.ttfMs).toBeLessThan(70000);
    expect(Math.abs(fix.fix.lat! - 39.9)).toBeLessThan(0.01);
    expect(fix.fix.bdsUsed).toBeGreaterThan(0);
    expect(fix.fix.usedBySystem.glonass).toBe(0); // PCAS04,3 took GLONASS out
    expect(t.gnss.counters.starts.cold).toBe(1);
    expect(t.rx.counters.checksum).toBe(0);
  });

  it("standby with PCAS12 keeps ephemeris: the next search is a hot start and draws backup current meanwhile", () => {
    const t = setup("atgm336h");
    t.rx.search(plan);
    t.sched.run(100000);
    t.rx.rest(t.sched.now + 600000);
    expect(t.rx.state()).toBe("resting");
    t.sched.run(t.sched.now + 1000);
    expect(t.gnss.state()).toBe("standby");
    expect(t.meter.state("gnss")).toBe("backup");
    t.sched.run(t.sched.now + 599000);
    t.events.length = 0;
    t.rx.search(plan);
    t.sched.run(t.sched.now + 60000);
    const fix = t.events.find((e) => e.type === "gnss-fix");
    expect(fix?.type === "gnss-fix" && fix.start).toBe("hot");
    expect(fix?.type === "gnss-fix" && fix.ttfMs).toBeLessThan(10000);
    expect(t.gnss.counters.starts.hot).toBe(1);
  });

  it("2 Hz: the AT6558 is set to two epochs a second, so a fix is out within half a second of the receiver's", () => {
    const t = setup("atgm336h");
    t.rx.search(plan);
    t.sched.run(100000);
    const before = t.gnss.counters.epochs;
    t.sched.run(110000);
    expect(t.gnss.counters.epochs - before).toBe(20);
    expect(CASIC_SETUP).toContain("PCAS02,500");
    // Epochs on the half second; one geometry per second (the HDOP of both epochs of a second is the same), so the
    // faster rate gives no extra chance at an acceptable HDOP.
    const fixes: { utcMs: number; hdop?: number }[] = [];
    const p = new GnssParser({ fix: (f) => f.utcMs !== undefined && fixes.push({ utcMs: f.utcMs, hdop: f.hdop }) });
    t.bind().onReceive((c) => p.push(c));
    t.sched.run(120000);
    expect(new Set(fixes.map((f) => f.utcMs % 1000))).toEqual(new Set([0, 500]));
    for (const f of fixes.filter((x) => x.utcMs % 1000 === 500)) {
      expect(fixes.find((g) => g.utcMs === f.utcMs - 500)?.hdop ?? f.hdop).toBe(f.hdop);
    }
  });

  it("main supply off keeps V_BAT backup (hot); a power cut loses it (cold)", () => {
    const t = setup("atgm336h");
    t.rx.search(plan);
    t.sched.run(100000);
    t.rx.powerDown();
    expect(t.meter.state("gnss")).toBe("backup");
    t.sched.run(t.sched.now + 60000);
    t.rx.search(plan);
    t.sched.run(t.sched.now + 30000);
    expect(t.gnss.counters.starts.hot).toBe(1);
    t.uart.cut();
    t.gnss.cut();
    expect(t.meter.state("gnss")).toBe("off");
    const events: GnssEvent[] = [];
    const rx = new GnssReceiver({ serial: t.bind(), clock: t.clock, log: t.log, model: "atgm336h", onEvent: (e) => events.push(e) });
    rx.noteBackupLost();
    rx.search(plan);
    t.sched.run(t.sched.now + 120000);
    expect(t.gnss.counters.starts.cold).toBe(2);
    expect(events.find((e) => e.type === "gnss-fix")).toMatchObject({ start: "cold" });
  });

  it("restart kinds reach the receiver ($PCAS10)", () => {
    const t = setup("atgm336h");
    t.rx.search(plan);
    t.sched.run(100000);
    t.rx.restart("warm");
    t.rx.restart("cold");
    t.rx.restart("hot");
    t.sched.run(t.sched.now + 2000);
    expect(t.gnss.counters.starts).toEqual({ hot: 0, warm: 1, cold: 3 });
  });

  it("blocked sky: gives up early with no-signal at fix_abort_s", () => {
    const t = setup("atgm336h", "atgm336h", trace([{ t: 0, v: "blocked" }]));
    t.rx.search(plan);
    t.sched.run(200000);
    const fail = t.events.find((e) => e.type === "gnss-fail");
    expect(fail).toMatchObject({ reason: "no-signal" });
    expect(fail?.type === "gnss-fail" && fail.ttfMs).toBe(cfg.fix_abort_s * 1000);
  });

  it("urban sky with a low HDOP limit: runs to the cap", () => {
    const t = setup("atgm336h", "atgm336h", trace([{ t: 0, v: "urban" }]));
    t.rx.search({ ...plan, accept: { ...accept, fix_hdop_max: 1.5 } });
    t.sched.run(300000);
    expect(t.events.find((e) => e.type === "gnss-fail")).toMatchObject({ reason: "cap", ttfMs: plan.capMs });
  });

  it("detects the model from the boot banner", () => {
    for (const m of ["atgm336h", "ublox-m10"] as const) {
      const t = setup(m, "auto");
      t.rx.search(plan);
      t.sched.run(2000);
      expect(t.rx.model()).toBe(m);
    }
  });

  it("u-blox M10: PMREQ backup, 0xFF wake, hot fix; garbage bytes are counted, not fatal", () => {
    const t = setup("ublox-m10", "ublox-m10", trace([], [{ t: 10, kind: "gnss-garbage", for: 20 }]), 5);
    t.rx.search(plan);
    t.sched.run(100000);
    expect(t.events.find((e) => e.type === "gnss-fix")).toMatchObject({ start: "cold" });
    expect(t.gnss.counters.garbageBytes).toBeGreaterThan(0);
    t.rx.rest(t.sched.now + 3600000);
    t.sched.run(t.sched.now + 1000);
    expect(t.gnss.state()).toBe("standby");
    t.sched.run(t.sched.now + 1800000);
    t.events.length = 0;
    t.rx.search(plan);
    t.sched.run(t.sched.now + 30000);
    expect(t.gnss.state()).toBe("tracking");
    expect(t.events.find((e) => e.type === "gnss-fix")).toMatchObject({ start: "hot" });
  });

  it("a search survives deep sleep: a fresh driver from the snapshot finishes it", () => {
    const t = setup("atgm336h");
    t.rx.search(plan);
    t.sched.run(5000);
    const snap = JSON.parse(JSON.stringify(t.rx.snapshot()));
    t.sleep(); // MCU deep sleep: the receiver keeps acquiring, its bytes fall on the floor
    t.sched.run(40000);
    const events: GnssEvent[] = [];
    const rx = new GnssReceiver({ serial: t.bind(), clock: t.clock, log: t.log, model: "auto", state: snap, onEvent: (e) => events.push(e) });
    t.sched.run(120000);
    const fix = events.find((e) => e.type === "gnss-fix");
    expect(fix).toMatchObject({ start: "cold" });
    expect(fix?.type === "gnss-fix" && fix.ttfMs).toBeGreaterThan(40000 - 5000 - 1);
    expect(rx.snapshot().search).toBeUndefined();
    expect(t.uart.dropped).toBeGreaterThan(0);
  });
});
