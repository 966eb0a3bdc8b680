/**
 * Cuts a GNSS receiver's byte stream, arriving in chunks of any size, into NMEA lines and binary frames.
 *
 * States: idle (between things) | line (inside `$...`) | skip (rest of an overlong line) | sync (after a first
 *   sync byte, 0xBA or 0xB5) | head (binary header) | body (binary payload) | tail (binary checksum).
 * Inputs: push(chunk).
 * Outputs: sink.line(text) for each complete printable line starting with `$` (checksum not yet checked);
 *   sink.frame(kind, cls, id, payload) for each CASIC (`BA CE`) or UBX (`B5 62`) frame whose checksum verified.
 *   Payloads longer than KEEP_PAYLOAD are verified and counted but handed on empty, so memory stays bounded.
 * Everything else is counted in `counters` and dropped; push() never throws.
 */

export type BinaryKind = "casic" | "ubx";

export interface FramerSink {
  line(text: string): void;
  frame(kind: BinaryKind, cls: number, id: number, payload: Uint8Array): void;
}

export interface FramerCounters {
  lines: number;
  overlong: number;
  truncated: number; // a line cut short by a new `$` or a control byte
  junkBytes: number;
  casicFrames: number;
  ubxFrames: number;
  badFrames: number; // binary checksum failures
  badFrameLength: number; // sync bytes followed by an impossible length
}

type State = "idle" | "line" | "skip" | "sync" | "head" | "body" | "tail";

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
const MAX_BINARY = 2048;
const KEEP_PAYLOAD = 160;

export class NmeaFramer {
  readonly counters: FramerCounters = {
    lines: 0,
    overlong: 0,
    truncated: 0,
    junkBytes: 0,
    casicFrames: 0,
    ubxFrames: 0,
    badFrames: 0,
    badFrameLength: 0,
  };
  private state: State = "idle";
  private readonly buf: Uint8Array;
  private n = 0;
  private kind: BinaryKind = "casic";
  private head = new Uint8Array(4);
  private headN = 0;
  private len = 0;
  private got = 0;
  private payload = new Uint8Array(KEEP_PAYLOAD);
  private sum = 0; // CASIC: running u32 word sum
  private word = 0;
  private ckA = 0; // UBX: Fletcher-8 pair
  private ckB = 0;
  private tail = new Uint8Array(4);
  private tailN = 0;

  constructor(
    private readonly sink: FramerSink,
    readonly maxLine = 120,
  ) {
    this.buf = new Uint8Array(maxLine);
  }

  /** Bytes currently held for an unfinished line (never above maxLine). */
  get pending(): number {
    return this.n;
  }

  push(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) this.byte(chunk[i]);
  }

  /** Forgets a half-received line or frame (the receiver was switched off). */
  reset(): void {
    this.state = "idle";
    this.n = 0;
  }

  private byte(b: number): void {
    switch (this.state) {
      case "idle":
        return this.idle(b);
      case "line":
        return this.inLine(b);
      case "skip":
        if (b === LF || b === CR) this.state = "idle";
        else if (b === DOLLAR || b < 0x20 || b > 0x7e) {
          this.state = "idle";
          this.idle(b);
        }
        return;
      case "sync":
        if ((this.kind === "casic" && b === 0xce) || (this.kind === "ubx" && b === 0x62)) {
          this.state = "head";
          this.headN = 0;
        } else {
          this.counters.junkBytes++;
          this.state = "idle";
          this.idle(b);
        }
        return;
      case "head":
        return this.inHead(b);
      case "body":
        return this.inBody(b);
      case "tail":
        return this.inTail(b);
    }
  }

  private idle(b: number): void {
    if (b === DOLLAR) {
      this.state = "line";
      this.buf[0] = b;
      this.n = 1;
    } else if (b === 0xba || b === 0xb5) {
      this.kind = b === 0xba ? "casic" : "ubx";
      this.state = "sync";
    } else if (b !== CR && b !== LF) {
      this.counters.junkBytes++;
    }
  }

  private inLine(b: number): void {
    if (b === CR || b === LF) {
      const text = String.fromCharCode.apply(null, Array.from(this.buf.subarray(0, this.n)));
      this.n = 0;
      this.state = "idle";
      this.counters.lines++;
      this.sink.line(text);
      return;
    }
    if (b === DOLLAR || b < 0x20 || b > 0x7e) {
      this.counters.truncated++;
      this.n = 0;
      this.state = "idle";
      this.idle(b);
      return;
    }
    if (this.n >= this.buf.length) {
      this.counters.overlong++;
      this.n = 0;
      this.state = "skip";
      return;
    }
    this.buf[this.n++] = b;
  }

  private inHead(b: number): void {
    this.head[this.headN++] = b;
    if (this.headN < 4) return;
    // CASIC: len u16 LE, class, id. UBX: class, id, len u16 LE.
    const casic = this.kind === "casic";
    const cls = casic ? this.head[2] : this.head[0];
    const id = casic ? this.head[3] : this.head[1];
    this.len = casic ? this.head[0] | (this.head[1] << 8) : this.head[2] | (this.head[3] << 8);
    if (this.len > MAX_BINARY || (casic && this.len % 4 !== 0)) {
      this.counters.badFrameLength++;
      this.state = "idle";
      return;
    }
    this.sum = ((id << 24) >>> 0) + (cls << 16) + this.len;
    this.word = 0;
    this.ckA = 0;
    this.ckB = 0;
    for (let k = 0; k < 4; k++) this.fletcher(this.head[k]);
    this.got = 0;
    this.tailN = 0;
    this.state = this.len === 0 ? "tail" : "body";
  }

  private fletcher(b: number): void {
    this.ckA = (this.ckA + b) & 0xff;
    this.ckB = (this.ckB + this.ckA) & 0xff;
  }

  private inBody(b: number): void {
    if (this.got < KEEP_PAYLOAD) this.payload[this.got] = b;
    const k = this.got & 3;
    this.word += b * (k === 0 ? 1 : k === 1 ? 0x100 : k === 2 ? 0x10000 : 0x1000000);
    if (k === 3) {
      this.sum = (this.sum + this.word) % 0x100000000;
      this.word = 0;
    }
    this.fletcher(b);
    if (++this.got === this.len) this.state = "tail";
  }

  private inTail(b: number): void {
    this.tail[this.tailN++] = b;
    const need = this.kind === "casic" ? 4 : 2;
    if (this.tailN < need) return;
    this.state = "idle";
    const t = this.tail;
    const ok =
      this.kind === "casic"
        ? (t[0] | (t[1] << 8) | (t[2] << 16) | (t[3] << 24)) >>> 0 === this.sum % 0x100000000
        : t[0] === this.ckA && t[1] === this.ckB;
    if (!ok) {
      this.counters.badFrames++;
      return;
    }
    if (this.kind === "casic") this.counters.casicFrames++;
    else this.counters.ubxFrames++;
    const casic = this.kind === "casic";
    const cls = casic ? this.head[2] : this.head[0];
    const id = casic ? this.head[3] : this.head[1];
    const kept = this.len <= KEEP_PAYLOAD ? this.payload.slice(0, this.len) : new Uint8Array(0);
    this.sink.frame(this.kind, cls, id, kept);
  }
}
