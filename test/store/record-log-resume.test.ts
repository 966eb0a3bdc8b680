/**
 * The resumed boot: open() with the last snapshot's resume point reads almost nothing, and whatever it skips it
 * must get right. A storm of random operations, wakes, crashes without a save and power cuts (the resume point
 * of the last saved snapshot is offered even when it is stale, as RTC memory would hold it through a brown-out),
 * checked at every boot against the full recovery scan of the same flash and against the model of promises.
 */
import { describe, expect, it } from "vitest";
import { RecordLog, type RecordLogSnapshot } from "../../firmware/store/record-log";
import { PowerCutError, SimFlash } from "../../sim/devices/flash-sim";
import { Rng } from "../../sim/world/rng";
import { agedPartition, formatBoot, measureBoot } from "../../sim/report/store-boot";
import { typicalRecord } from "../../sim/report/store-wear";
import { LogModel } from "./log-model";
import { makeRecord, randomKind } from "./records";

const ALL = 1 << 30;

function saveOf(log: RecordLog): RecordLogSnapshot {
  return JSON.parse(JSON.stringify(log.snapshot())) as RecordLogSnapshot;
}

describe("record log resumed boot", () => {
  it("a boot that only appends reads under 1 KB of a 1 MB partition holding hundreds of pending records", () => {
    const { flash, saved } = agedPartition(4096, 256, 600);
    const before = flash.bytesRead;
    const log = RecordLog.open(flash, undefined, saved);
    log.restore(saved);
    expect(log.boot).toBe("resumed");
    expect(log.pending()).toBe(600);
    const seq = log.append(typicalRecord(5));
    const next = saveOf(log);
    expect(flash.bytesRead - before).toBeLessThan(1024);
    expect(next.at).toBeDefined();
    expect(next.appended).toBe(saved.appended + 1); // restore() added the saved counters

    // what the full scan reads for the same boot, and that it agrees
    const full = flash.clone();
    const fullBefore = full.bytesRead;
    const ref = RecordLog.open(full);
    expect(ref.boot).toBe("scanned");
    expect(full.bytesRead - fullBefore).toBeGreaterThan(1_000_000);
    expect(ref.pending()).toBe(601);
    expect(ref.stats().nextSeq).toBe(seq + 1);
    expect(RecordLog.open(flash, undefined, next).peek(ALL)).toEqual(ref.peek(ALL));
  });

  it("prints what a boot reads on the device's 1 MB partition", () => {
    const f = measureBoot({ pageSize: 4096, pageCount: 256, pending: 500, wakes: 200, batch: 20 });
    console.log(formatBoot(f));
    expect(f.appendWake.typical).toBeLessThan(1024);
    expect(f.appendWake.mean).toBeLessThan(4096);
    expect(f.appendWake.pageOpens).toBeGreaterThan(0);
    expect(f.uplinkWake.open).toBeLessThan(1024);
    expect(f.uplinkWake.total).toBeLessThan(200_000); // the backlog itself is ~32 KB of frames
    expect(f.powerCutBoot).toBeGreaterThan(1_000_000);
  });

  it("refuses a resume point that does not fit the flash, and falls back to the scan", () => {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash);
    log.append(makeRecord(1));
    const at = saveOf(log).at!;
    expect(at).toHaveLength(8);
    for (const bad of [[...at.slice(0, 7), 9], [...at.slice(0, 7), at[0]], at.slice(1), [...at.slice(0, 2), 4, ...at.slice(3)], "x", null]) {
      expect(RecordLog.open(flash, undefined, { at: bad }).boot).toBe("scanned");
    }
    expect(RecordLog.open(flash, undefined, { at }).boot).toBe("resumed");
    // a second append made after that snapshot, by a wake that saved none: the point no longer holds
    RecordLog.open(flash).append(makeRecord(2));
    const stale = RecordLog.open(flash, undefined, { at });
    expect(stale.boot).toBe("scanned");
    expect(stale.pending()).toBe(2);
  });
});

function firstDiff(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : a.length;
}

interface Tally {
  resumed: number;
  scanned: number;
  staleOffered: number;
  cuts: number;
}

/**
 * The storm: `log` always continues as resumed from the last saved snapshot when the flash still matches it.
 * At every boot a clone opened the same way and a clone opened by the full scan must hand out the same records,
 * agree on the next seq, and leave byte-identical flash after the same appends; the model checks the promises.
 */
