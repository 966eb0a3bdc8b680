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
  /** Routine records the cut boot dropped and counted (a full flash: the stated policy). */
  dropped: number;
  problems: string[];
}

/** What the uncut run tells about every seq: its record text, and whether an ack of it completed. */
export interface Truth {
  known: Map<number, string>;
  acked: Set<number>;
}

const ROUTINE = new Set(["position", "temperature", "heartbeat"]);

/**
 * Judges what a log opened after a cut hands out (`got`, and the drops its boot counted) against the uncut states
 * before and after the operation and what the run knew up to it.
 */
export function judgeCut(before: PendingSet, after: PendingSet, truth: Truth, got: readonly TrackRecord[], counted: Readonly<Record<string, number>>): CutJudgement {
  const j: CutJudgement = { lost: 0, corrupt: 0, duplicates: 0, dropped: 0, problems: [] };
  const seen = new Set<number>();
  for (const r of got) {
    if (seen.has(r.seq)) {
      j.duplicates++;
      j.problems.push(`seq ${r.seq} handed out twice`);
      continue;
    }
    seen.add(r.seq);
    const text = canonical(r);
    if (truth.acked.has(r.seq) && !before.has(r.seq)) {
      j.duplicates++;
      j.problems.push(`acknowledged seq ${r.seq} handed out again`);
    } else if (truth.known.get(r.seq) !== text && after.get(r.seq) !== text) {
      j.corrupt++;
      j.problems.push(truth.known.has(r.seq) ? `seq ${r.seq} handed out altered` : `seq ${r.seq} handed out but never stored`);
    }
  }
  const missing: Record<string, number> = {};
  for (const [seq, text] of before) {
    if (!after.has(seq) || seen.has(seq)) continue;
    const kind = (JSON.parse(text) as TrackRecord).kind;
    missing[kind] = (missing[kind] ?? 0) + 1;
    if (!ROUTINE.has(kind)) {
      j.lost++;
      j.problems.push(`${kind} seq ${seq} lost (${counted[kind] ? "dropped ahead of routine records" : "not counted"})`);
    } else if (missing[kind] > (counted[kind] ?? 0)) {
      j.lost++;
      j.problems.push(`${kind} seq ${seq} lost without being counted as dropped`);
    } else j.dropped++;
  }
  return j;
}

/** A record the resume check appends: recognisable, and of a kind the log keeps first. */
function probeRecord(n: number): Omit<TrackRecord, "seq"> {
  return { kind: "alarm", utc: 0, mono: n, temps: [], doorOpen: false, acc: false, external: false, batteryMv: 3600, alarms: 0 };
}

function sameSet(a: PendingSet, b: PendingSet): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

/**
 * After a cut: the log just opened must take a new record above every seq ever handed out (`maxSeq`); a reopen
 * must show what that session held; an ack of the new record and the oldest one must hold across a reopen too.
 */
export function checkResume(flash: RecordFlash, log: RecordLog, maxSeq: number, n: number): string[] {
  const problems: string[] = [];
  const seq = log.append(probeRecord(n));
  if (seq <= maxSeq) problems.push(`new record got seq ${seq}, not above ${maxSeq}: a seq used again`);
  const held = pendingOf(log);
  const reopened = pendingOf(RecordLog.open(flash));
  if (!sameSet(held, reopened)) problems.push(`a reopen found ${reopened.size} records where the session held ${held.size}`);
  const log2 = RecordLog.open(flash);
  const oldest = log2.peek(1);
  const acked = oldest.length ? [oldest[0].seq, seq] : [seq];
  log2.ack(acked);
  const left = pendingOf(log2);
  const last = pendingOf(RecordLog.open(flash));
  for (const s of acked) if (last.has(s)) problems.push(`acked seq ${s} came back`);
  if (!sameSet(left, last)) problems.push(`after the acks a reopen found ${last.size} records where the session held ${left.size}`);
  return problems;
}
