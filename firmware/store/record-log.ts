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
 * - Boot cost: every wake is a boot. With the resume point of the last snapshot (record-resume.ts) and the flash
 *   checked to match it, open() reads under 1 KB and the log appends and counts its pending records without an
 *   index; the first call that needs one (peek, peekPriority, ack, a page-open) scans the pages that can hold
 *   undelivered records. Without a point (first boot, power cut) open() scans everything, as the recovery must.
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
import {
  type RecordLogCounters,
  type RecordLogStats,
  addSavedCounters,
  copyCounters,
  freshCounters,
  noDrops,
  totalDropped,
} from "./record-counters";
import type { RecordIndex } from "./record-index";
import type { RecordSealer } from "./record-seal";
import { PRIORITY, firstFreeAfter, planReclaim } from "./record-reclaim";
import { type ResumePoint, packResume, resumeHolds, unpackResume } from "./record-resume";
import { type ScanResult, scanLog } from "./record-scan";
import { scanWithoutHead, sealedWithoutFreePage } from "./sealed-head";
import type { RecordKind, TrackRecord } from "./track-record";

const ZERO = Object.freeze([0x00]) as readonly number[];

export type { DropCounts, RecordLogStats } from "./record-counters";

/**
 * What the log keeps across deep sleep (RAM is lost at every wake; plain numbers, JSON-safe): its counters and,
 * in `at`, the resume point that lets the next boot skip the scan.
 */
export type RecordLogSnapshot = RecordLogCounters & { at?: number[] };

export class RecordLog {
  private readonly pageSize: number;
  private readonly pageCount: number;
  private readonly usable: number;
  private readonly c = freshCounters();
  private how: "resumed" | "scanned" = "scanned";

  // Built on first need in a resumed log (see the header); present from the start after a full scan.
  private index: RecordIndex | undefined;
  private pageSeqs: number[] = []; // per page, -1 = free; valid while index is
  private signed: boolean[] = [];
  private head = -1;
  private headSeq = 0;
  private writePos = -1;
  private nextSeq = 1;
  private nextPageSeq = 1;
  // The resume point this log opened from, standing in for the index until it is built (appends count up).
  private resumed: ResumePoint | undefined;

  private constructor(
    private readonly flash: RecordFlash,
    private readonly log: Log | undefined,
    private readonly sealer: RecordSealer | undefined,
  ) {
    this.pageSize = flash.pageSize;
    this.pageCount = flash.pageCount;
    this.usable = flash.pageSize - PAGE_HDR;
  }

  /**
   * Opens the log on the flash. `saved` is the snapshot() of the last wake (only its resume point is used here;
   * restore() adds its counters): when the flash still matches it, no scan runs now. Otherwise this is the
   * recovery scan, which rebuilds the state from the flash alone. With a `sealer` every body is encrypted at rest
   * (record-seal.ts); the layout and every power-cut rule stay as they are.
   */
  static open(flash: RecordFlash, log?: Log, saved?: unknown, sealer?: RecordSealer): RecordLog {
    const rl = new RecordLog(flash, log, sealer);
    const at = typeof saved === "object" && saved !== null ? (saved as { at?: unknown }).at : undefined;
    const p = at === undefined ? undefined : unpackResume(at, flash);
    if (p && resumeHolds(flash, p)) {
      rl.resumed = p;
      rl.how = "resumed";
      ({ head: rl.head, headSeq: rl.headSeq, writePos: rl.writePos, nextSeq: rl.nextSeq, nextPageSeq: rl.nextPageSeq } = p);
    } else rl.recover(scanLog(flash), true);
    return rl;
  }

  /** How open() found the state: from the checked resume point, or by the recovery scan. */
  get boot(): "resumed" | "scanned" {
    return this.how;
  }

  /** Takes over what a scan found and finishes what a cut left undone. Torn frames are counted by a boot's scan. */
  private recover(scan: ScanResult, atBoot: boolean): RecordIndex {
    const { flash, log } = this;
    let s = scan;
    if (atBoot && sealedWithoutFreePage(s)) {
      // a cut tore a copy into the last free page (record-seal.ts): retire that page when it holds only copies
      const without = scanWithoutHead(flash, s);
      if (without) {
        flash.write(s.head * flash.pageSize + RETIRED_AT, Uint8Array.from(ZERO));
        s = { ...without, torn: s.torn };
      }
    }
    this.index = s.index;
    this.pageSeqs = s.pageSeqs;
    this.signed = s.signed;
    this.head = s.head;
    this.headSeq = s.head >= 0 ? s.pageSeqs[s.head] : 0;
    this.writePos = s.writePos;
    this.nextSeq = Math.max(this.nextSeq, s.nextSeq);
    this.nextPageSeq = Math.max(this.nextPageSeq, s.nextPageSeq);
    const torn = atBoot ? s.torn : 0;
    this.c.torn += torn;
    this.c.corrupt += s.corrupt;
    for (const r of s.retiring) {
      // Finish the marker first: the counts below then happen once, here or (if this write is cut) next boot.
      flash.write(r.page * flash.pageSize + RETIRED_AT, Uint8Array.from(ZERO));
      for (let k = 0; k < r.dropped.length; k++) this.c.dropped[RECORD_KINDS[k]] += r.dropped[k];
    }
    // A cut between opening a page and reclaiming the oldest leaves no free page: finish that reclaim now, while
    // the new head still has the room the copies need.
    if (flash.pageCount > 1 && this.freePages() === 0) this.reclaimOldest(false);
    const dropped = s.retiring.reduce((n, r) => n + r.dropped.reduce((a, b) => a + b, 0), 0);
    if (torn + s.corrupt + dropped > 0) {
      log?.log("warn", `record log: ${torn} torn, ${s.corrupt} corrupt, ${dropped} dropped by an unfinished reclaim`);
    }
    return s.index;
  }

