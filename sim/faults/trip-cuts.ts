/**
 * Power cuts at every flash write and erase of a whole trip. The trip runs once with the real firmware on a taped
 * flash; then, for each operation on the tape, the partition is rebuilt as it was just before it and the supply
 * is cut inside it: at its first byte, at its last and at random bytes between (the simulated flash tears the byte
 * at the cut: some of its bits programmed, some not). Each cut flash is booted the way the device boots after a
 * cut (the record log's recovery scan, RTC memory gone), a share of those recoveries are cut again, and the result
 * is judged against the uncut states around the operation (log-oracle.ts), then made to take and ack new records.
 *
 * A second part reruns the whole trip with the real firmware and the supply cut at one chosen flash byte, for a
 * sample of operations: the wakes after the cut must deliver everything (nothing lost, nothing twice), as the
 * platform sees it.
 *
 * Inputs: a trace and the campaign's sizes. Outputs: Figures.
 */
import { RecordLog } from "../../firmware/store/record-log";
import { PowerCutError, SimFlash } from "../devices/flash-sim";
import { Rng } from "../world/rng";
import { FLASH_PAGES, simulate } from "../simulation";
import type { Trace } from "../world/trace-types";
import { type Figures, Failures } from "./figures";
import { type FlashOp, FlashTape, applyOp, opBytes } from "./flash-tape";
import { type Truth, checkResume, judgeCut, pendingOf } from "./log-oracle";
import { RETIRED_AT } from "../../firmware/store/record-frame";

const PAGE_SIZE = 4096;

export interface TripCutOptions {
  /** Cuts inside each operation judged (the first at its first byte, the second at its last, the rest random). */
  cutsPerOp: number;
  /** Judge every stride-th operation (1 = every one). */
  stride: number;
  /** Share of cut boots whose own recovery writes are cut again. */
  recoveryShare: number;
  /** Whole-trip reruns with the real firmware, each with one cut at a chosen flash byte. */
  reruns: number;
  seed: number;
  /** Partition size in 4 KB pages (default: the reference board's). */
  pages?: number;
}

export interface Tape {
  ops: FlashOp[];
  pages: number;
}

/**
 * Runs the trip once on a taped flash: the operations the real firmware made, in order. The trip runs
 * unprovisioned: the oracle judges every cut by reading record bodies, which at rest are sealed with a key only
 * the device holds. The sealed log's cut guarantees are held by the record log's own cut and storm tests, run
 * encrypted, and by the sealed fault-storm trip.
 */
export function recordTape(trace: Trace, pages = FLASH_PAGES): Tape {
  const tape = new FlashTape(new SimFlash(PAGE_SIZE, pages));
  simulate(trace, { flash: tape, security: false });
  return { ops: tape.ops, pages };
}

function isCut(e: unknown): boolean {
  return e instanceof PowerCutError;
}