function resumeStorm(seed: number, ops: number, pageSize: number, pageCount: number): Tally {
  const rng = new Rng(seed);
  const cutRng = rng.fork("cut");
  const flash = new SimFlash(pageSize, pageCount);
  const model = new LogModel();
  const tally: Tally = { resumed: 0, scanned: 0, staleOffered: 0, cuts: 0 };
  let saved: RecordLogSnapshot | undefined;
  let log = RecordLog.open(flash);
  let n = 0;
  let dirty = false; // flash changed since `saved`
  let overcount = false; // log resumed from a stale point and has not built its index since

  const boot = (offer: RecordLogSnapshot | undefined) => {
    model.endSession(log);
    if (offer && dirty) tally.staleOffered++;
    const lazy = flash.clone();
    const full = flash.clone();
    const a = RecordLog.open(lazy, undefined, offer);
    const b = RecordLog.open(full);
    expect(a.stats().nextSeq).toBe(b.stats().nextSeq);
    expect(a.pending()).toBeGreaterThanOrEqual(b.pending()); // a stale point only over-counts
    if (!dirty && !overcount) expect(a.pending()).toBe(b.pending());
    const extra = rng.int(0, 3);
    for (let k = 0; k < extra; k++) {
      const rec = makeRecord(900_000 + k, randomKind(rng, 0.3));
      expect(a.append(rec)).toBe(b.append(rec));
    }
    expect(a.peekPriority(ALL)).toEqual(b.peekPriority(ALL));
    expect(a.pending()).toBe(b.pending());
    expect(firstDiff(lazy.data, full.data), "flash differs at this byte").toBe(-1);
    model.reconcile(RecordLog.open(flash.clone(), undefined, offer));
    log = RecordLog.open(flash, undefined, offer);
    tally[log.boot]++;
    overcount = log.boot === "resumed" && (overcount || (offer !== undefined && dirty));
  };

  for (let op = 0; op < ops; op++) {
    if (!flash.armed && rng.chance(0.04)) flash.armCut(rng.int(0, 2 * pageSize), cutRng);
    try {
      const r = rng.next();
      if (r < 0.55) {
        const rec = makeRecord(n++, randomKind(rng, 0.25));
        model.appendCut(log.stats().nextSeq, rec);
        dirty = true;
        model.appendReturned(log.append(rec), rec);
      } else if (r < 0.8) {
        const batch = rng.chance(0.5) ? log.peek(rng.int(1, 8)) : log.peekPriority(rng.int(1, 8));
        overcount = false; // the peek built the index (or the count was 0, which is never too high)
        model.checkHandedOut(batch);
        const seqs = batch.filter(() => rng.chance(0.9)).map((x) => x.seq);
        model.ackCut(seqs);
        if (seqs.length > 0) dirty = true;
        log.ack(seqs);
        model.ackReturned(seqs);
      } else if (r < 0.93) {
        saved = saveOf(log); // a deep sleep: the snapshot saved, RAM lost
        dirty = false;
        boot(saved);
      } else boot(saved); // a crash or watchdog reset: RTC memory holds the snapshot of an earlier wake
    } catch (e) {
      if (!(e instanceof PowerCutError)) throw e;
      flash.disarm();
      flash.powerOn();
      tally.cuts++;
      dirty = true;
      // a power cut wipes RTC memory; a brown-out may leave it: offer the old point half of the time
      boot(rng.chance(0.5) ? saved : undefined);
    }
  }
  flash.disarm();
  boot(undefined);
  expect(model.acked.size + model.pending.size + model.vanishedTotal).toBe(model.appended);
  return tally;
}

describe("record log resumed boot agrees with the full scan", () => {
  it("through random operations, stale points and power cuts (6 × 512 B)", () => {
    const t = resumeStorm(11, 4000, 512, 6);
    console.log(`resume storm 6x512: ${JSON.stringify(t)}`);
    expect(t.resumed).toBeGreaterThan(200);
    expect(t.scanned).toBeGreaterThan(50);
    expect(t.staleOffered).toBeGreaterThan(50);
    expect(t.cuts).toBeGreaterThan(50);
  });

  it("on a wider ring with a reader behind (16 × 1 KB)", () => {
    const t = resumeStorm(12, 3000, 1024, 16);
    expect(t.resumed).toBeGreaterThan(150);
    expect(t.cuts).toBeGreaterThan(20);
  });
});
