/**
 * Picks how many backlog records go into one 0x0704 so the frame fits one datagram of the link (and the 10-bit
 * body length), oldest first. Sizes are exact but for the escapes of the attribute, serial and BCC, which get a
 * fixed margin, so the serial can be drawn after the choice.
 */
import { encodeLocation } from "./location";
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
export function fillBatch(recs: readonly TrackRecord[], edition: Edition, maxDatagram: number): { recs: TrackRecord[]; bodies: Uint8Array[] } {
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
