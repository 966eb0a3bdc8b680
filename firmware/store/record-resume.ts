/**
 * The record log's resume point: the few numbers a boot needs to append without scanning the partition, kept in
 * the deep-sleep snapshot (RTC memory, lost on a power cut). A boot trusts it only after checking, in well under
 * 1 KB of reads, that the flash is still as the point describes:
 *
 * - the newest page's header is intact, live and carries the page sequence the point names;
 * - the bytes from the write position on are still erased, as far as the largest frame reaches (every append and
 *   every copy into the newest page starts there, so one made after the snapshot, torn or whole, shows there);
 * - the page the next page-open would take (the first free one after the newest in ring order) carries no header
 *   of a page opened since (every page-open after the snapshot takes that page first, since the log always ends a
 *   wake with a free page; a reclaim only follows a page-open).
 *
 * What the check cannot see is an ack made after the snapshot by a wake that then ended without saving one (a
 * crash or a watchdog reset): the pending count is then too high and the lowest pending seq too low until the
 * index is built, which only makes the log read more. A power cut wipes the point, so the boot scans in full.
 */
import type { RecordFlash } from "../../hal/ports";
import { MAX_BODY } from "./record-codec";
import { FRAME_HDR, PAGE_HDR, isErased, parsePageHeader } from "./record-frame";

export interface ResumePoint {
  head: number; // newest live page
  headSeq: number; // its page sequence
  writePos: number; // where the next frame goes in it, -1 when sealed
  nextSeq: number;
  nextPageSeq: number;
  pending: number; // undelivered records
  low: number; // lowest undelivered seq (nextSeq when none): every older frame is consumed or dropped
  nextFree: number; // the page the next page-open takes
}

const FIELDS = 8;

/** The point as a short array of numbers (what the snapshot carries). */
export function packResume(p: ResumePoint): number[] {
  return [p.head, p.headSeq, p.writePos, p.nextSeq, p.nextPageSeq, p.pending, p.low, p.nextFree];
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
}

/** The point saved in a snapshot, or undefined when it is absent or does not fit this partition. */
export function unpackResume(v: unknown, flash: RecordFlash): ResumePoint | undefined {
  if (!Array.isArray(v) || v.length !== FIELDS) return undefined;
  const a = v as unknown[];
  const w = a[2];
  if (!a.every((x, i) => (i === 2 ? x === -1 || isCount(x) : isCount(x)))) return undefined;
  const p: ResumePoint = {
    head: a[0] as number,
    headSeq: a[1] as number,
    writePos: w as number,
    nextSeq: a[3] as number,
    nextPageSeq: a[4] as number,
    pending: a[5] as number,
    low: a[6] as number,
    nextFree: a[7] as number,
  };
  const { pageSize, pageCount } = flash;
  if (p.head >= pageCount || p.nextFree >= pageCount || p.nextFree === p.head) return undefined;
  if (p.writePos !== -1 && (p.writePos < PAGE_HDR || p.writePos > pageSize)) return undefined;
  if (p.headSeq >= p.nextPageSeq || p.nextSeq < 1 || p.low > p.nextSeq || p.pending > p.nextSeq - p.low) return undefined;
  return p;
}

/** Whether the flash is still as the point describes (see the header); reads under FRAME_HDR + MAX_BODY + 40 B. */
export function resumeHolds(flash: RecordFlash, p: ResumePoint): boolean {
  const { pageSize } = flash;
  const h = parsePageHeader(flash.read(p.head * pageSize, PAGE_HDR));
  if (!h || h.retired !== 0xff || h.pageSeq !== p.headSeq || h.seqBase > p.nextSeq) return false;
  if (p.writePos >= 0) {
    const n = Math.min(pageSize - p.writePos, FRAME_HDR + MAX_BODY);
    if (n > 0 && !isErased(flash.read(p.head * pageSize + p.writePos, n))) return false;
  }
  const f = parsePageHeader(flash.read(p.nextFree * pageSize, PAGE_HDR));
  return !f || (f.pageSeq < p.nextPageSeq && f.retired !== 0xff);
}
