/**
 * AT reply digester: looks at the start of the bytes received so far and says what one item there is and how many
 * bytes it used, in the manner of the Rust `atat` digester. digest() is pure; AtReceiver owns the bounded buffer,
 * feeds it chunks split anywhere and counts what it had to throw away.
 *
 * Items: `ok`, `error` (ERROR, +CME ERROR: n, +CMS ERROR: n), `line` (information text), `urc` (a line whose
 * prefix is in the URC list), `prompt` (`>` awaiting data), `echo` (our own command coming back while ATE1).
 */
import { fromAscii } from "../core/bytes";

export type AtItem =
  | { readonly kind: "ok" }
  | { readonly kind: "error"; readonly cme?: number }
  | { readonly kind: "line"; readonly text: string }
  | { readonly kind: "urc"; readonly text: string }
  | { readonly kind: "prompt" }
  | { readonly kind: "echo"; readonly text: string };

export interface Digested {
  /** Undefined when the bytes only held separators, garbage, or an incomplete item. */
  readonly item?: AtItem;
  /** Bytes of `buf[start..end)` this call used up (0 = wait for more). */
  readonly used: number;
  /** Of `used`, bytes that were neither separators nor part of an item. */
  readonly garbage: number;
}

const CR = 13;
const LF = 10;
const SP = 32;
const GT = 62;

function printable(c: number): boolean {
  return c >= 32 && c < 127;
}

function isSeparator(c: number): boolean {
  return c === CR || c === LF || c === SP;
}

/** Classifies one complete line of text (no terminator). */
export function classify(text: string, urcPrefixes: readonly string[]): AtItem {
  if (text === "OK") return { kind: "ok" };
  if (text === "ERROR") return { kind: "error" };
  const m = /^\+CM[ES] ERROR: ?(\d+)$/.exec(text);
  if (m) return { kind: "error", cme: Number(m[1]) };
  if (/^\+CM[ES] ERROR/.test(text)) return { kind: "error" };
  if (text.length >= 2 && (text[0] === "A" || text[0] === "a") && (text[1] === "T" || text[1] === "t")) {
    return { kind: "echo", text };
  }
  for (const p of urcPrefixes) if (text.startsWith(p)) return { kind: "urc", text };
  return { kind: "line", text };
}

/**
 * Digests one item from buf[start..end). Leading CR/LF/space and unprintable bytes are skipped (the latter counted
 * as garbage). A line ends at CR or LF; a `>` at the start of a line with nothing after it is the data prompt.
 */
export function digest(buf: Uint8Array, start: number, end: number, urcPrefixes: readonly string[]): Digested {
  let i = start;
  let garbage = 0;
  while (i < end && (isSeparator(buf[i]) || !printable(buf[i]))) {
    if (!isSeparator(buf[i])) garbage++;
    i++;
  }
  if (i >= end) return { used: i - start, garbage };
  if (buf[i] === GT) {
    // The prompt has no line end; a '>' followed by more text on the same line is an ordinary line.
    const next = i + 1 < end ? buf[i + 1] : -1;
    if (next === -1 || next === SP) return { item: { kind: "prompt" }, used: i + 1 - start + (next === SP ? 1 : 0), garbage };
  }
  let j = i;
  while (j < end && buf[j] !== CR && buf[j] !== LF) j++;
  if (j >= end) return { used: i - start, garbage }; // incomplete line: keep it
  let text = "";
  for (let k = i; k < j; k++) {
    if (printable(buf[k])) text += String.fromCharCode(buf[k]);
    else garbage++;
  }
  return { item: classify(text.trimEnd(), urcPrefixes), used: j + 1 - start, garbage };
}

export interface ReceiverCounters {
  bytes: number;
  items: number;
  garbage: number; // bytes dropped: unprintable, or part of an over-long line
  overflows: number; // lines longer than the buffer
}

/** Accumulates chunks in a fixed buffer and hands out items. */
export class AtReceiver {
  private readonly buf: Uint8Array;
  private n = 0;
  private skipping = false; // inside an over-long line: drop bytes up to its end
  readonly counters: ReceiverCounters = { bytes: 0, items: 0, garbage: 0, overflows: 0 };

  constructor(
    private readonly urcPrefixes: readonly string[],
    capacity = 4096,
  ) {
    this.buf = new Uint8Array(capacity);
  }

  /** Feeds a chunk; calls `emit` for every complete item, in order. */
  push(chunk: Uint8Array, emit: (item: AtItem) => void): void {
    this.counters.bytes += chunk.length;
    let off = 0;
    while (off < chunk.length) {
      if (this.skipping) {
        while (off < chunk.length && chunk[off] !== CR && chunk[off] !== LF) {
          off++;
          this.counters.garbage++;
        }
        if (off < chunk.length) this.skipping = false;
        continue;
      }
      const take = Math.min(this.buf.length - this.n, chunk.length - off);
      this.buf.set(chunk.subarray(off, off + take), this.n);
      this.n += take;
      off += take;
      this.drain(emit);
      if (this.n === this.buf.length) {
        // A full buffer after draining holds one unterminated line: no reply is that long, so it is garbage.
        this.counters.garbage += this.n;
        this.counters.overflows++;
        this.n = 0;
        this.skipping = true;
      }
    }
  }

  /** Drops whatever partial line is buffered (the modem was power-cycled). */
  clear(): void {
    this.counters.garbage += this.n;
    this.n = 0;
    this.skipping = false;
  }

  /** Bytes waiting for the rest of their line (for tests and diagnostics). */
  pending(): string {
    return fromAscii(this.buf, 0, this.n);
  }

  private drain(emit: (item: AtItem) => void): void {
    let pos = 0;
    for (;;) {
      const d = digest(this.buf, pos, this.n, this.urcPrefixes);
      this.counters.garbage += d.garbage;
      pos += d.used;
      if (d.item) {
        this.counters.items++;
        emit(d.item);
      }
      if (d.used === 0 || pos >= this.n) break;
    }
    if (pos > 0) {
      this.buf.copyWithin(0, pos, this.n);
      this.n -= pos;
    }
  }
}
