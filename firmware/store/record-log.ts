/**
 * The record log: every TrackRecord the tracker makes, kept on the raw flash partition until the server has
 * acknowledged it (peek → send → ack), safe against a power cut at any byte of any flash operation.
 *
 * - Pages are used in ring order, each opened with a signed header (page sequence, seq base). Records are
 *   appended as frames (record-frame.ts): data first, then the commit marker by a write of its own, so a frame cut
 *   short is never handed out. The seq base of the newest page keeps seqs strictly increasing across the device's
 *   life even after every record was delivered and erased.
 * - Ack clears the frame's consumed byte in place (NOR allows 1→0 with no erase): one single-byte write per
 *   record, no journal to replay, and a byte cut half-way reads as consumed, which is right because ack() is only
 *   called for records the server confirmed.
 * - One page is always kept free. When the newest page fills, the free page is opened and, if no other page is
 *   free, the oldest page is reclaimed: its alarm/door/trip records are copied into the new page (same seq) and
 *   its routine ones (position, temperature, heartbeat) are dropped, oldest page first. Priority records may keep
 *   at most (pages − 2) pages' worth of room: beyond that quota, i.e. when the flash is full of alarms, the oldest
 *   priority records are dropped instead of copied (and counted by kind). Reclaim then sets the page's retired
 *   marker; the drop counters move only once that write completed, and a marker cut short is finished and counted
 *   by the next boot's scan, so each drop is counted exactly once. A retired page is erased only when reopened
 *   (one erase per page per lap), its header zeroed first so a cut erase can never look like a live page.
 * - Wear: the ring spreads erases evenly; a 64 KB partition (16 × 4 KB) at ~300 records/day erases ~5 pages a day,
 *   ~0.3 erases per page per day (sim/cli/store-figures.ts prints the measured figure).
 */
import type { Log, RecordFlash } from "../../hal/ports";
import { RECORD_KINDS, decodeRecord, encodeRecord } from "./record-codec";
import {
  COMMIT_AT,
  CONSUMED_AT,
  FRAME_HDR,
  PAGE_HDR,
  PAGE_HDR_SIGNED,
  RETIRED_AT,
  buildFrame,
  encodePageHeader,
  frameIntact,
} from "./record-frame";
import type { RecordIndex } from "./record-index";
import { scanLog } from "./record-scan";
import type { RecordKind, TrackRecord } from "./track-record";

const PRIORITY: Readonly<Record<RecordKind, number>> = Object.freeze({
  alarm: 0,
  door: 1,
  trip: 1,
  position: 2,
  temperature: 2,
  heartbeat: 2,
});
const ZERO = Object.freeze([0x00]) as readonly number[];

export type DropCounts = Record<RecordKind, number>;

export interface RecordLogStats {
  appended: number;
  acked: number;
  dropped: DropCounts;
  droppedTotal: number;
  relocated: number; // priority records copied forward when their page was reclaimed
  corrupt: number; // committed records that failed their CRC or did not decode: skipped
  torn: number; // appends cut short, found by a boot scan
  rejected: number; // appends refused: the record does not fit in a page
  erased: number; // pages erased
  pending: number;
  nextSeq: number;
}

/** The counters kept across deep sleep (RAM is lost at every wake; they are plain numbers, JSON-safe). */
export type RecordLogSnapshot = Omit<RecordLogStats, "pending" | "nextSeq" | "droppedTotal">;

function noDrops(): DropCounts {
  return { position: 0, temperature: 0, alarm: 0, door: 0, trip: 0, heartbeat: 0 };
}

export class RecordLog {
  private readonly pageSize: number;
  private readonly pageCount: number;
  private readonly usable: number;
  private readonly c: RecordLogSnapshot = {
    appended: 0,
    acked: 0,
    dropped: noDrops(),
    relocated: 0,
    corrupt: 0,
    torn: 0,
    rejected: 0,
    erased: 0,
  };

  private constructor(
    private readonly flash: RecordFlash,
    private readonly log: Log | undefined,
    private readonly index: RecordIndex,
    private readonly pageSeqs: number[], // -1 = free
    private readonly signed: boolean[],
    private head: number,
    private writePos: number,
    private nextSeq: number,
    private nextPageSeq: number,
  ) {
    this.pageSize = flash.pageSize;
    this.pageCount = flash.pageCount;
    this.usable = flash.pageSize - PAGE_HDR;
  }

