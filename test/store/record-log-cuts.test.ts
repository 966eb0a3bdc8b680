/**
 * A power cut at every byte of flash activity of one operation (append, ack, and the page erase, header write,
 * relocations and retire mark an append can trigger), on a small flash of 4 pages × 512 B. After each cut the
 * log is reopened and checked against the model; a sample of the cuts also cuts the recovery's own writes.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { RecordLog } from "../../firmware/store/record-log";
import type { RecordSealer } from "../../firmware/store/record-seal";
import type { RecordKind } from "../../firmware/store/track-record";
import { PowerCutError, SimFlash } from "../../sim/devices/flash-sim";
import { Rng } from "../../sim/world/rng";
import { LogModel } from "./log-model";
import { makeRecord, testSealer } from "./records";

// The same promises with the record bodies encrypted at rest: each describe runs plain, then sealed.
let sealer: RecordSealer | undefined;
const openLog = (flash: Parameters<typeof RecordLog.open>[0], log?: Parameters<typeof RecordLog.open>[1], saved?: unknown) =>
  RecordLog.open(flash, log, saved, sealer);

const MIX: readonly RecordKind[] = ["position", "temperature", "alarm", "heartbeat", "position", "door", "temperature", "position", "trip", "heartbeat"];

interface Base {
  flash: SimFlash;
  model: LogModel;
}

function cloneModel(m: LogModel): LogModel {
  const c = new LogModel();
  for (const [s, r] of m.pending) c.pending.set(s, r);
  for (const s of m.acked) c.acked.add(s);
  c.lastSeq = m.lastSeq;
  c.appended = m.appended;
  Object.assign(c.vanished, m.vanished);
  Object.assign(c.counted, m.counted);
  return c;
}

/** Builds a base state: `count` mixed appends, acking every `ackEvery`-th batch of 3. */
function build(count: number, ackEvery = 0): Base {
  const flash = new SimFlash(512, 4);
  const model = new LogModel();
  const log = openLog(flash);
  for (let n = 0; n < count; n++) {
    const rec = makeRecord(n, MIX[n % MIX.length]);
    model.appendReturned(log.append(rec), rec);
    if (ackEvery > 0 && n % ackEvery === ackEvery - 1) {
      const seqs = log.peek(3).map((r) => r.seq);
      log.ack(seqs);
      model.ackReturned(seqs);
    }
  }
  model.endSession(log);
  model.reconcile(openLog(flash));
  return { flash, model };
}

/** Reopens after a cut; when `cutOpen` is set, cuts the recovery's own writes at every byte too. */
function reopen(flash: SimFlash, model: LogModel, rng: Rng, cutOpen: boolean): RecordLog {
  for (let j = 0; cutOpen; j++) {
    const f = flash.clone();
    f.armCut(j, rng);
    try {
      openLog(f);
      break;
    } catch (e) {
      if (!(e instanceof PowerCutError)) throw e;
    }
    f.powerOn();
    const m = cloneModel(model);
    const log = openLog(f);
    m.reconcile(log);
  }
  const log = openLog(flash);
  model.reconcile(log);
  return log;
}

/** Runs op at a cut after k bytes for every k until it completes uncut; returns how many cuts hit an erase. */
function everyCut(base: Base, op: (log: RecordLog, model: LogModel) => () => void, sampleOpen: number): { cuts: number; eraseCuts: number } {
  let eraseCuts = 0;
  for (let k = 0; ; k++) {
    const rng = new Rng(1000 + k);
    const flash = base.flash.clone();
    const model = cloneModel(base.model);
    const log = openLog(flash);
    const onCut = op(log, model);
    flash.armCut(k, rng);
    let cut: PowerCutError | undefined;
    try {
      onCut();
    } catch (e) {
      if (!(e instanceof PowerCutError)) throw e;
      cut = e;
    }
    flash.disarm();
    flash.powerOn();
    model.endSession(log);
    if (cut?.during === "erase") eraseCuts++;
    const after = reopen(flash, model, rng, sampleOpen > 0 && k % sampleOpen === 0);
    // the log stays usable: a new record gets a fresh seq and survives a reopen
    const extra = makeRecord(999, "alarm");
    model.appendReturned(after.append(extra), extra);
    model.endSession(after);
    model.reconcile(openLog(flash));
    if (!cut) return { cuts: k, eraseCuts };
  }
}

function appendOp(n: number, kind: RecordKind) {
  return (log: RecordLog, model: LogModel) => () => {
    const rec = makeRecord(n, kind);
    const seq = log.stats().nextSeq;
    model.appendCut(seq, rec);
    model.appendReturned(log.append(rec), rec);
  };
}

function ackOp(pick: (log: RecordLog) => number[]) {
  return (log: RecordLog, model: LogModel) => () => {
    const seqs = pick(log);
    model.ackCut(seqs);
    log.ack(seqs);
    model.ackReturned(seqs);
  };
}

for (const sealed of [false, true]) describe(`record log: a power cut at every byte${sealed ? " (encrypted at rest)" : ""}`, () => {
  beforeAll(() => {
    sealer = sealed ? testSealer() : undefined;
  });
  it("of the first append (page erase and header included)", () => {
    const r = everyCut(build(0), appendOp(500, "alarm"), 1);
    expect(r.eraseCuts).toBe(512);
  });

  it("of an append into a page that holds records, some acked", () => {
    const r = everyCut(build(5, 2), appendOp(501, "position"), 1);
    expect(r.cuts).toBeGreaterThan(40);
  });

  it("of an append that opens a page and reclaims the oldest one (copies alarms, drops routine records)", () => {
    // find a base where the next append reclaims with both a copy and a drop
    let base: Base | undefined;
    for (let count = 20; count < 80 && !base; count++) {
      const b = build(count);
      const probe = openLog(b.flash.clone());
      const before = probe.stats();
      probe.append(makeRecord(502, "temperature"));
      const after = probe.stats();
      if (after.relocated > before.relocated && after.droppedTotal > before.droppedTotal) base = b;
    }
    expect(base).toBeDefined();
    const r = everyCut(base!, appendOp(502, "temperature"), 13);
    expect(r.eraseCuts).toBe(512);
    expect(r.cuts).toBeGreaterThan(512 + 100);
  });

  it("of an ack of several records (one unknown)", () => {
    const base = build(20, 4);
    const r = everyCut(base, ackOp((log) => [...log.peek(4).map((x) => x.seq), 12345]), 1);
    expect(r.cuts).toBe(4);
  });

  it("of an ack of records copied by a reclaim", () => {
    const base = build(60, 9);
    const r = everyCut(base, ackOp((log) => log.peekPriority(5).map((x) => x.seq)), 1);
    expect(r.cuts).toBe(5);
  });
});
