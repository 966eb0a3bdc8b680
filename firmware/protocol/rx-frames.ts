/**
 * A downlink datagram read as the platform writes it: any number of 0x7E-delimited frames, each checked (BCC,
 * length) and joined with its sub-packages; what does not pass is counted, never thrown.
 */
import { parseFrame, splitFrames } from "./frame";
import type { Reassembler } from "./subpackage";

export interface RxCounters {
  framesIn: number;
  badFrames: number;
  badBcc: number;
  badLength: number;
  junkBytes: number;
}

/** Calls `each` for every whole message in `bytes`, in order. */
export function readMessages(
  bytes: Uint8Array,
  reasm: Reassembler,
  counters: RxCounters,
  each: (msgId: number, serial: number, body: Uint8Array) => void,
): void {
  const { frames, junk } = splitFrames(bytes);
  counters.junkBytes += junk;
  for (const raw of frames) {
    const r = parseFrame(raw);
    if ("error" in r) {
      counters.badFrames++;
      continue;
    }
    counters.framesIn++;
    if (!r.frame.bccOk) counters.badBcc++;
    else if (!r.frame.lenOk) counters.badLength++;
    else {
      const msg = reasm.add(r.frame);
      if (msg) each(msg.header.msgId, msg.header.serial, msg.body);
    }
  }
}