  /** The index, scanned now if this log was resumed without one: the pages that can hold records from `low` on. */
  private idx(): RecordIndex {
    return this.index ?? this.recover(scanLog(this.flash, this.resumed ? this.resumed.low : 0), false);
  }

  /** Stores a record; returns its seq, or 0 when it cannot be stored (larger than a page: counted as rejected). */
  append(rec: Omit<TrackRecord, "seq">): number {
    const plain = encodeRecord(rec);
    const size = FRAME_HDR + plain.length + (this.sealer ? this.sealer.overhead : 0);
    if (size > this.usable) {
      this.c.rejected++;
      this.log?.log("error", `record log: ${rec.kind} record of ${size} B does not fit a page`);
      return 0;
    }
    this.ensureRoom(size);
    const seq = this.nextSeq;
    const loc = this.head * this.pageSize + this.writePos;
    const body = this.sealer ? this.sealer.seal(plain, seq, this.headSeq, this.writePos) : plain;
    this.writeFrame(loc, buildFrame(seq, body));
    this.writePos += size;
    this.nextSeq = seq + 1;
    if (this.index) this.index.put(seq, loc, size, RECORD_KINDS.indexOf(rec.kind), false);
    else if (this.resumed) this.resumed.pending++;
    this.c.appended++;
    return seq;
  }

  /** Up to max undelivered records, oldest first. */
  peek(max: number): TrackRecord[] {
    return this.collect(max, () => true);
  }

  /**
   * Up to max undelivered records: alarms first, then door and trip events, then the rest; oldest first within.
   * `lastRank` 1 stops after the events (the routine records are never read, nor decrypted). `newestRoutine`
   * takes the routine records newest first instead: what a message that can carry only a few wants (the position
   * now, not the oldest of a long backlog).
   */
  peekPriority(max: number, lastRank = 2, newestRoutine = false): TrackRecord[] {
    const out: TrackRecord[] = [];
    for (let rank = 0; rank <= lastRank && out.length < max; rank++) {
      const want = (kind: RecordKind) => PRIORITY[kind] === rank;
      const got = newestRoutine && rank === 2 ? this.collect(max - out.length, want, true) : this.collect(max - out.length, want);
      for (const r of got) out.push(r);
    }
    return out;
  }

  /** The seq of the oldest undelivered record, from the index alone (no body is read); undefined when none. */
  oldestSeq(): number | undefined {
    if (this.pending() === 0) return undefined;
    const index = this.idx();
    return index.length > 0 ? index.seq(0) : undefined;
  }

  /** Marks records delivered: they are never handed out again, also after a power cut. Unknown seqs are ignored. */
  ack(seqs: readonly number[]): void {
    if (seqs.length === 0) return;
    const index = this.idx();
    for (const seq of seqs) {
      const i = index.find(seq);
      if (i < 0) continue;
      this.flash.write(index.loc(i) + CONSUMED_AT, Uint8Array.from(ZERO));
      index.removeAt(i);
      this.c.acked++;
    }
  }

  /** How many records are undelivered; answered without scanning (see ResumePoint for when it can be high). */
  pending(): number {
    return this.index ? this.index.length : this.resumed ? this.resumed.pending : 0;
  }

  stats(): RecordLogStats {
    const c = copyCounters(this.c);
    return { ...c, droppedTotal: totalDropped(c.dropped), pending: this.pending(), nextSeq: this.nextSeq };
  }

  /** What to keep in retained memory across deep sleep: the counters and the resume point (see open()). */
  snapshot(): RecordLogSnapshot {
    const snap: RecordLogSnapshot = copyCounters(this.c);
    const p = this.resumePoint();
    if (p) snap.at = packResume(p);
    return snap;
  }

