import { describe, expect, it } from "vitest";
import type { Log } from "../../hal/ports";
import { PAGE_HDR } from "../../firmware/store/record-frame";
import { RecordLog } from "../../firmware/store/record-log";
import type { RecordKind } from "../../firmware/store/track-record";
import { SimFlash } from "../../sim/devices/flash-sim";
import { makeRecord, withSeq } from "./records";

function logger(): Log & { lines: string[] } {
  const lines: string[] = [];
  return { lines, log: (level, msg) => lines.push(`${level} ${msg}`) };
}

describe("record log basics", () => {
  it("appends, peeks oldest first, acks and survives a reopen", () => {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash);
    expect(log.pending()).toBe(0);
    const seqs = [0, 1, 2, 3, 4].map((n) => log.append(makeRecord(n)));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(log.peek(2)).toEqual([withSeq(1, makeRecord(0)), withSeq(2, makeRecord(1))]);
    log.ack([1, 3, 999]);
    expect(log.peek(10).map((r) => r.seq)).toEqual([2, 4, 5]);
    expect(log.pending()).toBe(3);

    const again = RecordLog.open(flash);
    expect(again.peek(10)).toEqual([2, 4, 5].map((s) => withSeq(s, makeRecord(s - 1))));
    expect(again.append(makeRecord(9))).toBe(6);
    again.ack([2, 4, 5, 6]);
    expect(again.pending()).toBe(0);
    const third = RecordLog.open(flash);
    expect(third.pending()).toBe(0);
    expect(third.stats().nextSeq).toBe(7);
  });

  it("keeps seqs increasing after every record was delivered and its pages recycled", () => {
    const flash = new SimFlash(512, 3);
    let log = RecordLog.open(flash);
    let last = 0;
    for (let n = 0; n < 200; n++) {
      const seq = log.append(makeRecord(n, "heartbeat"));
      expect(seq).toBe(last + 1);
      last = seq;
      log.ack([seq]);
      if (n % 17 === 0) log = RecordLog.open(flash);
    }
    expect(log.stats().droppedTotal).toBe(0);
    expect(RecordLog.open(flash).append(makeRecord(1))).toBe(last + 1);
  });

  it("hands out alarms first on the priority path", () => {
    const log = RecordLog.open(new SimFlash(1024, 4));
    log.append(makeRecord(1, "position"));
    log.append(makeRecord(2, "door"));
    log.append(makeRecord(3, "temperature"));
    log.append(makeRecord(4, "alarm"));
    log.append(makeRecord(5, "trip"));
    log.append(makeRecord(6, "alarm"));
    expect(log.peekPriority(10).map((r) => r.seq)).toEqual([4, 6, 2, 5, 1, 3]);
    expect(log.peekPriority(3).map((r) => r.kind)).toEqual(["alarm", "alarm", "door"]);
    expect(log.peek(3).map((r) => r.seq)).toEqual([1, 2, 3]);
  });

  it("skips and counts a record whose bytes went bad, once", () => {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash);
    for (let n = 0; n < 3; n++) log.append(makeRecord(n));
    flash.data[PAGE_HDR + 30] ^= 0x01; // bit rot inside the first record's body (NOR can only lose 1s: model it raw)
    const l = logger();
    const again = RecordLog.open(flash, l);
    expect(again.peek(10).map((r) => r.seq)).toEqual([2, 3]);
    expect(again.stats().corrupt).toBe(1);
    expect(l.lines.some((s) => s.includes("failed its check"))).toBe(true);
    const third = RecordLog.open(flash);
    expect(third.peek(10).map((r) => r.seq)).toEqual([2, 3]);
    expect(third.stats().corrupt).toBe(0);
  });

  it("rejects a record larger than a page without throwing", () => {
    const log = RecordLog.open(new SimFlash(128, 4));
    const rec = makeRecord(1);
    rec.temps = new Array(100).fill(1);
    expect(log.append(rec)).toBe(0);
    expect(log.stats().rejected).toBe(1);
    expect(log.append(makeRecord(2))).toBe(1);
  });

  it("carries its counters across deep sleep through snapshot() and restore()", () => {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash);
    log.append(makeRecord(1));
    log.append(makeRecord(2));
    log.ack([1]);
    const snap = JSON.parse(JSON.stringify(log.snapshot()));
    const next = RecordLog.open(flash);
    next.restore(snap);
    next.restore({ appended: "x", dropped: null });
    next.append(makeRecord(3));
    expect(next.stats()).toMatchObject({ appended: 3, acked: 1, pending: 2, erased: 1 });
  });
});

