// The short-message fallback duty in the wake cycle, on the device runner with the simulated 2.1 / 4.0 modules.
import { describe, expect, it } from "vitest";
import type { App } from "../../firmware/app/app";
import { rdssDuty } from "../../firmware/app/rdss-duty";
import { RDSS_TIMING } from "../../firmware/rdss/rdss-driver";
import { CENTRE_ID, field, rig } from "./rdss-rig";

const MIN = 60_000;
const DAY = 86_400_000;
/** Boot, card read and feedback on top of the interval and the beam wait. */
const SLACK_MS = 15_000;

describe.each(["2.1", "4.0"] as const)("short-message duty with a %s module", (version) => {
  it("sends an undelivered alarm once NB-IoT has failed rdss_after_s, and the records stay in the log", () => {
    const r = rig({ version, hours: 2, alarmsAtS: [1200], uplink: { everyS: 300, failFromS: 0 } });
    r.run();
    expect(r.centre.length).toBe(1);
    const alarmSeq = r.lines("record")[0].line;
    expect(r.centre[0].msg.records.map((x) => x.kind)).toEqual(["alarm"]);
    expect(String(r.centre[0].msg.records[0].seq)).toBe(field(alarmSeq, "seq"));
    expect(r.centre[0].at - 1200_000).toBeLessThan(SLACK_MS);
    expect(r.server.records().map((s) => s.via)).toEqual(["rdss"]);
    expect(r.pending().map((x) => x.kind)).toEqual(["alarm"]); // an NB-IoT ack deletes it, not the short message
    expect(r.lines("rdss-sent").map((l) => field(l.line, "records"))).toEqual(["1"]);
    expect(r.lines("rdss-tx").length).toBe(1);
    expect(r.runner.crashes + r.runner.watchdogResets).toBe(0);
  });

  it("waits rdss_after_s of NB-IoT failure before the first message", () => {
    const r = rig({ version, hours: 2, alarmsAtS: [60], uplink: { everyS: 300, failFromS: 0 }, settings: { rdss_after_s: "1800" } });
    r.run();
    expect(r.centre.length).toBe(1);
    const failingSince = 150; // the first session, at the first boot
    expect(r.centre[0].at).toBeGreaterThanOrEqual(failingSince + 1800_000);
    // The duty names that time: the device wakes for it, not at the next uplink session.
    expect(r.centre[0].at - (failingSince + 1800_000)).toBeLessThan(SLACK_MS);
  });

  it("a second alarm inside the card's interval goes out within interval + beam wait, the device waking for it", () => {
    const card = { id: "0166166", intervalS: 300, level: version === "2.1" ? 3 : 2 };
    const beams = [
      { t: 0, beams: 3 },
      { t: 1300, beams: 0 },
      { t: 1530, beams: 2 }, // back during the beam wait of the try at 1500 s
    ];
    const r = rig({ version, hours: 2, card, beams, alarmsAtS: [1200, 1230], uplink: { everyS: 1800, failFromS: 0 } });
    r.run();
    expect(r.centre.length).toBe(2);
    const [a, b] = r.lines("rdss-sent").map((l) => l.t); // when the module sent them; the centre gets them later
    expect(b - a).toBeGreaterThanOrEqual(card.intervalS * 1000);
    expect(b - 1230_000).toBeLessThanOrEqual(card.intervalS * 1000 + RDSS_TIMING.beamWaitMs + SLACK_MS);
    expect(r.sim.counters.rejected).toEqual({});
  });

  it("never breaks the card's interval over many wakes", () => {
    const card = { id: "0166166", intervalS: 300, level: version === "2.1" ? 3 : 2 };
    const alarms = Array.from({ length: 180 }, (_, i) => 60 + i * 120); // every 2 min for 6 h
    const r = rig({ version, hours: 6, card, alarmsAtS: alarms, uplink: { everyS: 600, failFromS: 0 }, settings: { rdss_daily_j: "5000", rdss_after_s: "60" } });
    r.run();
    expect(r.runner.wakes.length).toBeGreaterThan(150);
    const at = r.lines("rdss-sent").map((l) => l.t);
    expect(at.length).toBe(r.centre.length);
    expect(at.length).toBeGreaterThan(50);
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(card.intervalS * 1000);
    expect(r.sim.counters.rejected).toEqual({});
    expect(r.lines("rdss-failed").length).toBe(0);
    // Each message goes as soon as the interval allows: no message is later than interval + slack after the last.
    for (let i = 1; i < at.length; i++) expect(at[i] - at[i - 1]).toBeLessThan(card.intervalS * 1000 + SLACK_MS);
    // Every alarm reached the server, once each by short message.
    const seqs = r.centre.flatMap((c) => c.msg.records.map((x) => x.seq));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(r.server.records().length).toBe(r.lines("record").length - countAfter(r.lines("record"), at[at.length - 1]));
  });

  it("with no beams sends nothing, loses nothing, and powers the module at most every 15 min", () => {
    const r = rig({ version, hours: 12, beams: [{ t: 0, beams: 0 }], alarmsAtS: [600, 3600, 7200], uplink: { everyS: 300, failFromS: 0 } });
    r.run();
    expect(r.sim.counters.sent).toBe(0);
    expect(r.centre.length).toBe(0);
    expect(r.pending().filter((x) => x.kind === "alarm").length).toBe(3);
    const tries = r.lines("rdss-off");
    expect(tries.length).toBeGreaterThan(0);
    for (const t of tries) expect(field(t.line, "outcome")).not.toBe("sent");
    for (let i = 1; i < tries.length; i++) expect(tries[i].t - tries[i - 1].t).toBeGreaterThanOrEqual(15 * MIN);
    // Beam waits are paid from the daily cap too: the module's energy stays within it.
    expect(joules(r.meter.byComponent().rdss)).toBeLessThanOrEqual(200 * 1.1);
    expect(r.runner.crashes + r.runner.watchdogResets).toBe(0);
  });

  it("holds the daily energy cap, day after day", () => {
    const alarms = Array.from({ length: 2 * 144 }, (_, i) => 300 + i * 600); // every 10 min for 2 days
    const r = rig({ version, hours: 48, alarmsAtS: alarms, uplink: { everyS: 1800, failFromS: 0 }, settings: { rdss_daily_j: "100" } });
    const perDay: number[] = [];
    let prev = 0;
    for (const d of [1, 2]) {
      r.sched.at(d * DAY, () => {
        const now = joules(r.meter.byComponent().rdss);
        perDay.push(now - prev);
        prev = now;
      });
    }
    r.run();
    expect(perDay.length).toBe(2);
    const msgsPerDay = [0, 1].map((d) => r.centre.filter((c) => Math.floor(c.at / DAY) === d).length);
    // 100 J less the try reserve holds 4 messages of 20 J + ~2.5 s standby; the next day starts afresh.
    expect(msgsPerDay).toEqual([4, 4]);
    for (const j of perDay) expect(j).toBeLessThanOrEqual(100);
    for (const l of r.lines("rdss-off")) expect(Number(field(l.line, "used_j"))).toBeLessThanOrEqual(100);
  });
});

