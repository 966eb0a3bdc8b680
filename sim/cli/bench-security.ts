/**
 * What security costs per day on each trip: the same trace run unprovisioned (no keys, nothing sealed) and
 * provisioned, compared — charge per day (the simulator meters crypto and NVS writes as CPU time at the flash rate,
 * native work over bytes; the larger datagrams as UART bytes), bytes on the air each way, and flash bytes for the tags of records at rest.
 * The target is at most 3 % more charge on the reference day.
 */
import { REST_TAG } from "../../firmware/security/record-sealer";
import { simulate, type SimResult } from "../simulation";
import type { Trace } from "../world/trace-types";


export interface SecurityRow {
  trace: string;
  plainMahPerDay: number;
  sealedMahPerDay: number;
  plainUpPerDay: number;
  sealedUpPerDay: number;
  plainDownPerDay: number;
  sealedDownPerDay: number;
  flashPerDay: number;
  refused: number;
}

export function securityRow(trace: Trace, sealed: SimResult): SecurityRow {
  const plain = simulate(trace, { security: false });
  const days = trace.duration / 86400;
  const perDay = (x: number) => x / days;
  return {
    trace: trace.name,
    plainMahPerDay: perDay(plain.summary.energy_mAh),
    sealedMahPerDay: perDay(sealed.summary.energy_mAh),
    plainUpPerDay: perDay(plain.server.counters.bytesUp),
    sealedUpPerDay: perDay(sealed.server.counters.bytesUp),
    plainDownPerDay: perDay(plain.server.counters.bytesDown),
    sealedDownPerDay: perDay(sealed.server.counters.bytesDown),
    flashPerDay: perDay(sealed.summary.records_created * REST_TAG),
    refused: sealed.server.security.refusals(),
  };
}
