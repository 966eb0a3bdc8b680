/**
 * Store figures measured on the simulated flash: how many records a page holds, how often pages are erased at a
 * given record rate, how many days of records the partition keeps while the network is away, and what the boot
 * scan reads. Platform-free: the CLI prints it, a test checks it.
 */
import type { RecordSealer } from "../../firmware/store/record-seal";
import { encodeRecord } from "../../firmware/store/record-codec";
import { FRAME_HDR, PAGE_HDR } from "../../firmware/store/record-frame";
import { RecordLog } from "../../firmware/store/record-log";
import type { RecordKind, TrackRecord } from "../../firmware/store/track-record";
import { SimFlash } from "../devices/flash-sim";

export interface WearOptions {
  pageSize: number;
  pageCount: number;
  recordsPerDay: number;
  days: number;
  /** Records delivered per upload (the log is acked in batches of this size). */
  batch: number;
  /** Records encrypted at rest, as on a provisioned device. */
  sealer?: RecordSealer;
}

export interface WearFigures extends WearOptions {
  frameBytes: number;
  recordsPerPage: number;
  erasesPerDay: number;
  erasesPerPagePerDay: number;
  erasesMaxPage: number;
  erasesMinPage: number;
  yearsTo100kCycles: number;
  offlineRecords: number; // records stored before the first drop with no delivery at all
  offlineDays: number;
  bootScanBytes: number; // bytes the recovery scan reads on a full partition
  bootScanRecords: number;
  pendingAtScan: number; // what the log that wrote the partition held (the scan must find exactly these)
}

/** A typical record of a reefer trip: a fix, two probes, the odometer, sometimes an alarm. */
export function typicalRecord(n: number): Omit<TrackRecord, "seq"> {
  const kind: RecordKind = n % 50 === 7 ? "alarm" : n % 3 === 0 ? "position" : "temperature";
  const rec: Omit<TrackRecord, "seq"> = {
    kind,
    utc: 1_717_000_000_000 + n * 288_000,
    mono: n * 288_000,
    fix: {
      lat: 39.9 + n * 1e-5,
      lon: 116.4 + n * 1e-5,
      alt: 43,
      speedKmh: 62.5,
      course: 87.4,
      sats: 14,
      gps: true,
      bds: true,
      utc: 1_717_000_000_000 + n * 288_000 - 20_000,
    },
    temps: [45, 52],
    doorOpen: false,
    acc: true,
    external: true,
    batteryMv: 4020,
    alarms: 0,
    odometerM: 1000 * n,
  };
  if (kind === "alarm") rec.detail = { code: "temp-high", raised: true, probe: 0, band: 0, extreme: 91, startUtc: rec.utc };
  return rec;
}

export function measureWear(opt: WearOptions): WearFigures {
  const flash = new SimFlash(opt.pageSize, opt.pageCount);
  const log = RecordLog.open(flash, undefined, undefined, opt.sealer);
  const total = opt.recordsPerDay * opt.days;
  let frames = 0;
  for (let n = 0; n < total; n++) {
    const rec = typicalRecord(n);
    frames += FRAME_HDR + encodeRecord(rec).length + (opt.sealer?.overhead ?? 0);
    log.append(rec);
    if (log.pending() >= opt.batch) log.ack(log.peek(opt.batch).map((r) => r.seq));
  }
  const frameBytes = frames / total;
  const erases = flash.erases;
  const per = Array.from(flash.erasesPerPage);
  const erasesPerDay = erases / opt.days;
  const erasesPerPagePerDay = erasesPerDay / opt.pageCount;

  const offline = new SimFlash(opt.pageSize, opt.pageCount);
  const olog = RecordLog.open(offline, undefined, undefined, opt.sealer);
  let offlineRecords = 0;
  while (olog.stats().droppedTotal === 0 && offlineRecords < 1_000_000) {
    olog.append(typicalRecord(offlineRecords));
    if (olog.stats().droppedTotal === 0) offlineRecords++;
  }
  const before = offline.bytesRead;
  const scanned = RecordLog.open(offline, undefined, undefined, opt.sealer);
  return {
    ...opt,
    frameBytes,
    recordsPerPage: Math.floor((opt.pageSize - PAGE_HDR) / frameBytes),
    erasesPerDay,
    erasesPerPagePerDay,
    erasesMaxPage: Math.max(...per),
    erasesMinPage: Math.min(...per),
    yearsTo100kCycles: erasesPerPagePerDay > 0 ? 100_000 / erasesPerPagePerDay / 365 : Infinity,
    offlineRecords,
    offlineDays: offlineRecords / opt.recordsPerDay,
    bootScanBytes: offline.bytesRead - before,
    bootScanRecords: scanned.pending(),
    pendingAtScan: olog.pending(),
  };
}

export function formatWear(f: WearFigures): string {
  const kb = (f.pageSize * f.pageCount) / 1024;
  return [
    `record log on ${kb} KB (${f.pageCount} x ${f.pageSize} B)${f.sealer ? ", encrypted at rest" : ""}, ${f.recordsPerDay} records/day for ${f.days} days, acked in batches of ${f.batch}`,
    `  frame ${f.frameBytes.toFixed(1)} B on average, ${f.recordsPerPage} records per page`,
    `  erases ${f.erasesPerDay.toFixed(2)}/day in all, ${f.erasesPerPagePerDay.toFixed(3)}/day per page ` +
      `(pages ${f.erasesMinPage}..${f.erasesMaxPage} erases), ~${Math.round(f.yearsTo100kCycles)} years to 100k cycles`,
    `  offline: ${f.offlineRecords} records (${f.offlineDays.toFixed(1)} days) stored before the first drop`,
    `  boot scan of that full partition: ${f.bootScanBytes} B read, ${f.bootScanRecords} records indexed`,
  ].join("\n");
}
