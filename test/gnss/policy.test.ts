import { describe, expect, it } from "vitest";
import { defaults } from "../../firmware/config/config";
import { acceptable, backoffMs, newHistory, noteBackupLost, planSearch, recordOutcome, startKind } from "../../firmware/gnss/fix-policy";
import type { GnssFix } from "../../firmware/gnss/gnss-fix";
import { emptyBySystem } from "../../firmware/gnss/gnss-fix";
import { newMotion, updateMotion } from "../../firmware/gnss/motion";
import { nextReportAt, reportIntervalMs, reportTriggered } from "../../firmware/gnss/report-schedule";

const cfg = defaults();
const H = 3600000;

describe("fix policy", () => {
  it("start kind by ephemeris age and backup", () => {
    expect(startKind(10 * H, 9 * H, false)).toBe("hot");
    expect(startKind(10 * H, 7.5 * H, false)).toBe("warm");
    expect(startKind(10 * H, 5 * H, false)).toBe("cold");
    expect(startKind(10 * H, 9.9 * H, true)).toBe("cold");
    expect(startKind(10 * H, undefined, false)).toBe("cold");
  });

  it("early start by the learned hot time so the fix lands on schedule", () => {
    let h = recordOutcome(newHistory(), { ok: true, at: 0, start: "cold", ttfMs: 45000 });
    h = recordOutcome(h, { ok: true, at: 1000, start: "hot", ttfMs: 5000 });
    const p = planSearch(1000, cfg, h, 1000 + 300000);
    expect(p.start).toBe("hot");
    expect(p.startAt).toBe(1000 + 300000 - Math.round(h.ttf.hot * 1.2));
    expect(p.capMs).toBe(cfg.fix_cap_s * 1000);
    expect(p.abortMs).toBe(cfg.fix_abort_s * 1000);
  });

  it("moving average of time to fix", () => {
    let h = newHistory();
    const first = h.ttf.hot;
    h = recordOutcome(h, { ok: true, at: 0, start: "hot", ttfMs: 16000 });
    expect(h.ttf.hot).toBe(Math.round(first + 0.3 * (16000 - first)));
    for (let i = 0; i < 30; i++) h = recordOutcome(h, { ok: true, at: i, start: "hot", ttfMs: 4000 });
    expect(Math.abs(h.ttf.hot - 4000)).toBeLessThan(50);
  });

  it("old ephemeris buys extra on-time: warm +30 s, cold +60 s", () => {
    const h = recordOutcome(newHistory(), { ok: true, at: 0, start: "cold", ttfMs: 40000 });
    expect(planSearch(3 * H, cfg, h, 3 * H).start).toBe("warm");
    expect(planSearch(3 * H, cfg, h, 3 * H).capMs).toBe(cfg.fix_cap_s * 1000 + 30000);
    expect(planSearch(5 * H, cfg, h, 5 * H).start).toBe("cold");
    expect(planSearch(5 * H, cfg, h, 5 * H).capMs).toBe(cfg.fix_cap_s * 1000 + 60000);
    expect(planSearch(H, cfg, noteBackupLost(h), H).start).toBe("cold");
  });

  it("capped exponential backoff after failures (tunnel/no-signal or cap)", () => {
    let h = recordOutcome(newHistory(), { ok: true, at: 0, start: "cold", ttfMs: 40000 });
    const table: [number, number][] = [];
    for (let i = 1; i <= 8; i++) {
      h = recordOutcome(h, { ok: false, at: 10 * H, reason: i % 2 ? "no-signal" : "cap" });
      table.push([h.failures, planSearch(10 * H, cfg, h).startAt - 10 * H]);
    }
    expect(table.map(([, d]) => d)).toEqual([60000, 120000, 240000, 480000, 960000, 1920000, 3600000, 3600000]);
    expect(backoffMs(cfg, 0)).toBe(0);
    h = recordOutcome(h, { ok: true, at: 11 * H, start: "cold", ttfMs: 50000 });
    expect(h.failures).toBe(0);
  });

  it("acceptance: 3D, HDOP limit, satellites", () => {
    const f: GnssFix = { timeOfDay: "", todMs: 0, mode: 3, quality: 1, satsUsed: 6, usedBySystem: emptyBySystem(), bdsUsed: 0, satsInView: 6, inView: [], lat: 1, lon: 1, hdop: 1.2 };
    expect(acceptable(f, cfg)).toBe(true);
    expect(acceptable({ ...f, mode: 2 }, cfg)).toBe(false);
    expect(acceptable({ ...f, hdop: 3 }, cfg)).toBe(false);
    expect(acceptable({ ...f, satsUsed: 3 }, cfg)).toBe(false);
  });
});

