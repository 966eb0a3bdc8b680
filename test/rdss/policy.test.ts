// The short-message fallback policy as tables, and a day of wakes that must never break its limits.
import { describe, expect, it } from "vitest";
import { defaults } from "../../firmware/config/config";
import type { CardInfo } from "../../firmware/rdss/card-limits";
import { decode } from "../../firmware/rdss/compact-codec";
import {
  decide,
  newLedger,
  noteAcked,
  noteSent,
  noteStandby,
  noBeamWaitMs,
  NO_BEAM_MAX_MS,
  NO_BEAM_RETRY_MS,
  RDSS_MESSAGE_J,
  type PolicyInput,
} from "../../firmware/rdss/fallback-policy";
import { parseTextCommand } from "../../firmware/rdss/text-command";
import type { TrackRecord } from "../../firmware/store/track-record";

const MIN = 60_000;
const CARD: CardInfo = { id: "0166166", intervalS: 60, level: 3, capacityBits: 628, version: "2.1" };
const config = { rdss_after_s: 600, rdss_stale_s: 14400, rdss_daily_j: 200 };

/** An alarm's clear: a record of kind alarm whose detail says raised: false. */
function clear(seq: number): TrackRecord {
  const r = rec(seq, "alarm");
  return { ...r, detail: { code: "temp-high", raised: false, probe: 0 } };
}

function rec(seq: number, kind: TrackRecord["kind"] = "position"): TrackRecord {
  return {
    seq,
    kind,
    utc: 1_780_000_000_000 + seq * 1000,
    mono: seq * 1000,
    fix: { lat: 31.2304, lon: 121.4737, alt: 4, speedKmh: 50, course: 90, sats: 10, gps: true, bds: true, utc: 1_780_000_000_000 },
    temps: [42],
    doorOpen: false,
    acc: true,
    external: false,
    batteryMv: 3600,
    alarms: 0,
    detail: kind === "alarm" ? { code: "temp-high", raised: true, probe: 0 } : undefined,
  };
}

const NOW = 10 * 3600_000;

function input(over: Partial<PolicyInput> = {}): PolicyInput {
  return {
    nowMs: NOW,
    config,
    nbiot: { coverage: "good", failingSinceMs: NOW - 11 * MIN },
    lastDeliveredPositionMs: NOW - 5 * 3600_000,
    undelivered: [rec(1), rec(2, "alarm"), rec(3)],
    card: CARD,
    ledger: newLedger(),
    ...over,
  };
}

