/**
 * The raw frames files `tracker run --out DIR` writes: DIR/uplink.hex and DIR/downlink.hex, one frame per line as
 * it crossed the air (escaped, 7E to 7E, upper-case hex) after its time in seconds since the trace start:
 *   1838.412 7E0200...7E
 * parseWireLine reads such a line back (a bare hex frame too, for frames pasted from elsewhere).
 */
import { toHex } from "../../firmware/core/bytes";
import type { FleetServer } from "../world/fleet-server";

export function wireLines(server: FleetServer, dir: "up" | "down"): string[] {
  const out: string[] = [];
  for (const w of server.wire) if (w.dir === dir) out.push(`${(w.atMs / 1000).toFixed(3)} ${toHex(w.bytes, true)}`);
  return out;
}

/** `{ t, hex }` of a line; t undefined for a bare frame; undefined for a blank line or a comment (#). */
export function parseWireLine(line: string): { t?: number; hex: string } | undefined {
  const s = line.trim();
  if (s === "" || s.startsWith("#")) return undefined;
  // the time always has a decimal point, so it cannot be mistaken for the first bytes of a spaced-out frame
  const m = /^(\d+\.\d+)\s+(\S.*)$/.exec(s);
  return m ? { t: Number(m[1]), hex: m[2] } : { hex: s };
}