describe("motion and report schedule", () => {
  it("moving / stopped / parked", () => {
    let m = newMotion(0, true);
    m = updateMotion(m, { now: 1000, acc: true, speed: 15, lat: 39.9, lon: 116.4 }, cfg);
    expect(m.kind).toBe("moving");
    m = updateMotion(m, { now: 60000, acc: true, speed: 0.3, lat: 39.9, lon: 116.4 }, cfg);
    expect(m.kind).toBe("stopped");
    m = updateMotion(m, { now: 120000, acc: false, speed: 0.2, lat: 39.9, lon: 116.4 }, cfg);
    expect(m.kind).toBe("stopped");
    m = updateMotion(m, { now: 120000 + cfg.park_after_s * 1000 + 1, acc: false }, cfg);
    expect(m.kind).toBe("parked");
    m = updateMotion(m, { now: 2000000, acc: false, speed: 0.5, lat: 39.91, lon: 116.4 }, cfg);
    expect(m.kind).toBe("moving"); // 1.1 km displacement with the engine off since the last fix: towed
  });

  it("arrival after a drive: moved since the last fix, engine off since, speed low = stopped", () => {
    let m = newMotion(0, true);
    m = updateMotion(m, { now: 1000, acc: true, speed: 15, lat: 39.9, lon: 116.4 }, cfg);
    // The ignition edge (no fix) at 280 s, the arrival fix 2 km further at 290 s.
    m = updateMotion(m, { now: 280000, acc: false }, cfg);
    m = updateMotion(m, { now: 290000, acc: false, speed: 0.1, lat: 39.918, lon: 116.4 }, cfg);
    expect(m.kind).toBe("stopped");
    expect(m.fixAt).toBe(290000);
    // The same arrival read while still rolling is moving; and with the engine on, a low speed after 2 km too.
    const drove = updateMotion(newMotion(0, true), { now: 1000, acc: true, speed: 15, lat: 39.9, lon: 116.4 }, cfg);
    const rolling = updateMotion(drove, { now: 290000, acc: false, speed: 3, lat: 39.918, lon: 116.4 }, cfg);
    expect(rolling.kind).toBe("moving");
    const light = updateMotion(drove, { now: 290000, acc: true, speed: 0, lat: 39.918, lon: 116.4 }, cfg);
    expect(light.kind).toBe("moving");
  });

  it("intervals per state and supply, from config defaults", () => {
    const at = (kind: "moving" | "stopped" | "parked", ext: boolean) => reportIntervalMs(cfg, { kind, since: 0 }, ext) / 1000;
    expect([at("moving", false), at("stopped", false), at("parked", false)]).toEqual([300, 1800, 14400]);
    expect([at("moving", true), at("stopped", true)]).toEqual([30, 300]);
  });

  it("strategies: time, distance, both; corners", () => {
    const moving = { kind: "moving" as const, since: 0 };
    const last = { at: 0, lat: 39.9, lon: 116.4, course: 90 };
    expect(nextReportAt(0, cfg, moving, last, false)).toBe(300000);
    const dist = { ...cfg, rep_strategy: 1 };
    expect(nextReportAt(0, dist, moving, last, false, 20)).toBe(50000);
    expect(nextReportAt(0, { ...cfg, rep_strategy: 2 }, moving, last, false, 2)).toBe(300000);
    expect(reportTriggered(60000, dist, moving, last, false, { lat: 39.91, lon: 116.4, course: 95 })).toBe("distance");
    expect(reportTriggered(60000, dist, moving, last, false, { lat: 39.9001, lon: 116.4, course: 95 })).toBeUndefined();
    expect(reportTriggered(60000, cfg, moving, last, false, { lat: 39.9001, lon: 116.4, course: 135 })).toBe("corner");
    expect(reportTriggered(300000, cfg, moving, last, false, { lat: 39.9001, lon: 116.4, course: 95 })).toBe("time");
    expect(nextReportAt(5, cfg, moving, undefined, false)).toBe(5);
  });
});