describe("fallback policy table", () => {
  const cases: [string, Partial<PolicyInput>, string][] = [
    ["NB-IoT fine", { nbiot: { coverage: "good" } }, "nbiot-ok"],
    ["NB-IoT failing, not long enough", { nbiot: { coverage: "poor", failingSinceMs: NOW - 9 * MIN } }, "nbiot-ok"],
    ["NB-IoT failing exactly rdss_after_s", { nbiot: { coverage: "poor", failingSinceMs: NOW - 10 * MIN } }, "send"],
    ["no NB-IoT coverage at all", { nbiot: { coverage: "none" } }, "send"],
    ["nothing due: no alarm, position fresh", { undelivered: [rec(1)], lastDeliveredPositionMs: NOW - 3600_000 }, "nothing-due"],
    ["stale position without alarm", { undelivered: [rec(1)], lastDeliveredPositionMs: NOW - 4 * 3600_000 }, "send"],
    ["never delivered anything", { undelivered: [rec(1)], lastDeliveredPositionMs: undefined }, "send"],
    ["inside the card interval", { nextSendMs: NOW + 1 }, "interval"],
    ["interval just passed", { nextSendMs: NOW }, "send"],
    ["no beams 5 min ago", { beams: { usable: 0, atMs: NOW - 5 * MIN } }, "no-beams"],
    ["no beams 20 min ago", { beams: { usable: 0, atMs: NOW - 20 * MIN } }, "send"],
    ["no beams 20 min ago, the second try in a row without", { beams: { usable: 0, atMs: NOW - 20 * MIN, misses: 2 } }, "no-beams"],
    ["no beams 31 min ago, the second try in a row without", { beams: { usable: 0, atMs: NOW - 31 * MIN, misses: 2 } }, "send"],
    ["no beams 3 h ago, the sixth try in a row without (4 h cap)", { beams: { usable: 0, atMs: NOW - 180 * MIN, misses: 6 } }, "no-beams"],
    ["no beams 4 h ago, the sixth try in a row without (4 h cap)", { beams: { usable: 0, atMs: NOW - 240 * MIN, misses: 6 } }, "send"],
    ["beams seen", { beams: { usable: 2, atMs: NOW - MIN } }, "send"],
    ["energy cap spent", { ledger: { day: 0, usedJ: 181, sent: [] } }, "energy-cap"],
    ["energy cap exactly one message left", { ledger: { day: 0, usedJ: 180, sent: [] } }, "send"],
    ["yesterday's energy does not count", { ledger: { day: -1, usedJ: 1000, sent: [] } }, "send"],
    ["cap 0 disables short messages", { config: { ...config, rdss_daily_j: 0 } }, "energy-cap"],
    ["card not read yet", { card: undefined }, "read-card"],
    ["all already sent by short message", { undelivered: [rec(2, "alarm")], ledger: { day: 0, usedJ: 20, sent: [2, 2] }, lastDeliveredPositionMs: NOW - 60_000 }, "nothing-due"],
    ["a clear alone, position fresh: it waits for the next message", { undelivered: [rec(1), clear(2)], lastDeliveredPositionMs: NOW - 3600_000 }, "nothing-due"],
    ["a clear with a stale position: it rides along", { undelivered: [rec(1), clear(2)], lastDeliveredPositionMs: NOW - 4 * 3600_000 }, "send"],
    ["a clear and a raise: the raise goes", { undelivered: [clear(1), rec(2, "alarm")], lastDeliveredPositionMs: NOW - 60_000 }, "send"],
    ["card too small for a record", { card: { ...CARD, level: 1, capacityBits: 110 } }, "no-record"],
  ];
  it.each(cases)("%s", (_name, over, want) => {
    const d = decide(input(over));
    expect(d.action === "wait" ? d.reason : d.action).toBe(want);
  });

  it("no-beam retries double from 15 min up to 4 h", () => {
    expect([1, 2, 3, 4, 5, 6, 9].map((n) => noBeamWaitMs(n) / MIN)).toEqual([15, 30, 60, 120, 240, 240, 240]);
    expect(noBeamWaitMs()).toBe(NO_BEAM_RETRY_MS);
    expect(NO_BEAM_MAX_MS).toBe(240 * MIN);
  });

  it("sends alarms first, then the newest position, and the payload decodes to them", () => {
    const d = decide(input({ undelivered: [rec(1), rec(2, "alarm"), rec(3), rec(4, "alarm"), rec(5)], card: { ...CARD, capacityBits: 14000 } }));
    expect(d.action).toBe("send");
    if (d.action !== "send") return;
    expect(d.records.map((r) => r.seq)).toEqual([2, 4, 5, 3, 1]);
    expect(decode(d.bytes).map((r) => r.seq)).toEqual([2, 4, 5, 3, 1]);
  });

  it("a clear that waited goes first in the next message, with the raise that sent it", () => {
    const d = decide(input({ undelivered: [rec(1), clear(2), rec(3), rec(4, "alarm")], card: { ...CARD, capacityBits: 14000 } }));
    expect(d.action === "send" && d.records.map((r) => r.seq)).toEqual([2, 4, 3, 1]);
  });

  it("a level-3 card carries the alarm first when not everything fits", () => {
    const d = decide(input({ undelivered: [rec(1), rec(2), rec(3), rec(9, "alarm")] }));
    expect(d.action === "send" && d.records[0].seq).toBe(9);
    expect(d.action === "send" && d.bytes.length).toBeLessThanOrEqual(78);
  });
});

