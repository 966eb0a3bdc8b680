/**
 * The cheap questions the short-message fallback asks of the record log on every wake of a coverage gap: the
 * events alone (alarms, door and trip records) and the oldest pending seq. Neither may open a routine record's
 * body: in a long gap the backlog is hundreds of routine records, each an AES-CCM decryption on a device.
 */
import { describe, expect, it } from "vitest";
import { RecordLog } from "../../firmware/store/record-log";
import type { RecordKind } from "../../firmware/store/track-record";
import { SimFlash } from "../../sim/devices/flash-sim";
import { makeRecord, testSealer, withSeq } from "./records";

/** A sealer that counts the bodies it opens. */
function countingSealer() {
  const s = testSealer();
  const counter = { opened: 0 };
  const open = s.open.bind(s);
  s.open = (...args: Parameters<typeof open>) => {
    counter.opened++;
    return open(...args);
  };
  return { sealer: s, counter };
}

/** 120 routine records with events among them; returns the flash, the seqs by kind and the log's snapshot. */
function backlog() {
  const flash = new SimFlash(4096, 16);
  const log = RecordLog.open(flash, undefined, undefined, testSealer());
  const kinds: RecordKind[] = [];
  for (let n = 0; n < 120; n++) kinds.push(n === 30 || n === 90 ? "alarm" : n === 50 ? "door" : n === 70 ? "trip" : "temperature");
  const seqs = kinds.map((k, n) => ({ seq: log.append(makeRecord(n, k)), kind: k, n }));
  return { flash, seqs, snap: log.snapshot() };
}

describe("record log: the events alone, and the oldest pending seq", () => {
  it("peekPriority(max, 1) hands out alarms, then door and trip events, and opens no routine body", () => {
    const { flash, seqs, snap } = backlog();
    const { sealer, counter } = countingSealer();
    const log = RecordLog.open(flash, undefined, snap, sealer);
    const events = log.peekPriority(500, 1);
    const want = ["alarm", "door", "trip"].flatMap((k) => seqs.filter((s) => s.kind === k));
    expect(events).toEqual(want.map((s) => withSeq(s.seq, makeRecord(s.n, s.kind))));
    expect(counter.opened).toBe(4);
    // The whole list still comes in priority order, every body opened once.
    const all = log.peekPriority(500);
    expect(all.length).toBe(120);
    expect(all.slice(0, 4)).toEqual(events);
    expect(counter.opened).toBe(4 + 120);
  });

  it("peekPriority(max, 2, true) takes the routine records newest first, after every event, opening only those", () => {
    const { flash, seqs, snap } = backlog();
    const { sealer, counter } = countingSealer();
    const log = RecordLog.open(flash, undefined, snap, sealer);
    const got = log.peekPriority(14, 2, true);
    const events = ["alarm", "door", "trip"].flatMap((k) => seqs.filter((s) => s.kind === k));
    const newest = seqs.filter((s) => s.kind === "temperature").slice(-10).reverse();
    expect(got).toEqual(events.concat(newest).map((s) => withSeq(s.seq, makeRecord(s.n, s.kind))));
    expect(counter.opened).toBe(14);
    // The default stays oldest first.
    expect(log.peekPriority(5)[4]).toEqual(withSeq(seqs[0].seq, makeRecord(0, "temperature")));
  });

  it("oldestSeq() is the first undelivered seq, read from the index without opening a body", () => {
    const { flash, seqs, snap } = backlog();
    const { sealer, counter } = countingSealer();
    const log = RecordLog.open(flash, undefined, snap, sealer);
    expect(log.oldestSeq()).toBe(seqs[0].seq);
    log.ack(seqs.slice(0, 40).map((s) => s.seq));
    expect(log.oldestSeq()).toBe(seqs[40].seq);
    expect(counter.opened).toBe(0);
    log.ack(seqs.map((s) => s.seq));
    expect(log.oldestSeq()).toBeUndefined();
    expect(log.peekPriority(10, 1)).toEqual([]);
  });
});