/** The cut part: every stride-th operation of the tape, cutsPerOp cuts in each. */
export function cutTape(name: string, tape: Tape, o: TripCutOptions): Figures {
  const rng = new Rng(o.seed);
  const fail = new Failures();
  const c = { operations: tape.ops.length, writes: 0, erases: 0, cuts: 0, in_writes: 0, in_erases: 0, recovery_cuts: 0, boots_resumed: 0, lost: 0, corrupt: 0, duplicates: 0, dropped_by_policy: 0, max_pending: 0 };
  const truth: Truth = { known: new Map(), acked: new Set() };
  let cur = new SimFlash(PAGE_SIZE, tape.pages);
  let before = pendingOf(RecordLog.open(cur.clone()));
  let maxSeq = 0;
  for (let i = 0; i < tape.ops.length; i++) {
    const op = tape.ops[i];
    if (op.kind === "write") c.writes++;
    else c.erases++;
    const next = cur.clone();
    applyOp(next, op);
    const after = pendingOf(RecordLog.open(next.clone()));
    if (i % o.stride === 0) {
      const bytes = opBytes(op, PAGE_SIZE);
      for (let k = 0; k < o.cutsPerOp; k++) {
        const into = k === 0 ? 0 : k === 1 ? bytes - 1 : rng.int(0, bytes - 1);
        const at = `${name} op ${i} (${op.kind}${op.kind === "write" ? ` ${op.bytes.length} B at ${op.offset}` : ` page ${op.page}`}) cut at byte ${into}: `;
        const flash = cur.clone();
        flash.armCut(into, rng);
        try {
          applyOp(flash, op);
          fail.add(at + "the cut did not fire");
        } catch (e) {
          if (!isCut(e)) throw e;
        }
        flash.powerOn();
        c.cuts++;
        if (op.kind === "write") c.in_writes++;
        else c.in_erases++;
        if (rng.chance(o.recoveryShare)) {
          flash.armCut(rng.int(0, 64), rng);
          try {
            RecordLog.open(flash).peek(1);
          } catch (e) {
            if (!isCut(e)) fail.add(at + `recovery threw ${String(e)}`);
            else c.recovery_cuts++;
          }
          flash.disarm();
          flash.powerOn();
        }
        try {
          const log = RecordLog.open(flash);
          const got = log.peek(1 << 30);
          const j = judgeCut(before, after, truth, got, log.stats().dropped);
          c.dropped_by_policy += j.dropped;
          c.lost += j.lost;
          c.corrupt += j.corrupt;
          c.duplicates += j.duplicates;
          fail.addAll(j.problems, at);
          const resume = checkResume(flash, log, Math.max(maxSeq, ...got.map((r) => r.seq)), i);
          fail.addAll(resume, at);
          if (resume.length === 0) c.boots_resumed++;
        } catch (e) {
          fail.add(at + `boot threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
        }
      }
    }
    for (const [s, text] of after) {
      if (s > maxSeq) maxSeq = s;
      if (!truth.known.has(s)) truth.known.set(s, text);
    }
    // a one-byte write that takes records out of the pending set is an ack mark (the retire marker drops instead)
    if (op.kind === "write" && op.bytes.length === 1 && op.offset % PAGE_SIZE !== RETIRED_AT)
      for (const s of before.keys()) if (!after.has(s)) truth.acked.add(s);
    if (after.size > c.max_pending) c.max_pending = after.size;
    cur = next;
    before = after;
  }
  return { campaign: `power cuts: ${name}`, counts: c, failures: fail.done() };
}

/**
 * How many records a cut at operation `index` may make the platform receive twice: when the operation is one of
 * a run of acknowledgement marks (one byte each, one record each), the platform has confirmed those records but
 * the flash does not know it yet, so they go again (the platform dedupes by seq). Anywhere else: none.
 */
export function acksInFlight(tape: Tape, index: number): number {
  const flash = new SimFlash(PAGE_SIZE, tape.pages);
  for (let i = 0; i < index; i++) applyOp(flash, tape.ops[i]);
  let before = pendingOf(RecordLog.open(flash.clone())).size;
  let n = 0;
  for (let i = index; i < tape.ops.length; i++) {
    const op = tape.ops[i];
    if (op.kind !== "write" || op.bytes.length !== 1) break;
    applyOp(flash, op);
    const after = pendingOf(RecordLog.open(flash.clone())).size;
    if (after !== before - 1) break;
    n++;
    before = after;
  }
  return n;
}

/** The rerun part: the whole trip again with the real firmware, the supply cut once at a chosen flash byte. */
export function rerunCuts(name: string, trace: Trace, tape: Tape, o: TripCutOptions): Figures {
  const rng = new Rng(o.seed ^ 0x5eed);
  const fail = new Failures();
  const c = { reruns: 0, cuts_fired: 0, records_created: 0, records_lost: 0, resent_acks_in_flight: 0, duplicates: 0, crashes: 0, firmware_faults: 0 };
  for (let r = 0; r < o.reruns && tape.ops.length > 0; r++) {
    // spread over the trip: one operation from each of `reruns` equal stretches of the tape
    const lo = Math.floor((r * tape.ops.length) / o.reruns);
    const hi = Math.max(lo, Math.floor(((r + 1) * tape.ops.length) / o.reruns) - 1);
    const index = rng.int(lo, hi);
    const into = rng.int(0, opBytes(tape.ops[index], PAGE_SIZE) - 1);
    const flash = new FlashTape(new SimFlash(PAGE_SIZE, tape.pages), false);
    flash.cutAtOp(index, into, rng.fork(`cut${r}`));
    const s = simulate(trace, { flash, security: false }).summary; // the tape's run, cut once
    c.reruns++;
    c.cuts_fired += s.power_cuts;
    c.records_created += s.records_created;
    c.records_lost += s.records_lost;
    const inFlight = acksInFlight(tape, index);
    // Every second copy over the same route: the tape's cut is not a trace fault, the summary cannot place it.
    const repeats = s.duplicates + s.resent_acks_in_flight;
    const resent = Math.min(repeats, inFlight);
    c.resent_acks_in_flight += resent;
    c.duplicates += repeats - resent;
    c.crashes += s.crashes;
    c.firmware_faults += s.firmware_faults;
    const at = `${name} rerun cut at op ${index} byte ${into}: `;
    if (s.power_cuts !== trace.faults.filter((f) => f.kind === "power-cut").length + 1) fail.add(at + `${s.power_cuts} cuts counted`);
    if (s.records_lost > 0) fail.add(at + `${s.records_lost} records lost`);
    if (repeats > inFlight) fail.add(at + `${repeats} records delivered twice, ${inFlight} acks were in flight`);
    if (s.crashes + s.firmware_faults > 0) fail.add(at + `${s.crashes} crashes, ${s.firmware_faults} firmware faults`);
  }
  return { campaign: `whole-trip reruns: ${name}`, counts: c, failures: fail.done() };
}