describe("record log wrap and drop policy", () => {
  it("drops routine records before alarm, door and trip records, oldest page first, and counts them", () => {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash, logger());
    // 20 % priority records: within the quota of (4 - 2) pages, so none of them may be dropped
    const kinds = [
      ...["position", "temperature", "alarm", "heartbeat", "position", "trip", "temperature", "door"],
      ...["position", "heartbeat", "temperature", "position", "heartbeat", "position", "temperature"],
    ] as const;
    const appended = new Map<number, number>();
    for (let n = 0; n < 60; n++) appended.set(log.append(makeRecord(n, kinds[n % kinds.length] as RecordKind)), n);
    const s = log.stats();
    expect(s.droppedTotal).toBeGreaterThan(0);
    expect(s.dropped.alarm + s.dropped.door + s.dropped.trip).toBe(0);
    expect(s.relocated).toBeGreaterThan(0);
    const left = RecordLog.open(flash).peek(1000);
    expect(left.length).toBe(60 - s.droppedTotal);
    for (const r of left) expect(r).toEqual(withSeq(r.seq, makeRecord(appended.get(r.seq)!, r.kind)));
    // every priority record is still there; the routine ones lost are the oldest
    const seqs = new Set(left.map((r) => r.seq));
    for (const [seq, n] of appended) if (["alarm", "door", "trip"].includes(kinds[n % kinds.length])) expect(seqs.has(seq)).toBe(true);
    const lostRoutine = [...appended.keys()].filter((q) => !seqs.has(q));
    const keptRoutine = left.filter((r) => r.kind === "position" || r.kind === "temperature" || r.kind === "heartbeat");
    expect(Math.max(...lostRoutine)).toBeLessThan(Math.min(...keptRoutine.map((r) => r.seq)));
  });

  it("when the flash is full of alarms, drops the oldest alarms and counts them", () => {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash);
    const N = 120;
    for (let n = 0; n < N; n++) log.append(makeRecord(n, "alarm"));
    const s = log.stats();
    expect(s.dropped.alarm).toBeGreaterThan(0);
    expect(s.droppedTotal).toBe(s.dropped.alarm);
    const left = RecordLog.open(flash).peek(1000).map((r) => r.seq);
    expect(left.length).toBe(N - s.droppedTotal);
    // what is left is the newest run, with nothing missing inside it
    expect(left).toEqual(Array.from({ length: left.length }, (_, i) => N - left.length + 1 + i));
    // at least the quota's worth of alarms (pages - 2) stays stored
    expect(left.length * 70).toBeGreaterThan(2 * (512 - PAGE_HDR));
  });

  it("acked records free their room: no drops while the reader keeps up", () => {
    const flash = new SimFlash(512, 4);
    const log = RecordLog.open(flash);
    for (let n = 0; n < 1000; n++) {
      log.append(makeRecord(n, n % 9 === 0 ? "alarm" : "position"));
      if (n % 5 === 4) log.ack(log.peek(5).map((r) => r.seq));
    }
    expect(log.stats().droppedTotal).toBe(0);
    expect(log.pending()).toBe(0);
    const per = Array.from(flash.erasesPerPage);
    expect(Math.max(...per) - Math.min(...per)).toBeLessThanOrEqual(1); // the ring spreads the erases
  });
});
