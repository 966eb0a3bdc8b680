/**
 * The record log's counters: what happened to the records (appended, delivered, dropped by kind, lost to damage),
 * kept across deep sleep in the log's snapshot and added to what the next boot finds.
 */
import { RECORD_KINDS } from "./record-codec";
import type { RecordKind } from "./track-record";

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

export type RecordLogCounters = Omit<RecordLogStats, "pending" | "nextSeq" | "droppedTotal">;

const PLAIN = Object.freeze(["appended", "acked", "relocated", "corrupt", "torn", "rejected", "erased"] as const);

export function noDrops(): DropCounts {
  return { position: 0, temperature: 0, alarm: 0, door: 0, trip: 0, heartbeat: 0 };
}

export function freshCounters(): RecordLogCounters {
  return { appended: 0, acked: 0, dropped: noDrops(), relocated: 0, corrupt: 0, torn: 0, rejected: 0, erased: 0 };
}

export function copyCounters(c: RecordLogCounters): RecordLogCounters {
  return { ...c, dropped: { ...c.dropped } };
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

/** Adds the counters of a saved snapshot to c; fields that are missing or not counts are ignored. */
export function addSavedCounters(c: RecordLogCounters, snap: unknown): void {
  if (typeof snap !== "object" || snap === null) return;
  const s = snap as Record<string, unknown>;
  for (const k of PLAIN) {
    const v = s[k];
    if (isCount(v)) c[k] += v;
  }
  const d = s.dropped as Record<string, unknown> | undefined;
  if (typeof d !== "object" || d === null) return;
  for (const k of RECORD_KINDS) {
    const v = d[k];
    if (isCount(v)) c.dropped[k] += v;
  }
}

export function totalDropped(d: DropCounts): number {
  let n = 0;
  for (const k of RECORD_KINDS) n += d[k];
  return n;
}