describe("a day of wakes every 30 s with NB-IoT down and a new alarm every 10 min", () => {
  it("never breaks the interval or the energy cap, and sends only after NB-IoT failed long enough", () => {
    let ledger = newLedger();
    let nextSendMs: number | undefined;
    const sends: number[] = [];
    const undelivered: TrackRecord[] = [];
    const failingSince = 3600_000;
    for (let now = 3600_000; now < 3600_000 + 2 * 86_400_000; now += 30_000) {
      if (now % (10 * MIN) === 0) undelivered.push(rec(undelivered.length + 1, "alarm"));
      const d = decide(input({ nowMs: now, nbiot: { coverage: "poor", failingSinceMs: failingSince }, undelivered, nextSendMs, ledger }));
      if (d.action !== "send") continue;
      sends.push(now);
      ledger = noteStandby(noteSent(ledger, now, d.records), now, 5000);
      nextSendMs = now + CARD.intervalS * 1000;
    }
    expect(sends.length).toBeGreaterThan(0);
    expect(sends[0]).toBeGreaterThanOrEqual(failingSince + config.rdss_after_s * 1000);
    for (let i = 1; i < sends.length; i++) expect(sends[i] - sends[i - 1]).toBeGreaterThanOrEqual(CARD.intervalS * 1000);
    const perDay = new Map<number, number>();
    for (const t of sends) perDay.set(Math.floor(t / 86_400_000), (perDay.get(Math.floor(t / 86_400_000)) ?? 0) + 1);
    for (const n of perDay.values()) expect(n * RDSS_MESSAGE_J).toBeLessThanOrEqual(config.rdss_daily_j);
    // The cap, not the alarms, limits a full day: with 3.3 J of standby per message, 8 x 23.3 J fit in 200 J.
    expect(Math.max(...perDay.values())).toBe(8);
  });

  it("records sent by short message are not sent twice that way, and come back once NB-IoT acks them", () => {
    const first = decide(input({ undelivered: [rec(2, "alarm")] }));
    expect(first.action).toBe("send");
    const ledger = noteSent(newLedger(), NOW, first.action === "send" ? first.records : []);
    const again = decide(input({ undelivered: [rec(2, "alarm")], ledger, lastDeliveredPositionMs: NOW }));
    expect(again.action === "wait" && again.reason).toBe("nothing-due");
    expect(noteAcked(ledger, [2]).sent).toEqual([]);
  });
});

describe("text commands", () => {
  it.each([
    ["SET rep_moving_s=600", { ok: { rep_moving_s: 600 } }],
    ["set rep_moving_s=600,rdss_dest=0247718", { ok: { rep_moving_s: 600, rdss_dest: "0247718" } }],
    ["SET bands=*:2:8:600:300:0.5:0;rear:-25:-15:600:300:0.5:1", { ok: { bands: "*:2:8:600:300:0.5:0;rear:-25:-15:600:300:0.5:1" } }],
  ])("%s", (text, want) => {
    expect(parseTextCommand(text)).toEqual(want);
  });

  it.each(["", "SET", "GET rep_moving_s", "SET rep_moving_s", "SET rep_moving_s=5", "SET nope=1", "SET rep_moving_s=600 rep_moving_s=700"])(
    "rejects %j whole",
    (text) => {
      expect("error" in parseTextCommand(text)).toBe(true);
    },
  );

  it("uses the configuration's own names", () => {
    for (const k of ["rdss_dest", "rdss_after_s", "rdss_stale_s", "rdss_daily_j"]) expect(k in defaults()).toBe(true);
  });
});

describe("the ledger with BDS-3 batches", () => {
  it("a message of a hundred records is remembered whole: nothing of it goes again, and acks shrink it", () => {
    const many = Array.from({ length: 100 }, (_, i) => rec(i + 1, i % 10 === 0 ? "alarm" : "position"));
    const card: CardInfo = { ...CARD, version: "4.0", level: 2, capacityBits: 14000 };
    const first = decide(input({ undelivered: many, card }));
    expect(first.action).toBe("send");
    if (first.action !== "send") return;
    expect(first.records.length).toBeGreaterThan(64);
    const ledger = noteSent(newLedger(), NOW, first.records);
    expect(ledger.sent.length).toBeLessThanOrEqual(4);
    const again = decide(input({ undelivered: many, card, ledger, nowMs: NOW + 120_000 }));
    if (again.action === "send") expect(again.records.every((r) => !first.records.some((f) => f.seq === r.seq))).toBe(true);
    const acked = noteAcked(ledger, first.records.map((r) => r.seq));
    expect(acked.sent).toEqual([]);
  });
});
