/** Record makers for the store tests: deterministic, exactly representable in the flash encoding. */
import { StorageSealer } from "../../firmware/security/record-sealer";
import { simCrypto } from "../../sim/devices/crypto-sim";
import type { Rng } from "../../sim/world/rng";
import type { RecordKind, TrackRecord } from "../../firmware/store/track-record";

export const ROUTINE: readonly RecordKind[] = ["position", "temperature", "heartbeat"];
export const PRIORITY_KINDS: readonly RecordKind[] = ["alarm", "door", "trip"];

/** A record whose every field depends on n, so two different appends never compare equal. */
export function makeRecord(n: number, kind: RecordKind = "position"): Omit<TrackRecord, "seq"> {
  const rec: Omit<TrackRecord, "seq"> = {
    kind,
    utc: 1_717_000_000_000 + n * 1000,
    mono: 5_000 + n * 997,
    temps: [(n % 200) - 100, n % 7 === 0 ? null : 42],
    doorOpen: n % 3 === 0,
    acc: n % 2 === 0,
    external: n % 5 === 0,
    batteryMv: 3600 + (n % 500),
    alarms: n * 17,
  };
  if (n % 4 !== 0) {
    rec.fix = {
      lat: (390000000 + n) / 1e7,
      lon: -(1160000000 + n) / 1e7,
      alt: 40 + (n % 30),
      speedKmh: (n % 900) / 10,
      course: (n % 3600) / 10,
      sats: 4 + (n % 20),
      gps: n % 2 === 0,
      bds: true,
      utc: 1_717_000_000_000 + n * 1000 - 3000,
    };
  }
  if (kind === "alarm") rec.detail = { code: "temp-high", raised: n % 2 === 0, probe: n % 4, extreme: 95 + (n % 10) };
  if (kind === "door") rec.detail = { code: "door-open-long", raised: true, durationS: n };
  if (n % 6 === 1) rec.odometerM = n * 1234;
  if (n % 6 === 2) rec.rssi = -(60 + (n % 50));
  return rec;
}

export function randomKind(rng: Rng, priorityShare: number): RecordKind {
  const list = rng.chance(priorityShare) ? PRIORITY_KINDS : ROUTINE;
  return list[rng.int(0, list.length - 1)];
}

/** The record as the log hands it out. */
export function withSeq(seq: number, rec: Omit<TrackRecord, "seq">): TrackRecord {
  return { seq, ...rec };
}

/** TEST KEY ONLY: an at-rest sealer for the record-log tests (key 00 01 .. 0f, never on a device). */
export function testSealer(): StorageSealer {
  return new StorageSealer(simCrypto, Uint8Array.from({ length: 16 }, (_, i) => i));
}