  private resumePoint(): ResumePoint | undefined {
    const { index, resumed, head, headSeq, writePos, nextSeq, nextPageSeq } = this;
    if (!index) return resumed && { ...resumed, writePos, nextSeq };
    const nextFree = firstFreeAfter(this.pageSeqs, head);
    if (head < 0 || nextFree < 0) return undefined;
    const low = index.length > 0 ? index.seq(0) : nextSeq;
    return { head, headSeq, writePos, nextSeq, nextPageSeq, pending: index.length, low, nextFree };
  }

  /** Adds counters saved by snapshot() before the last sleep to what this boot's scan found. Bad input is ignored. */
  restore(snap: unknown): void {
    addSavedCounters(this.c, snap);
  }

  /** Up to max undelivered records of the kinds wanted, oldest first (newest first with `newest`). */
  private collect(max: number, want: (kind: RecordKind) => boolean, newest = false): TrackRecord[] {
    const out: TrackRecord[] = [];
    if (max <= 0 || this.pending() === 0) return out;
    const index = this.idx();
    if (newest) {
      for (let i = index.length - 1; i >= 0 && out.length < max; i--) {
        if (!want(index.kind(i))) continue;
        // A corrupt record leaves the index here; the ones below i keep their places.
        const rec = this.readRecord(i);
        if (rec) out.push(rec);
        else this.discardCorrupt(i);
      }
      return out;
    }
    for (let i = 0; i < index.length && out.length < max; ) {
      if (!want(index.kind(i))) {
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
    const index = this.idx();
    const frame = this.flash.read(index.loc(i), index.size(i));
    if (!frameIntact(frame)) return undefined;
    const body = this.openBody(frame, index.seq(i), index.loc(i));
    return body && decodeRecord(body, index.seq(i));
  }

  /** The plain body of an intact frame at `loc` (undefined when the sealer refuses it: counted as corrupt). */
  private openBody(frame: Uint8Array, seq: number, loc: number): Uint8Array | undefined {
    const body = frame.subarray(FRAME_HDR);
    if (!this.sealer) return body;
    const page = Math.floor(loc / this.pageSize);
    return this.sealer.open(body, seq, this.pageSeqs[page], loc - page * this.pageSize);
  }

  /** A committed record that fails its CRC is lost; marking it consumed keeps later boots from counting it again. */
  private discardCorrupt(i: number): void {
    const index = this.idx();
    this.flash.write(index.loc(i) + CONSUMED_AT, Uint8Array.from(ZERO));
    index.removeAt(i);
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
    if (this.head >= 0 && this.writePos >= 0 && this.writePos + size <= this.pageSize) return;
    this.idx(); // the page table comes with it
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
    const page = firstFreeAfter(this.pageSeqs, this.head);
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
    this.headSeq = pageSeq;
    this.writePos = PAGE_HDR;
  }

  private reclaimOldest(force: boolean): void {
    let page = -1;
    for (let p = 0; p < this.pageCount; p++) {
      if (this.pageSeqs[p] >= 0 && p !== this.head && (page < 0 || this.pageSeqs[p] < this.pageSeqs[page])) page = p;
    }
    if (page < 0) page = this.head; // a one-page partition: nothing to copy into
    const index = this.idx();
    const base = page * this.pageSize;
    const inPage = (i: number) => index.loc(i) >= base && index.loc(i) < base + this.pageSize;
    const room = page !== this.head && this.writePos >= 0 ? this.pageSize - this.writePos : 0;
    const plan = planReclaim(index, base, this.pageSize, room, (this.pageCount - 2) * this.usable, force);
    for (const seq of plan.copy) this.relocate(index.find(seq));
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
    if (n > 0) {
      // by kind, so what a long outage cost can be read off the log (the counters say the same, summed)
      const kinds = RECORD_KINDS.filter((k) => dropped[k] > 0).map((k) => `${k}=${dropped[k]}`).join(" ");
      this.log?.log("warn", `record log: full, dropped ${n} undelivered records of the oldest page ${kinds}`);
    }
  }

  /** Copies a priority record into the head page under the same seq; the old copy goes with its page. */
  private relocate(i: number): void {
    const index = this.idx();
    let frame = this.flash.read(index.loc(i), index.size(i));
    if (!frameIntact(frame)) {
      this.discardCorrupt(i);
      return;
    }
    const loc = this.head * this.pageSize + this.writePos;
    if (this.sealer) {
      // the nonce is the place: a moved record is sealed again for its new one (same length, same seq)
      const seq = index.seq(i);
      const plain = this.openBody(frame, seq, index.loc(i));
      if (!plain) {
        this.discardCorrupt(i);
        return;
      }
      frame = buildFrame(seq, this.sealer.seal(plain, seq, this.headSeq, this.writePos));
    }
    frame[COMMIT_AT] = 0xff;
    frame[CONSUMED_AT] = 0xff;
    this.writeFrame(loc, frame);
    this.writePos += frame.length;
    index.setLoc(i, loc);
    this.c.relocated++;
  }
}
