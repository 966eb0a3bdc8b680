/**
 * The rule a record log cut inside one flash operation must keep, judged per record against the two uncut states
 * around the cut (the log as opened just before the operation and just after it), the way LittleFS's power-loss
 * tests hold a file system to "old or new, never anything else":
 *
 * - every record handed out is, byte for byte, the record under that seq in the state before or the state after
 *   (nothing torn, altered or invented; an acknowledged record, absent from both, never comes back);
 * - no seq is handed out twice;
 * - a record present both before and after is still there (nothing the operation did not touch is lost);
 * - the log goes on: a new record gets a seq above every seq the log ever handed out, and survives a reopen along
 *   with everything else, and an ack of it holds.
 *
 * Inputs: opened RecordLogs. Outputs: lists of problems (empty = the cut kept every promise).
 */
import type { RecordFlash } from "../../hal/ports";
import { RecordLog } from "../../firmware/store/record-log";
import type { TrackRecord } from "../../firmware/store/track-record";

/** seq → the record's canonical text. */
export type PendingSet = Map<number, string>;

const ALL = 1 << 30;

export function canonical(r: TrackRecord): string {
  return JSON.stringify(r);
}

export function pendingOf(log: RecordLog): PendingSet {
  const out: PendingSet = new Map();
  for (const r of log.peek(ALL)) out.set(r.seq, canonical(r));
  return out;
}

export interface CutJudgement {
  lost: number;
  corrupt: number;
  duplicates: number;
  problems: string[];
}

/** Judges what a log opened after a cut hands out against the uncut states before and after the operation. */
export function judgeCut(before: PendingSet, after: PendingSet, got: readonly TrackRecord[]): CutJudgement {
  const j: CutJudgement = { lost: 0, corrupt: 0, duplicates: 0, problems: [] };
  const seen = new Set<number>();
  for (const r of got) {
    if (seen.has(r.seq)) {
      j.duplicates++;
      j.problems.push(`seq ${r.seq} handed out twice`);
      continue;
    }
    seen.add(r.seq);
    const text = canonical(r);
    if (before.get(r.seq) !== text && after.get(r.seq) !== text) {
      j.corrupt++;
      const known = before.has(r.seq) || after.has(r.seq);
      j.problems.push(known ? `seq ${r.seq} handed out altered` : `seq ${r.seq} handed out but acknowledged or never stored`);
    }
  }
  for (const seq of before.keys()) {
    if (after.has(seq) && !seen.has(seq)) {
      j.lost++;
      j.problems.push(`seq ${seq} lost`);
    }
  }
  return j;
}

/** A record the resume check appends: recognisable, and of a kind the log keeps first. */
function probeRecord(n: number): Omit<TrackRecord, "seq"> {
  return { kind: "alarm", utc: 0, mono: n, temps: [], doorOpen: false, acc: false, external: false, batteryMv: 3600, alarms: 0 };
}

/**
 * After a cut: the log just opened must take a new record above every seq ever handed out (`maxSeq`), ack it and
 * one old record, and a reopen must show exactly the rest. Returns the problems found.
 */
export function checkResume(flash: RecordFlash, log: RecordLog, maxSeq: number, n: number): string[] {
  const problems: string[] = [];
  const held = pendingOf(log);
  const dropsBefore = log.stats().droppedTotal;
  const seq = log.append(probeRecord(n));
  // the append may open a page and reclaim the oldest (a full flash): the records it drops are counted
  const dropped = log.stats().droppedTotal > dropsBefore;
  if (seq <= maxSeq) problems.push(`new record got seq ${seq}, not above ${maxSeq}: a seq used again`);
  const reopened = pendingOf(RecordLog.open(flash));
  if (!reopened.has(seq)) problems.push(`new record seq ${seq} gone after a reopen`);
  for (const [s, text] of held) {
    const now = reopened.get(s);
    if (now === undefined ? !dropped : now !== text) problems.push(`seq ${s} ${now === undefined ? "lost" : "changed"} by a reopen`);
  }
  const oldest = held.keys().next();
  const acked = oldest.done ? [seq] : [oldest.value, seq];
  const log2 = RecordLog.open(flash);
  log2.peek(ALL);
  log2.ack(acked);
  const last = pendingOf(RecordLog.open(flash));
  for (const s of acked) if (last.has(s)) problems.push(`acked seq ${s} came back`);
  if (last.size !== reopened.size - acked.length) problems.push(`${reopened.size - acked.length} records expected after the acks, ${last.size} found`);
  return problems;
}
