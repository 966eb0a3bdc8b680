/**
 * The record log's drop policy when it reclaims its oldest page: routine records (position, temperature,
 * heartbeat) go with the page; alarm, door and trip records are copied forward, oldest dropped first only when
 * they would not fit the new page's room or priority records would take more than their quota of the flash.
 */
import type { RecordIndex } from "./record-index";
import type { RecordKind } from "./track-record";

/** 0 alarms, 1 door and trip events, 2 routine records: the order the priority path hands records out in. */
export const PRIORITY: Readonly<Record<RecordKind, number>> = Object.freeze({
  alarm: 0,
  door: 1,
  trip: 1,
  position: 2,
  temperature: 2,
  heartbeat: 2,
});

export interface ReclaimPlan {
  /** Seqs of the page's priority records to copy forward, oldest first. */
  copy: number[];
}

/**
 * Which of the priority records indexed in [base, base + pageSize) to copy: `room` bytes are free in the page
 * they go to, priority records may take `quota` bytes of the whole log, and `force` drops them all (the log found
 * no other way to progress).
 */
export function planReclaim(index: RecordIndex, base: number, pageSize: number, room: number, quota: number, force: boolean): ReclaimPlan {
  let priorityBytes = 0;
  const keep: number[] = []; // seqs, oldest first
  const sizes: number[] = [];
  let keepBytes = 0;
  for (let i = 0; i < index.length; i++) {
    if (PRIORITY[index.kind(i)] === 2) continue;
    priorityBytes += index.size(i);
    if (index.loc(i) >= base && index.loc(i) < base + pageSize) {
      keep.push(index.seq(i));
      sizes.push(index.size(i));
      keepBytes += index.size(i);
    }
  }
  let k = 0;
  for (; k < keep.length && (force || priorityBytes > quota || keepBytes > room); k++) {
    priorityBytes -= sizes[k];
    keepBytes -= sizes[k];
  }
  return { copy: keep.slice(k) };
}

/** The first free page (page sequence < 0) after `head` in ring order, -1 when none. */
export function firstFreeAfter(pageSeqs: readonly number[], head: number): number {
  const n = pageSeqs.length;
  for (let k = 1; k <= n; k++) {
    const p = (head + k + n) % n;
    if (pageSeqs[p] < 0) return p;
  }
  return -1;
}
