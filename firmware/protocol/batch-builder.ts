/**
 * Picks how many backlog records go into one 0x0704 so the frame fits one datagram of the link (and the 10-bit
 * body length), oldest first. Sizes are exact but for the escapes of the attribute, serial and BCC, which get a
 * fixed margin, so the serial can be drawn after the choice.
 *
 * Behind a seal that compresses (sealed-link.ts) a frame takes less than the sum of its entries: given `wireOf`
 * (what the link sends for a 0x0704 frame with this body), the batch is the longest prefix whose frame fits by
 * that measure, found by bisection (a longer prefix never compresses shorter), still within the 10-bit body.
 */
import { encodeBatch, encodeLocation } from "./location";
import { BATCH_ENTRY_OVERHEAD, BATCH_OVERHEAD } from "./location";
import { headerLength } from "./frame";
import { PLAIN_BODY_MAX } from "./frame-seal";
import type { Edition } from "./frame";
import { recordToLocation } from "./record-location";
import type { TrackRecord } from "../store/track-record";

const HEADER_ESCAPE_MARGIN = 5;

function escaped(b: Uint8Array): number {
  let n = b.length;
  for (let i = 0; i < b.length; i++) if (b[i] === 0x7e || b[i] === 0x7d) n++;
  return n;
}

/** Location bodies of the longest oldest-first prefix of `recs` that fits; empty when not even one fits. */
export function fillBatch(
  recs: readonly TrackRecord[], edition: Edition, maxDatagram: number, wireOf?: (body: Uint8Array) => number,
): { recs: TrackRecord[]; bodies: Uint8Array[] } {
  if (wireOf) return fillMeasured(recs, maxDatagram, wireOf);
  const fixed = 2 + headerLength(edition, false) + 1 + HEADER_ESCAPE_MARGIN + BATCH_OVERHEAD;
  let wire = fixed;
  let raw = BATCH_OVERHEAD;
  const out: TrackRecord[] = [];
  const bodies: Uint8Array[] = [];
  for (const r of recs) {
    const body = encodeLocation(recordToLocation(r));
    // the u16 length prefix may itself contain 7E/7D
    const add = escaped(body) + BATCH_ENTRY_OVERHEAD + 2;
    const addRaw = body.length + BATCH_ENTRY_OVERHEAD;
    if (wire + add > maxDatagram || raw + addRaw > PLAIN_BODY_MAX) break;
    wire += add;
    raw += addRaw;
    out.push(r);
    bodies.push(body);
  }
  return { recs: out, bodies };
}

function fillMeasured(recs: readonly TrackRecord[], maxDatagram: number, wireOf: (body: Uint8Array) => number): { recs: TrackRecord[]; bodies: Uint8Array[] } {
  let raw = BATCH_OVERHEAD;
  const bodies: Uint8Array[] = [];
  for (const r of recs) {
    const body = encodeLocation(recordToLocation(r));
    if (raw + body.length + BATCH_ENTRY_OVERHEAD > PLAIN_BODY_MAX) break;
    raw += body.length + BATCH_ENTRY_OVERHEAD;
    bodies.push(body);
  }
  const fits = (n: number) => wireOf(encodeBatch(1, bodies.slice(0, n))) <= maxDatagram;
  let lo = 0; // fits (none trivially)
  let hi = bodies.length + 1; // does not fit
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return { recs: recs.slice(0, lo), bodies: bodies.slice(0, lo) };
}
