/**
 * The recovery scan of the record log: what the flash holds, read back without trusting RAM. It runs in full when
 * a boot has no trusted resume point (record-resume.ts), and from a seq on when a resumed log first needs its index.
 * It classifies every page by its header (live, retired, retire cut short, free), walks the frames of the live
 * pages oldest first into the index, and finds the write position in the newest page, the highest seq ever
 * assigned and the undelivered records (the consume point is the lowest seq left in the index).
 *
 * Scanning from a seq: a live page whose successor (the next live page by page sequence) starts at or below that
 * seq holds only older frames (appends are in seq order, and a relocated copy keeps a seq below its page's base),
 * so it is not read; frames below the seq are skipped. The newest page is always walked. A retire cut short
 * makes the scan a full one: the drops it must count need every copy.
 *
 * Frames are trusted by their commit marker, which is written only after the frame's data write completed; the
 * CRC is checked when a record is read (peek, relocation). A frame without commit is skipped: if its CRC holds,
 * the scan steps over it (the seq still counts as used), otherwise the page ends there and is sealed (no more
 * appends into it), since its length cannot be trusted.
 */
import type { RecordFlash } from "../../hal/ports";
import { KIND_OFFSET, RECORD_KINDS } from "./record-codec";
import { FRAME_HDR, PAGE_HDR, frameIntact, isErased, parseFrameHead, parsePageHeader } from "./record-frame";
import { RecordIndex } from "./record-index";

export type PageState = "live" | "retired" | "retiring" | "free";

/** What the page headers alone say. */
export interface PageTable {
  /** Per page: "retiring" = a retire marker cut short; its records not copied elsewhere are dropped now. */
  states: PageState[];
  /** Per page: page sequence of a live page, -1 otherwise. */
  pageSeqs: number[];
  /** Per page: whether a valid header is present (it is zeroed before the page is erased). */
  signed: boolean[];
  /** Per page: the seq base of a signed page, -1 otherwise. */
  seqBases: number[];
  nextPageSeq: number;
  /** The highest seq the headers prove was assigned (a seq base minus one). */
  maxSeq: number;
}

export interface ScanResult extends PageTable {
  index: RecordIndex;
  head: number; // newest live page, -1 when none
  writePos: number; // offset in the head page where the next frame goes, -1 when the head is sealed
  nextSeq: number;
  torn: number; // frames without commit (appends cut short)
  corrupt: number; // committed frames naming no known kind
  /** Per retiring page, unconsumed records with no other copy, per kind code. */
  retiring: { page: number; dropped: number[] }[];
}

interface PageWalk {
  writePos: number;
  torn: number;
  corrupt: number;
  maxSeq: number;
}

/** Walks the frames of one page, calling onFrame for every committed one. */
function walkPage(
  b: Uint8Array,
  base: number,
  onFrame: (seq: number, loc: number, size: number, kind: number, consumed: boolean) => void,
): PageWalk {
  const out: PageWalk = { writePos: -1, torn: 0, corrupt: 0, maxSeq: 0 };
  let p = PAGE_HDR;
  while (p + FRAME_HDR <= b.length) {
    const h = parseFrameHead(b, p);
    if (h.blank) break;
    const size = FRAME_HDR + h.len;
    if (h.len < KIND_OFFSET + 1 || p + size > b.length) {
      out.torn++;
      return out;
    }
    if (!h.committed) {
      out.torn++;
      if (!frameIntact(b.subarray(p, p + size))) return out;
    } else {
      const kind = b[p + FRAME_HDR + KIND_OFFSET];
      if (kind < RECORD_KINDS.length) onFrame(h.seq, base + p, size, kind, h.consumed);
      else out.corrupt++;
    }
    if (h.seq > out.maxSeq) out.maxSeq = h.seq;
    p += size;
  }
  out.writePos = isErased(b, p) ? p : -1;
  return out;
}

/** Reads every page header: PAGE_HDR bytes per page. */
export function scanHeaders(flash: RecordFlash): PageTable {
  const { pageSize, pageCount } = flash;
  const t: PageTable = { states: [], pageSeqs: [], signed: [], seqBases: [], nextPageSeq: 1, maxSeq: 0 };
  for (let page = 0; page < pageCount; page++) {
    const h = parsePageHeader(flash.read(page * pageSize, PAGE_HDR));
    t.signed.push(h !== undefined);
    t.pageSeqs.push(-1);
    t.seqBases.push(h ? h.seqBase : -1);
    if (!h) {
      t.states.push("free");
      continue;
    }
    if (h.pageSeq >= t.nextPageSeq) t.nextPageSeq = h.pageSeq + 1;
    if (h.seqBase - 1 > t.maxSeq) t.maxSeq = h.seqBase - 1;
    const state: PageState = h.retired === 0xff ? "live" : h.retired === 0 ? "retired" : "retiring";
    t.states.push(state);
    if (state === "live") t.pageSeqs[page] = h.pageSeq;
  }
  return t;
}

/** Rebuilds the page table, the index (of the undelivered records from fromSeq on) and the write position. */
export function scanLog(flash: RecordFlash, fromSeq = 0): ScanResult {
  const { pageSize, pageCount } = flash;
  const table = scanHeaders(flash);
  const res: ScanResult = {
    ...table,
    index: new RecordIndex(),
    head: -1,
    writePos: -1,
    nextSeq: 1,
    torn: 0,
    corrupt: 0,
    retiring: [],
  };
  if (table.states.indexOf("retiring") >= 0) fromSeq = 0;
  let maxSeq = table.maxSeq;
  const live: { page: number; pageSeq: number }[] = [];
  for (let page = 0; page < pageCount; page++) {
    if (table.states[page] === "live") live.push({ page, pageSeq: table.pageSeqs[page] });
  }
  live.sort((a, b) => a.pageSeq - b.pageSeq);
  const index = res.index;
  for (let k = 0; k < live.length; k++) {
    const page = live[k].page;
    if (k < live.length - 1 && table.seqBases[live[k + 1].page] <= fromSeq) continue;
    const walk = walkPage(flash.read(page * pageSize, pageSize), page * pageSize, (seq, loc, size, kind, consumed) => {
      if (seq >= fromSeq) index.put(seq, loc, size, kind, consumed);
    });
    res.torn += walk.torn;
    res.corrupt += walk.corrupt;
    if (walk.maxSeq > maxSeq) maxSeq = walk.maxSeq;
    if (k === live.length - 1) {
      res.head = page;
      res.writePos = walk.writePos;
    }
  }
  for (let page = 0; page < pageCount; page++) {
    if (table.states[page] !== "retiring") continue;
    const dropped = RECORD_KINDS.map(() => 0);
    const walk = walkPage(flash.read(page * pageSize, pageSize), page * pageSize, (seq, _loc, _size, kind, consumed) => {
      const i = index.find(seq);
      if (i >= 0) {
        if (consumed) index.put(seq, index.loc(i), index.size(i), index.kindCode(i), true);
      } else if (!consumed) dropped[kind]++;
    });
    if (walk.maxSeq > maxSeq) maxSeq = walk.maxSeq;
    res.retiring.push({ page, dropped });
  }
  index.removeWhere((i) => index.consumed(i));
  res.nextSeq = maxSeq + 1;
  return res;
}
