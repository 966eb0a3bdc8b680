/**
 * The reference model the power-cut tests hold the record log to. It knows what every append and ack that
 * returned promised, what a cut operation may or may not have done, and checks a freshly opened log against it:
 * nothing unknown or altered, nothing twice, nothing acked back, and every record that vanished without an ack
 * counted as dropped (by kind) by some session of the log.
 */
import { expect } from "vitest";
import { RECORD_KINDS } from "../../firmware/store/record-codec";
import type { RecordLog } from "../../firmware/store/record-log";
import type { RecordKind, TrackRecord } from "../../firmware/store/track-record";

type Body = Omit<TrackRecord, "seq">;

export class LogModel {
  readonly pending = new Map<number, Body>();
  readonly acked = new Set<number>();
  private maybeAppend: { seq: number; rec: Body } | undefined;
  private readonly maybeAcked = new Set<number>();
  readonly vanished: Record<RecordKind, number> = { position: 0, temperature: 0, alarm: 0, door: 0, trip: 0, heartbeat: 0 };
  readonly counted: Record<RecordKind, number> = { position: 0, temperature: 0, alarm: 0, door: 0, trip: 0, heartbeat: 0 };
  appended = 0;
  lastSeq = 0;
  corrupt = 0;

  appendReturned(seq: number, rec: Body): void {
    expect(seq).toBeGreaterThan(this.lastSeq);
    this.lastSeq = seq;
    this.pending.set(seq, rec);
    this.appended++;
  }

  /** An append cut short: the record may appear (whole, under this seq) or not at all. */
  appendCut(seq: number, rec: Body): void {
    this.maybeAppend = { seq, rec };
  }

  ackReturned(seqs: readonly number[]): void {
    for (const s of seqs) {
      if (!this.pending.has(s)) continue;
      this.pending.delete(s);
      this.acked.add(s);
    }
  }

  ackCut(seqs: readonly number[]): void {
    for (const s of seqs) if (this.pending.has(s)) this.maybeAcked.add(s);
  }

  /** Records handed out by a live session: each must be a pending record, unchanged. */
  checkHandedOut(recs: readonly TrackRecord[]): void {
    const seen = new Set<number>();
    for (const r of recs) {
      expect(seen.has(r.seq), `seq ${r.seq} handed out twice`).toBe(false);
      seen.add(r.seq);
      expect(this.acked.has(r.seq), `acked seq ${r.seq} handed out again`).toBe(false);
      const want = this.pending.get(r.seq);
      expect(want, `unknown seq ${r.seq}`).toBeDefined();
      expect(r).toEqual({ seq: r.seq, ...want });
    }
  }

  /** The counters of a session that ended (by a cut or a sleep). */
  endSession(log: RecordLog): void {
    const s = log.stats();
    for (const k of RECORD_KINDS) this.counted[k] += s.dropped[k];
    this.corrupt += s.corrupt;
  }

  /** Checks a log just opened on the flash against the model and settles what the last cut left open. */
  reconcile(log: RecordLog): void {
    const all = log.peek(1 << 30);
    const seen = new Set<number>();
    for (const r of all) {
      expect(seen.has(r.seq), `seq ${r.seq} twice`).toBe(false);
      seen.add(r.seq);
      expect(this.acked.has(r.seq), `acked seq ${r.seq} came back`).toBe(false);
      const want = this.pending.get(r.seq);
      if (want) expect(r).toEqual({ seq: r.seq, ...want });
      else {
        expect(this.maybeAppend?.seq, `unknown seq ${r.seq}`).toBe(r.seq);
        expect(r).toEqual({ seq: r.seq, ...this.maybeAppend!.rec });
        this.appendReturned(r.seq, this.maybeAppend!.rec);
      }
    }
    for (const [seq, rec] of this.pending) {
      if (seen.has(seq)) continue;
      this.pending.delete(seq);
      if (this.maybeAcked.has(seq)) this.acked.add(seq);
      else this.vanished[rec.kind]++;
    }
    this.maybeAcked.clear();
    this.maybeAppend = undefined;
    expect(log.pending()).toBe(this.pending.size);
    const s = log.stats();
    const counted = { ...this.counted };
    for (const k of RECORD_KINDS) counted[k] += s.dropped[k];
    expect(this.vanished, "records lost without being counted as dropped").toEqual(counted);
    expect(this.corrupt + s.corrupt).toBe(0);
  }

  get vanishedTotal(): number {
    return RECORD_KINDS.reduce((n, k) => n + this.vanished[k], 0);
  }
}