  /** The recovery scan: rebuilds the log's state from the flash alone. */
  static open(flash: RecordFlash, log?: Log): RecordLog {
    const s = scanLog(flash);
    const rl = new RecordLog(flash, log, s.index, s.pageSeqs, s.signed, s.head, s.writePos, s.nextSeq, s.nextPageSeq);
    rl.c.torn += s.torn;
    rl.c.corrupt += s.corrupt;
    for (const r of s.retiring) {
      // Finish the marker first: the counts below then happen once, here or (if this write is cut) next boot.
      flash.write(r.page * flash.pageSize + RETIRED_AT, Uint8Array.from(ZERO));
      for (let k = 0; k < r.dropped.length; k++) rl.c.dropped[RECORD_KINDS[k]] += r.dropped[k];
    }
    // A cut between opening a page and reclaiming the oldest leaves no free page: finish that reclaim now, while
    // the new head still has the room the copies need.
    if (flash.pageCount > 1 && rl.freePages() === 0) rl.reclaimOldest(false);
    const dropped = s.retiring.reduce((n, r) => n + r.dropped.reduce((a, b) => a + b, 0), 0);
    if (s.torn + s.corrupt + dropped > 0) {
      log?.log("warn", `record log: ${s.torn} torn, ${s.corrupt} corrupt, ${dropped} dropped by an unfinished reclaim`);
    }
    return rl;
  }

  /** Stores a record; returns its seq, or 0 when it cannot be stored (larger than a page: counted as rejected). */
  append(rec: Omit<TrackRecord, "seq">): number {
    const body = encodeRecord(rec);
    const size = FRAME_HDR + body.length;
    if (size > this.usable) {
      this.c.rejected++;
      this.log?.log("error", `record log: ${rec.kind} record of ${size} B does not fit a page`);
      return 0;
    }
    this.ensureRoom(size);
    const seq = this.nextSeq;
    const loc = this.head * this.pageSize + this.writePos;
    this.writeFrame(loc, buildFrame(seq, body));
    this.writePos += size;
    this.nextSeq = seq + 1;
    this.index.put(seq, loc, size, RECORD_KINDS.indexOf(rec.kind), false);
    this.c.appended++;
    return seq;
  }

  /** Up to max undelivered records, oldest first. */
  peek(max: number): TrackRecord[] {
    return this.collect(max, () => true);
  }

  /** Up to max undelivered records: alarms first, then door and trip events, then the rest; oldest first within. */
  peekPriority(max: number): TrackRecord[] {
    const out: TrackRecord[] = [];
    for (let rank = 0; rank <= 2 && out.length < max; rank++) {
      for (const r of this.collect(max - out.length, (kind) => PRIORITY[kind] === rank)) out.push(r);
    }
    return out;
  }

  /** Marks records delivered: they are never handed out again, also after a power cut. Unknown seqs are ignored. */
  ack(seqs: readonly number[]): void {
    for (const seq of seqs) {
      const i = this.index.find(seq);
      if (i < 0) continue;
      this.flash.write(this.index.loc(i) + CONSUMED_AT, Uint8Array.from(ZERO));
      this.index.removeAt(i);
      this.c.acked++;
    }
  }

  pending(): number {
    return this.index.length;
  }

  stats(): RecordLogStats {
    const c = this.c;
    let droppedTotal = 0;
    for (const k of RECORD_KINDS) droppedTotal += c.dropped[k];
    return { ...c, dropped: { ...c.dropped }, droppedTotal, pending: this.index.length, nextSeq: this.nextSeq };
  }

  /** Counters to keep in retained memory across deep sleep. */
  snapshot(): RecordLogSnapshot {
    return { ...this.c, dropped: { ...this.c.dropped } };
  }

  /** Adds counters saved by snapshot() before the last sleep to what this boot's scan found. Bad input is ignored. */
  restore(snap: unknown): void {
    if (typeof snap !== "object" || snap === null) return;
    const s = snap as Record<string, unknown>;
    const c = this.c as unknown as Record<string, number>;
    for (const k of ["appended", "acked", "relocated", "corrupt", "torn", "rejected", "erased"]) {
      const v = s[k];
      if (typeof v === "number" && Number.isFinite(v) && v >= 0) c[k] += v;
    }
    const d = s.dropped as Record<string, unknown> | undefined;
    if (typeof d !== "object" || d === null) return;
    for (const k of RECORD_KINDS) {
      const v = d[k];
      if (typeof v === "number" && Number.isFinite(v) && v >= 0) this.c.dropped[k] += v;
    }
  }

  private collect(max: number, want: (kind: RecordKind) => boolean): TrackRecord[] {
    const out: TrackRecord[] = [];
    for (let i = 0; i < this.index.length && out.length < max; ) {
      if (!want(this.index.kind(i))) {
        i++;
        continue;
      }
      const rec = this.readRecord(i);
      if (rec) {
        out.push(rec);
        i++;
      } else this.discardCorrupt(i);
    }
    return out;
  }

  private readRecord(i: number): TrackRecord | undefined {
    const frame = this.flash.read(this.index.loc(i), this.index.size(i));
    if (!frameIntact(frame)) return undefined;
    return decodeRecord(frame, this.index.seq(i), FRAME_HDR);
  }

