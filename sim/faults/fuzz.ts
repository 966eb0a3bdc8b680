/**
 * The fuzzing engine: a seeded stream of inputs for one target, made from its seed corpus by the mutations that
 * find parser bugs (bit flips, byte insertions, deletions and duplications, interesting bytes and numbers,
 * splices of two seeds, truncation, repetition) plus plain random bytes; each input goes to the target, which
 * runs the real firmware code on it and may check what came out. An exception out of the target is a crash: the
 * input is kept (hex) so it can become a regression vector. After every input the target reports its buffer
 * sizes; the peaks are figures, and a peak over the target's stated bound is a failure.
 *
 * Inputs: a FuzzTarget, a count, a seed. Outputs: Figures and the crashing inputs.
 */
import { toHex } from "../../firmware/core/bytes";
import { Rng } from "../world/rng";
import { type Figures, Failures } from "./figures";

export interface FuzzTarget {
  name: string;
  /** Valid or near-valid inputs the mutations start from. */
  seeds: readonly Uint8Array[];
  /** Bytes the format gives meaning to (delimiters, escapes, separators), used by the mutations. */
  tokens: readonly number[];
  /** Builds a structured input (well framed, random inside); the engine uses it for half the inputs. */
  generate?(rng: Rng): Uint8Array;
  /** Runs the firmware on one input; throws on a crash, returns problems an output check found. */
  run(input: Uint8Array, rng: Rng): string | undefined;
  /** Current buffer sizes (bytes, entries) and their bounds. */
  buffers(): Record<string, { now: number; max: number }>;
  /** Counts worth printing (accepted, rejected ...), read at the end. */
  counts?(): Record<string, number>;
}

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x7e, 0x7d, 0x24, 0x2a, 0x2c, 0x0d, 0x0a, 0x3d, 0x22, 0x30, 0x39];

export function mutate(rng: Rng, seeds: readonly Uint8Array[], tokens: readonly number[]): Uint8Array {
  const pick = () => seeds[rng.int(0, seeds.length - 1)];
  if (seeds.length === 0 || rng.chance(0.05)) {
    const out = new Uint8Array(rng.int(0, 96));
    for (let i = 0; i < out.length; i++) out[i] = rng.int(0, 255);
    return out;
  }
  let b: number[] = Array.from(pick());
  const edits = rng.int(1, rng.chance(0.2) ? 16 : 4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(0, b.length);
    switch (rng.int(0, 9)) {
      case 0: // flip a bit
        if (b.length) b[at % b.length] ^= 1 << rng.int(0, 7);
        break;
      case 1: // an interesting byte
        if (b.length) b[at % b.length] = INTERESTING[rng.int(0, INTERESTING.length - 1)];
        break;
      case 2: // a format token inserted
        b.splice(at, 0, tokens.length ? tokens[rng.int(0, tokens.length - 1)] : rng.int(0, 255));
        break;
      case 3: // delete a run
        b.splice(at, rng.int(1, 8));
        break;
      case 4: // duplicate a run
        b.splice(at, 0, ...b.slice(at, at + rng.int(1, 16)));
        break;
      case 5: // a random byte
        b.splice(at, 0, rng.int(0, 255));
        break;
      case 6: // splice with another seed
        b = b.slice(0, at).concat(Array.from(pick()).slice(rng.int(0, 40)));
        break;
      case 7: // truncate
        b = b.slice(0, at);
        break;
      case 8: // a digit run grown into a big or negative number
        b.splice(at, 0, ...Array.from(rng.chance(0.5) ? "4294967296" : "-1", (c) => c.charCodeAt(0)));
        break;
      default: // repeat the whole input (long lines, many items)
        if (b.length < 2048) b = b.concat(b);
    }
  }
  return Uint8Array.from(b);
}

export interface FuzzResult {
  figures: Figures;
  crashes: Uint8Array[];
}

/** Feeds `count` inputs to a target; deterministic for a seed. */
export function fuzz(target: FuzzTarget, count: number, seed: number): FuzzResult {
  const rng = new Rng(seed);
  const fail = new Failures(10);
  const crashes: Uint8Array[] = [];
  const peaks: Record<string, number> = {};
  let checkFailures = 0;
  let inputBytes = 0;
  for (let i = 0; i < count; i++) {
    const input = target.generate && rng.chance(0.5) ? target.generate(rng) : mutate(rng, target.seeds, target.tokens);
    inputBytes += input.length;
    try {
      const problem = target.run(input, rng);
      if (problem) {
        checkFailures++;
        fail.add(`input ${i} (${toHex(input.subarray(0, 96))}): ${problem}`);
      }
    } catch (e) {
      if (crashes.length < 20) crashes.push(input);
      fail.add(`input ${i} crashed (${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}): ${toHex(input.subarray(0, 96))}`);
    }
    const bufs = target.buffers();
    for (const k of Object.keys(bufs)) {
      const { now, max } = bufs[k];
      // a new peak over the bound is reported (once per peak, not once per input)
      if (now > max && now > (peaks[k] ?? -1)) fail.add(`input ${i}: ${k} holds ${now}, over its bound ${max}`);
      if (now > (peaks[k] ?? -1)) peaks[k] = now;
    }
  }
  const counts: Record<string, number | string> = { inputs: count, input_mb: Math.round(inputBytes / 1e5) / 10, crashes: crashes.length, check_failures: checkFailures };
  const bounds = target.buffers();
  for (const k of Object.keys(peaks)) counts[`peak_${k}`] = `${peaks[k]}/${bounds[k].max}`;
  const extra = target.counts?.() ?? {};
  for (const k of Object.keys(extra)) counts[k] = extra[k];
  return { figures: { campaign: `fuzz: ${target.name}`, counts, failures: fail.done() }, crashes };
}
