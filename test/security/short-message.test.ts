/**
 * Short messages on a provisioned device: reports carry a 32-bit tag and counter and still fit a level-3 card's
 * 628 bits; the centre refuses a forged or replayed report; the terminal applies only a SET signed with its key
 * under a fresh counter — a forged MAC, an unsigned command or a replay is refused, counted, and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { encode } from "../../firmware/rdss/compact-codec";
import { REPORT_AUTH_BITS, openReport, signCommand, signReport, verifyCommand } from "../../firmware/rdss/short-message-auth";
import { simCrypto as c } from "../../sim/devices/crypto-sim";
import { field, rig } from "../app/rdss-rig";

const KEY = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i); // TEST KEY ONLY

describe("short-message authentication", () => {
  it("a full alarm report with its tag and counter fits 628 bits; a flipped bit or a replay is refused", () => {
    const alarm = {
      seq: 4_000_000_000, kind: "alarm" as const, utc: Date.UTC(2026, 6, 1), mono: 0,
      fix: { lat: -33.86882, lon: 151.20929, alt: 58, speedKmh: 87.4, course: 359, sats: 31, gps: true, bds: true, utc: Date.UTC(2026, 6, 1) - 3_600_000 },
      temps: [-251, 83, null, 1234], doorOpen: true, acc: true, external: false, batteryMv: 3581, alarms: 0x8000_0001,
      detail: { code: "temp-high" as const, raised: true, probe: 3, band: 15, extreme: 1234, startUtc: Date.UTC(2026, 6, 1) - 600_000, durationS: 600 },
      odometerM: 4_000_000_000, rssi: -113,
    };
    const { bytes, count } = encode([alarm], 628 - REPORT_AUTH_BITS);
    expect(count).toBe(1);
    const signed = signReport(c, KEY, 41, bytes);
    expect(signed.length * 8).toBeLessThanOrEqual(628);
    expect(openReport(c, KEY, 40, signed)).toEqual({ payload: bytes, counter: 41 });
    expect(openReport(c, KEY, 41, signed)).toEqual({ error: "replay" });
    const bad = signed.slice();
    bad[3] ^= 0x10;
    expect(openReport(c, KEY, 0, bad)).toEqual({ error: "bad-mac" });
  });

  it("commands: signed passes once, then only above its counter; forged, unsigned or altered ones fail", () => {
    const cmd = signCommand(c, KEY, 7, "SET rep_moving_s=600");
    expect(cmd).toMatch(/^SET rep_moving_s=600 n=7 m=[0-9a-f]{8}$/);
    expect(cmd.length * 8).toBeLessThanOrEqual(628);
    expect(verifyCommand(c, KEY, 6, cmd)).toEqual({ command: "SET rep_moving_s=600", counter: 7 });
    expect(verifyCommand(c, KEY, 7, cmd)).toEqual({ error: "old-counter" });
    expect(verifyCommand(c, KEY, 0, cmd.replace("600", "60"))).toEqual({ error: "bad-mac" });
    expect(verifyCommand(c, KEY, 0, cmd.replace(/m=\w+/, "m=00000000"))).toEqual({ error: "bad-mac" });
    expect(verifyCommand(c, KEY, 0, "SET rep_moving_s=600")).toEqual({ error: "unsigned" });
  });
});

describe("short messages on a provisioned tracker", () => {
  const plan = { everyS: 300, failFromS: 0, coverage: "none" as const };

  it("delivers signed reports the centre accepts", () => {
    const r = rig({ version: "2.1", hours: 1, alarmsAtS: [600], uplink: plan, secure: true });
    r.run();
    expect(r.centre.length).toBe(1);
    expect(r.centre[0].msg.error).toBeUndefined();
    expect(r.server.records().map((x) => x.rec.kind)).toEqual(["alarm"]);
    expect(r.centre[0].msg.bytes.length * 8).toBeLessThanOrEqual(628);
  });

  it("applies a signed SET once; a forged MAC, an unsigned SET and the replay are refused and change nothing", () => {
    const r = rig({ version: "4.0", hours: 2, alarmsAtS: [600, 1800, 3000, 4200], uplink: plan, secure: true });
    const good = r.server.security.signCommand("13800138000", "SET rep_moving_s=600");
    r.sim.centreSend(good);
    r.run(1000_000);
    expect(r.settings.get("rep_moving_s")).toBe("600");
    r.sim.centreSend(r.server.security.signCommand("13800138000", "SET rep_moving_s=900").replace(/m=\w+/, "m=deadbeef"));
    r.sim.centreSend("SET rep_moving_s=1200");
    r.sim.centreSend(good);
    r.sched.run(7200_000);
    expect(r.settings.get("rep_moving_s")).toBe("600");
    expect(r.lines("rdss-command-rejected").map((l) => field(l.line, "error"))).toEqual(["bad-mac", "unsigned", "old-counter"]);
    expect(r.lines("config-change").length).toBe(1);
  });
});
