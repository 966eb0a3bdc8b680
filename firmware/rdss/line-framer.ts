/**
 * Cuts the short-message module's byte stream, arriving in chunks of any size, into `$...` lines.
 *
 * States: idle (between lines) | line (inside `$...`) | skip (rest of an overlong line).
 * Inputs: push(chunk).
 * Outputs: onLine(text) for each complete printable line starting with `$`, CR/LF stripped, checksum unchecked.
 * Memory is bounded by maxLine: a BDS-3 message of 14,000 bits is 3,500 hex digits, so the default leaves room
 * for the longest `$BDTCI` plus its fields. Everything else is counted and dropped; push() never throws.
 */

export interface FramerCounters {
  lines: number;
  overlong: number;
  truncated: number; // a line cut short by a new `$` or a control byte
  junkBytes: number; // bytes outside any line
}

type State = "idle" | "line" | "skip";

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
export const MAX_RDSS_LINE = 3800;

export class RdssLineFramer {
  readonly counters: FramerCounters = { lines: 0, overlong: 0, truncated: 0, junkBytes: 0 };
  private state: State = "idle";
  private readonly buf: Uint8Array;
  private n = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    maxLine = MAX_RDSS_LINE,
  ) {
    this.buf = new Uint8Array(maxLine);
  }

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i]);
  }

  /** Forgets a partial line (the module was switched off mid-sentence). */
  reset(): void {
    if (this.state === "line") this.counters.truncated++;
    this.state = "idle";
    this.n = 0;
  }

  private byte(b: number): void {
    if (b === DOLLAR) {
      if (this.state === "line") this.counters.truncated++;
      this.state = "line";
      this.n = 0;
      this.buf[this.n++] = b;
      return;
    }
    if (this.state === "skip") {
      if (b === LF) this.state = "idle";
      return;
    }
    if (this.state === "idle") {
      if (b !== CR && b !== LF) this.counters.junkBytes++;
      return;
    }
    if (b === LF || b === CR) {
      this.state = "idle";
      this.counters.lines++;
      let s = "";
      for (let i = 0; i < this.n; i++) s += String.fromCharCode(this.buf[i]);
      this.onLine(s);
      return;
    }
    if (b < 0x20 || b > 0x7e) {
      this.counters.truncated++;
      this.state = "idle";
      return;
    }
    if (this.n >= this.buf.length) {
      this.counters.overlong++;
      this.state = "skip";
      return;
    }
    this.buf[this.n++] = b;
  }
}