describe("short-message duty", () => {
  it("without an RDSS port is never due and never runs", () => {
    const r = rig({ version: "4.0", hours: 2, alarmsAtS: [600], uplink: { everyS: 300, failFromS: 0, coverage: "none" }, withoutPort: true });
    r.run();
    expect(r.centre.length).toBe(0);
    expect(r.lines("rdss-off").length).toBe(0);
    const app = { ports: { rdss: undefined } } as unknown as App;
    expect(rdssDuty.dueAt(app)).toBe(Infinity);
  });

  it("does not wake the device while NB-IoT works, nor once everything was sent", () => {
    const healthy = rig({ version: "4.0", hours: 4, alarmsAtS: [600], uplink: { everyS: 3600, failFromS: 1e9 } });
    healthy.run();
    expect(healthy.centre.length).toBe(0);
    expect(healthy.runner.wakes.length).toBe(5); // boot, alarm, and the hourly sessions: nothing for the fallback

    const down = rig({ version: "4.0", hours: 4, alarmsAtS: [600], uplink: { everyS: 3600, failFromS: 0, coverage: "none" } });
    down.run();
    expect(down.centre.length).toBe(1);
    expect(down.lines("rdss-sent")[0].t - 600_000).toBeLessThan(SLACK_MS); // in the alarm's own wake
    expect(down.runner.wakes.length).toBe(5);
  });

  it("an NB-IoT ack clears the ledger; records sent by short message are not sent that way twice", () => {
    const r = rig({ version: "2.1", hours: 3, alarmsAtS: [600, 4000], uplink: { everyS: 300, failFromS: 0, ackAtS: [3000] } });
    r.run();
    expect(r.centre.map((c) => c.msg.records.map((x) => x.kind))).toEqual([["alarm"], ["alarm"]]);
    expect(r.lines("t-acked").length).toBe(1);
    expect(r.pending().map((x) => x.kind)).toEqual(["alarm"]); // the second one, not acked yet
  });

  it("applies a SET from the command centre from the next wake, and rejects a bad one whole", () => {
    const r = rig({ version: "4.0", hours: 1, alarmsAtS: [600, 1800], uplink: { everyS: 300, failFromS: 0, coverage: "none" } });
    r.sim.centreSend("SET rep_moving_s=600 rdss_stale_s=7200");
    r.run(1000_000);
    expect(r.settings.get("rep_moving_s")).toBe("600");
    expect(r.settings.get("rdss_stale_s")).toBe("7200");
    expect(r.lines("config-change").map((l) => field(l.line, "via"))).toEqual(["rdss"]);
    r.sim.centreSend("SET rep_moving_s=5"); // out of range: rejected whole
    r.sched.run(3600_000);
    expect(r.settings.get("rep_moving_s")).toBe("600");
    expect(r.lines("rdss-command-rejected").length).toBe(1);
  });

  it("takes commands only from the command centre's card (rdss_dest)", () => {
    const r = rig({ version: "2.1", hours: 1, alarmsAtS: [600], uplink: { everyS: 300, failFromS: 0, coverage: "none" }, settings: { rdss_dest: "0000001" } });
    r.sim.centreSend("SET rep_moving_s=600");
    r.run();
    expect(r.centre.length).toBe(1);
    expect(r.settings.get("rep_moving_s")).toBeUndefined();
    expect(r.lines("rdss-command-rejected").map((l) => field(l.line, "from"))).toEqual([CENTRE_ID]);
  });

  it("a power cut during a try loses the RTC memory, not the records nor the ledger, and the card's interval still holds", () => {
    const card = { id: "0166166", intervalS: 300, level: 2 };
    // The first message goes at ~600.15 s; the cut lands in the try for the second alarm, after its burst.
    const r = rig({ version: "4.0", hours: 2, card, alarmsAtS: [600, 1000], faults: [{ t: 1002.2, kind: "power-cut", for: 5 }], uplink: { everyS: 120, failFromS: 0, coverage: "none" } });
    r.run();
    expect(r.runner.powerCuts).toBe(1);
    expect(r.runner.crashes + r.runner.watchdogResets).toBe(0);
    const sent = r.lines("rdss-tx").map((l) => l.t);
    for (let i = 1; i < sent.length; i++) expect(sent[i] - sent[i - 1]).toBeGreaterThanOrEqual(card.intervalS * 1000);
    expect(r.server.records().map((x) => x.rec.kind)).toEqual(["alarm", "alarm"]);
    expect(r.pending().length).toBe(2);
    // The ledger's NVS copy outlives the cut: the device never asks inside the interval (no refusal) and
    // neither alarm goes by satellite twice.
    expect(r.sim.counters.rejected).toEqual({});
    expect(r.sim.counters.sent).toBe(2);
    expect(r.server.counters.duplicates).toBe(0);
  });
});

function joules(mAh: number): number {
  return mAh * 3.6 * 3.6; // supply_v 3.6 V
}

function countAfter(lines: { t: number }[], t: number): number {
  return lines.filter((l) => l.t > t).length;
}