  /** A committed record that fails its CRC is lost; marking it consumed keeps later boots from counting it again. */
  private discardCorrupt(i: number): void {
    this.flash.write(this.index.loc(i) + CONSUMED_AT, Uint8Array.from(ZERO));
    this.index.removeAt(i);
    this.c.corrupt++;
    this.log?.log("warn", "record log: a stored record failed its check and was skipped");
  }

  private writeFrame(loc: number, frame: Uint8Array): void {
    this.flash.write(loc + 2, frame.subarray(2));
    this.flash.write(loc + COMMIT_AT, Uint8Array.from(ZERO));
  }

  private freePages(): number {
    let n = 0;
    for (let p = 0; p < this.pageCount; p++) if (this.pageSeqs[p] < 0) n++;
    return n;
  }

  private ensureRoom(size: number): void {
    for (let rounds = 1; !(this.head >= 0 && this.writePos >= 0 && this.writePos + size <= this.pageSize); rounds++) {
      // Every reclaim frees room unless priority records fill it; past this many, drop whole pages to progress.
      const force = rounds > this.pageCount + 1;
      if (this.freePages() === 0) this.reclaimOldest(force);
      else {
        this.openPage();
        if (this.freePages() === 0) this.reclaimOldest(force);
      }
    }
  }

  /** Opens the next free page in ring order after the head as the new head. */
  private openPage(): void {
    let page = -1;
    for (let k = 1; k <= this.pageCount && page < 0; k++) {
      const p = (this.head + k + this.pageCount) % this.pageCount;
      if (this.pageSeqs[p] < 0) page = p;
    }
    const base = page * this.pageSize;
    if (this.signed[page]) this.flash.write(base, new Uint8Array(PAGE_HDR_SIGNED));
    this.signed[page] = false;
    this.flash.erase(page);
    this.c.erased++;
    const pageSeq = this.nextPageSeq++;
    this.flash.write(base, encodePageHeader(pageSeq, this.nextSeq));
    this.signed[page] = true;
    this.pageSeqs[page] = pageSeq;
    this.head = page;
    this.writePos = PAGE_HDR;
  }

  private reclaimOldest(force: boolean): void {
    let page = -1;
    for (let p = 0; p < this.pageCount; p++) {
      if (this.pageSeqs[p] >= 0 && p !== this.head && (page < 0 || this.pageSeqs[p] < this.pageSeqs[page])) page = p;
    }
    if (page < 0) page = this.head; // a one-page partition: nothing to copy into
    const index = this.index;
    const base = page * this.pageSize;
    const inPage = (i: number) => index.loc(i) >= base && index.loc(i) < base + this.pageSize;
    const room = page !== this.head && this.writePos >= 0 ? this.pageSize - this.writePos : 0;
    const quota = (this.pageCount - 2) * this.usable;
    let priorityBytes = 0;
    const keep: number[] = []; // seqs, oldest first
    let keepBytes = 0;
    for (let i = 0; i < index.length; i++) {
      if (PRIORITY[index.kind(i)] === 2) continue;
      priorityBytes += index.size(i);
      if (inPage(i)) {
        keep.push(index.seq(i));
        keepBytes += index.size(i);
      }
    }
    const drop = new Set<number>();
    for (let k = 0; k < keep.length && (force || priorityBytes > quota || keepBytes > room); k++) {
      const size = index.size(index.find(keep[k]));
      drop.add(keep[k]);
      priorityBytes -= size;
      keepBytes -= size;
    }
    for (const seq of keep) if (!drop.has(seq)) this.relocate(index.find(seq));
    this.flash.write(base + RETIRED_AT, Uint8Array.from(ZERO));
    const dropped = noDrops();
    let n = 0;
    index.removeWhere((i) => {
      if (!inPage(i)) return false;
      dropped[index.kind(i)]++;
      n++;
      return true;
    });
    for (const k of RECORD_KINDS) this.c.dropped[k] += dropped[k];
    this.pageSeqs[page] = -1;
    if (page === this.head) this.head = -1;
    if (n > 0) this.log?.log("warn", `record log: full, dropped ${n} undelivered records of the oldest page`);
  }

  /** Copies a priority record into the head page under the same seq; the old copy goes with its page. */
  private relocate(i: number): void {
    const frame = this.flash.read(this.index.loc(i), this.index.size(i));
    if (!frameIntact(frame)) {
      this.discardCorrupt(i);
      return;
    }
    frame[COMMIT_AT] = 0xff;
    frame[CONSUMED_AT] = 0xff;
    const loc = this.head * this.pageSize + this.writePos;
    this.writeFrame(loc, frame);
    this.writePos += frame.length;
    this.index.setLoc(i, loc);
    this.c.relocated++;
  }
}
