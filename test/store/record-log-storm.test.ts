/**
 * A randomized power-cut storm: thousands of appends, peeks, acks and wakes on a small flash that wraps all the
 * time, with cuts at random bytes of any flash operation (including the recovery's own writes). The model check
 * after every reopen: nothing unknown or altered, nothing twice, nothing acked comes back, and
 * delivered + pending + dropped = appended, each drop counted by kind.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RecordLog } from "../../firmware/store/record-log";
import type { RecordSealer } from "../../firmware/store/record-seal";
import { PowerCutError, SimFlash } from "../../sim/devices/flash-sim";
import { Rng } from "../../sim/world/rng";
import { LogModel } from "./log-model";
import { makeRecord, randomKind, testSealer } from "./records";

// The same promises with the record bodies encrypted at rest: each describe runs plain, then sealed.
let sealer: RecordSealer | undefined;
const openLog = (flash: Parameters<typeof RecordLog.open>[0], log?: Parameters<typeof RecordLog.open>[1], saved?: unknown) =>
  RecordLog.open(flash, log, saved, sealer);

interface StormResult {
  model: LogModel;
  cuts: number;
  wakes: number;
  flash: SimFlash;
}

function storm(seed: number, ops: number, pageSize: number, pageCount: number, priorityShare: number, readRate: number): StormResult {
  const rng = new Rng(seed);
  const cutRng = rng.fork("cut");
  const flash = new SimFlash(pageSize, pageCount);
  const model = new LogModel();
  let log = openLog(flash);
  let cuts = 0;
  let wakes = 0;
  let n = 0;
  const wake = () => {
    model.endSession(log);
    for (;;) {
      if (rng.chance(0.2)) flash.armCut(rng.int(0, 40), cutRng); // cut the recovery too, now and then
      try {
        log = openLog(flash);
        break;
      } catch (e) {
        if (!(e instanceof PowerCutError)) throw e;
        flash.powerOn();
        cuts++;
      }
    }
    flash.disarm();
    model.reconcile(log);
    wakes++;
  };
  for (let op = 0; op < ops; op++) {
    // an armed cut stays armed across operations until it fires somewhere in the flash traffic
    if (!flash.armed && rng.chance(0.05)) flash.armCut(rng.int(0, 2 * pageSize), cutRng);
    try {
      const r = rng.next();
      if (r < 0.6) {
        const rec = makeRecord(n++, randomKind(rng, priorityShare));
        model.appendCut(log.stats().nextSeq, rec);
        model.appendReturned(log.append(rec), rec);
      } else if (r < 0.6 + readRate) {
        const batch = rng.chance(0.5) ? log.peek(rng.int(1, 8)) : log.peekPriority(rng.int(1, 8));
        model.checkHandedOut(batch);
        const seqs = batch.filter(() => rng.chance(0.9)).map((x) => x.seq);
        if (rng.chance(0.1)) seqs.push(model.lastSeq + 1000, 0); // acks of unknown seqs are ignored
        model.ackCut(seqs);
        log.ack(seqs);
        model.ackReturned(seqs);
      } else if (r < 0.97) {
        expect(log.pending()).toBeLessThanOrEqual(model.pending.size);
      } else wake(); // a deep sleep: RAM lost, the flash as it is
    } catch (e) {
      if (!(e instanceof PowerCutError)) throw e;
      flash.powerOn();
      cuts++;
      wake();
    }
  }
  flash.disarm();
  wake();
  return { model, cuts, wakes, flash };
}

for (const sealed of [false, true]) describe(`record log power-cut storm${sealed ? " (encrypted at rest)" : ""}`, () => {
  beforeAll(() => {
    sealer = sealed ? testSealer() : undefined;
  });
  it("keeps every promise through thousands of operations and hundreds of cuts (4 × 512 B, reader behind)", () => {
    const { model, cuts, wakes, flash } = storm(1, 5000, 512, 4, 0.25, 0.25);
    const delivered = model.acked.size;
    console.log(
      `storm 4x512: ${model.appended} appended, ${delivered} delivered, ${model.pending.size} pending, ` +
        `${model.vanishedTotal} dropped (${JSON.stringify(model.vanished)}), ${cuts} cuts, ${wakes} wakes, ` +
        `erases per page ${Array.from(flash.erasesPerPage).join("/")}`,
    );
    expect(cuts).toBeGreaterThan(120);
    expect(model.vanishedTotal).toBeGreaterThan(0);
    expect(delivered + model.pending.size + model.vanishedTotal).toBe(model.appended);
  });

  it("drops nothing when the reader keeps up, cuts or not (8 × 1 KB)", () => {
    const { model, cuts } = storm(2, 5000, 1024, 8, 0.3, 0.37);
    expect(cuts).toBeGreaterThan(80);
    expect(model.vanishedTotal).toBe(0);
    expect(model.acked.size + model.pending.size).toBe(model.appended);
  });

  it("keeps the alarms when a storm of alarms meets a slow reader (3 pages)", () => {
    const { model } = storm(3, 3000, 512, 3, 0.9, 0.1);
    expect(model.vanished.alarm + model.vanished.door + model.vanished.trip).toBeGreaterThan(0);
    expect(model.acked.size + model.pending.size + model.vanishedTotal).toBe(model.appended);
  });
});
