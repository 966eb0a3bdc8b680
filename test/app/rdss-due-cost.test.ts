/**
 * The short-message duty's dueAt() runs on every wake while NB-IoT is gone (twice: when the wake plans and when
 * it sleeps). Whether a message is due turns on the undelivered alarms and the staleness of the platform's
 * position, so it reads the events alone: a gap's backlog of routine records is not decrypted for the question.
 * The answer stays the one the whole list gives, also when only routine records are left to carry.
 */
import { describe, expect, it } from "vitest";
import type { Ports } from "../../hal/ports";
import { App } from "../../firmware/app/app";
import { freshState } from "../../firmware/app/app-state";
import type { LinkHealth } from "../../firmware/app/duty";
import { rdssDuty } from "../../firmware/app/rdss-duty";
import { RDSS_MOD, type RdssMemory, saveMemory } from "../../firmware/app/rdss-memory";
import { defaults } from "../../firmware/config/config";
import { newLedger, noteSent } from "../../firmware/rdss/fallback-policy";
import { RecordLog } from "../../firmware/store/record-log";
import { SimFlash } from "../../sim/devices/flash-sim";
import { SimSettings } from "../../sim/devices/settings-sim";
import { makeRecord, testSealer } from "../store/records";

const HOUR = 3600_000;
const NOW = 27 * HOUR;
const CARD = { id: "0138001", intervalS: 60, level: 2, capacityBits: 14000, version: "4.0" as const };

/** An app in a coverage gap with `routine` temperature records pending and the given events before them. */
function gapApp(events: ("raise" | "clear")[], routine: number, opts: { posAckAt: number; sentEvents: boolean; posAt?: number; sentAll?: boolean }) {
  const flash = new SimFlash(4096, 32);
  const sealer = testSealer();
  let opened = 0;
  const open = sealer.open.bind(sealer);
  sealer.open = (...a: Parameters<typeof open>) => {
    opened++;
    return open(...a);
  };
  const records = RecordLog.open(flash, undefined, undefined, sealer);
  const alarms = events.map((e, i) => {
    const rec = makeRecord(i * 2, "alarm");
    rec.detail = { code: "temp-high", raised: e === "raise", probe: 0, extreme: 95 };
    return { ...rec, seq: records.append(rec) };
  });
  for (let n = 0; n < routine; n++) records.append(makeRecord(1000 + n, "temperature"));
  const ports = {
    clock: { now: () => NOW, wallTime: () => undefined, setWallTime() {}, at: () => -1, cancel() {} },
    log: { log() {} },
    settings: new SimSettings(),
    rdss: {},
  } as unknown as Ports;
  const app = new App(ports, defaults(), freshState(0), records);
  app.saveMod("nbiot", { coverage: "none", failingSince: 20 * HOUR, lastPositionAckAt: opts.posAckAt } satisfies LinkHealth);
  const m: RdssMemory = { drv: { card: CARD, lastSendMs: 25 * HOUR, nextSendMs: 25 * HOUR + 60_000 }, ledger: newLedger(), cmds: { applied: 0, rejected: 0 } };
  if (opts.sentEvents) m.ledger = noteSent(m.ledger, 25 * HOUR, alarms);
  if (opts.sentAll) m.ledger = noteSent(m.ledger, 25 * HOUR, records.peek(10_000));
  m.posAt = opts.posAt ?? 25 * HOUR;
  saveMemory(app, m);
  opened = 0;
  return { app, opened: () => opened };
}

describe("short-message duty: the due question in a gap", () => {
  const stale = defaults().rdss_stale_s * 1000;

  it("an alarm already sent by short message and a fresh position: due at the staleness, no routine body read", () => {
    const r = gapApp(["raise"], 300, { posAckAt: 20 * HOUR, sentEvents: true });
    expect(rdssDuty.dueAt(r.app)).toBe(25 * HOUR + stale);
    expect(r.opened()).toBe(1);
    expect(r.app.mod(RDSS_MOD)).toBeDefined();
  });

  it("a raise not yet sent: due now, reading only the events", () => {
    const r = gapApp(["clear", "raise"], 300, { posAckAt: 20 * HOUR, sentEvents: false });
    expect(rdssDuty.dueAt(r.app)).toBe(NOW);
    expect(r.opened()).toBe(2);
  });

  it("a clear alone waits for the staleness (it rides in the next message)", () => {
    const r = gapApp(["clear"], 50, { posAckAt: 20 * HOUR, sentEvents: false });
    expect(rdssDuty.dueAt(r.app)).toBe(25 * HOUR + stale);
  });

  it("a stale position with only routine records left: still due now (the whole list fills the message)", () => {
    const r = gapApp(["raise"], 40, { posAckAt: 0, sentEvents: true, posAt: 20 * HOUR });
    // Stale: the newest position the platform has is the one a message carried 7 h ago.
    expect(NOW - 20 * HOUR).toBeGreaterThanOrEqual(stale);
    expect(rdssDuty.dueAt(r.app)).toBe(NOW);
    expect(r.opened()).toBeGreaterThan(40);
  });

  it("everything pending already went by short message: nothing to wait for (Infinity), exactly as the whole list says", () => {
    const r = gapApp(["raise"], 20, { posAckAt: 0, sentEvents: true, sentAll: true, posAt: 26 * HOUR });
    expect(rdssDuty.dueAt(r.app)).toBe(Infinity);
  });
});
