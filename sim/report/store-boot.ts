/**
 * What a boot of the record log reads from the flash, measured on the simulated partition in the state a device
 * reaches after weeks of service (every page used at least once, so every page is live) with a backlog left
 * undelivered: a wake that only appends, a wake that delivers the whole backlog, and the boot after a power cut
 * (no resume point: the full recovery scan). Platform-free: the CLI prints it, a test checks it.
 */
import { RecordLog, type RecordLogSnapshot } from "../../firmware/store/record-log";
import { SimFlash } from "../devices/flash-sim";
import { typicalRecord } from "./store-wear";

export interface BootOptions {
  pageSize: number;
  pageCount: number;
  /** Records left undelivered when the measured wakes start. */
  pending: number;
  /** Append-only wakes measured in a row (some of them open a page). */
  wakes: number;
  /** Records delivered per uplink batch (peekPriority + ack). */
  batch: number;
}

export interface BootFigures extends BootOptions {
  appendWake: { typical: number; max: number; mean: number; pageOpens: number };
  uplinkWake: { open: number; firstPeek: number; total: number; batches: number };
  powerCutBoot: number;
}

/** The bytes fn reads from flash. */
function readBy(flash: SimFlash, fn: () => void): number {
  const before = flash.bytesRead;
  fn();
  return flash.bytesRead - before;
}

/** A wake as the wake cycle drives the log: open with the last snapshot, count the backlog, work, save. */
function wake(flash: SimFlash, saved: RecordLogSnapshot | undefined, work: (log: RecordLog) => void): RecordLogSnapshot {
  const log = RecordLog.open(flash, undefined, saved);
  log.restore(saved);
  log.pending();
  work(log);
  return JSON.parse(JSON.stringify(log.snapshot())) as RecordLogSnapshot;
}

/** A partition whose every page was used, then `pending` records appended with no delivery. */
export function agedPartition(pageSize: number, pageCount: number, pending: number): { flash: SimFlash; saved: RecordLogSnapshot } {
  const flash = new SimFlash(pageSize, pageCount);
  const log = RecordLog.open(flash);
  let n = 0;
  while (flash.erases < pageCount + 2) {
    log.append(typicalRecord(n++));
    if (log.pending() >= 12) log.ack(log.peek(12).map((r) => r.seq));
  }
  log.ack(log.peek(log.pending()).map((r) => r.seq));
  for (let k = 0; k < pending; k++) log.append(typicalRecord(n++));
  return { flash, saved: JSON.parse(JSON.stringify(log.snapshot())) as RecordLogSnapshot };
}

export function measureBoot(opt: BootOptions): BootFigures {
  const aged = agedPartition(opt.pageSize, opt.pageCount, opt.pending);

  const flash = aged.flash.clone();
  let saved = aged.saved;
  const reads: number[] = [];
  let pageOpens = 0;
  for (let k = 0; k < opt.wakes; k++) {
    const erased = flash.erases;
    reads.push(readBy(flash, () => (saved = wake(flash, saved, (log) => log.append(typicalRecord(1_000_000 + k))))));
    if (flash.erases > erased) pageOpens++;
  }
  const sorted = reads.slice().sort((a, b) => a - b);

  const up = aged.flash.clone();
  let log = RecordLog.open(up);
  const open = readBy(up, () => {
    log = RecordLog.open(up, undefined, aged.saved);
    log.pending();
  });
  const firstPeek = readBy(up, () => log.ack(log.peekPriority(opt.batch).map((r) => r.seq)));
  let batches = 1;
  const rest = readBy(up, () => {
    for (; log.pending() > 0; batches++) log.ack(log.peekPriority(opt.batch).map((r) => r.seq));
  });

  const cut = aged.flash.clone();
  const powerCutBoot = readBy(cut, () => RecordLog.open(cut).pending());

  return {
    ...opt,
    appendWake: {
      typical: sorted[Math.floor(sorted.length / 2)],
      max: sorted[sorted.length - 1],
      mean: reads.reduce((a, b) => a + b, 0) / reads.length,
      pageOpens,
    },
    uplinkWake: { open, firstPeek, total: open + firstPeek + rest, batches },
    powerCutBoot,
  };
}

export function formatBoot(f: BootFigures): string {
  const kb = (f.pageSize * f.pageCount) / 1024;
  const a = f.appendWake;
  const u = f.uplinkWake;
  return [
    `record log boot reads on ${kb} KB (${f.pageCount} x ${f.pageSize} B), every page used, ${f.pending} records pending`,
    `  append-only wake: ${a.typical} B typical, ${Math.round(a.mean)} B mean, ${a.max} B max ` +
      `(${f.wakes} wakes in a row, ${a.pageOpens} of them opened a page)`,
    `  uplink wake delivering all ${f.pending} in ${u.batches} batches of ${f.batch}: ${u.total} B in all, ` +
      `${u.open} B to open, ${u.firstPeek} B for the first batch (index scan included)`,
    `  boot after a power cut (full recovery scan): ${f.powerCutBoot} B`,
  ].join("\n");
}
