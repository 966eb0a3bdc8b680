/**
 * The fuzzers' seed corpus from files (Node only): real receiver logs (gpsd's regression logs of a Quectel L76K
 * and a u-blox NEO-M9N, the L76K's CASIC binary log), the short-message sentences and JT/T 808 frames collected
 * from public implementations (../shared/vectors), and the reference traces.
 */
import { readFileSync, readdirSync } from "node:fs";
import { fromHex } from "../../firmware/core/bytes";
import type { Corpus } from "../faults/fuzz-targets";

const VECTORS = new URL("../../../shared/vectors/", import.meta.url);
const TRACES = new URL("../traces/", import.meta.url);

function file(rel: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(rel, VECTORS)));
}

/** Consecutive pieces of a log (several lines each), the way a UART hands them over. */
function pieces(bytes: Uint8Array, size: number, max: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < bytes.length && out.length < max; at += size) out.push(bytes.slice(at, at + size));
  return out;
}

export function fileCorpus(): Corpus {
  const rdss = readFileSync(new URL("rdss/sentences.txt", VECTORS), "latin1")
    .split("\n")
    .map((l) => /(\$[^ ]+\*[0-9A-F]{2})/.exec(l)?.[1])
    .filter((s): s is string => s !== undefined)
    .map((s) => Uint8Array.from(`${s}\r\n`, (c) => c.charCodeAt(0)));
  const jt808 = readFileSync(new URL("jt808/smallchi-frames.jsonl", VECTORS), "utf8")
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => fromHex((JSON.parse(l) as { hex: string }).hex))
    .filter((b): b is Uint8Array => b !== undefined);
  const trace = readdirSync(TRACES)
    .filter((n) => n.endsWith(".json") && n !== "fault-storm.json")
    .map((n) => new Uint8Array(readFileSync(new URL(n, TRACES))));
  return {
    gnss: [...pieces(file("nmea/quectel-l76k-nmea.log"), 200, 300), ...pieces(file("nmea/ublox-neo-m9n-nmea.log"), 200, 200), ...pieces(file("casic/quectel-l76k-binary.log"), 128, 300), ...pieces(file("nmea/nmea-fuzzy-cases.log"), 100, 40)],
    rdss,
    jt808,
    trace,
  };
}
