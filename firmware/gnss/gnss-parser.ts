/**
 * The receiver's whole output stream to fixes: framing, sentence parsing, epoch assembly, CASIC binary epochs,
 * antenna status and boot-banner text. Never throws; every rejected line or frame is counted by kind.
 *
 * Inputs: push(chunk) with bytes of any size; flush() when the receiver went quiet.
 * Outputs: handlers.fix(fix) per epoch, handlers.antenna(status) when GPTXT reports it, handlers.text(text) for
 *   every other TXT line (banner: IC=..., SW=..., u-blox ...).
 */
import { casicFix, decodePv, decodeTimeUtc, CASIC_NAV_PV, CASIC_NAV_TIMEUTC, type CasicPv } from "./casic-nav";
import type { GnssFix } from "./gnss-fix";
import { EpochAssembler } from "./nmea-epoch";
import { NmeaFramer, type BinaryKind, type FramerCounters } from "./nmea-framer";
import { parseSentence, type RejectKind } from "./nmea-sentence";

export type AntennaStatus = "ok" | "open" | "short";

export interface ParserHandlers {
  fix?(fix: GnssFix): void;
  antenna?(status: AntennaStatus): void;
  text?(text: string): void;
  /** A verified binary frame arrived (its kind tells the receiver model apart). */
  binary?(kind: BinaryKind, cls: number, id: number): void;
}

export interface ParserCounters extends FramerCounters {
  sentences: number;
  ignored: number;
  checksum: number;
  noChecksum: number;
  talker: number;
  field: number;
  epochs: number;
  binaryEpochs: number;
}

const REJECT_COUNTER: Readonly<Record<RejectKind, "checksum" | "noChecksum" | "talker" | "field">> = Object.freeze({
  checksum: "checksum",
  "no-checksum": "noChecksum",
  talker: "talker",
  field: "field",
});

export class GnssParser {
  private readonly framer: NmeaFramer;
  private readonly epochs: EpochAssembler;
  private readonly extra = { sentences: 0, ignored: 0, checksum: 0, noChecksum: 0, talker: 0, field: 0, epochs: 0, binaryEpochs: 0 };
  private pv: CasicPv | undefined;
  antenna: AntennaStatus | undefined;

  constructor(
    private readonly handlers: ParserHandlers,
    maxLine = 120,
  ) {
    this.framer = new NmeaFramer(
      { line: (t) => this.line(t), frame: (k, c, i, p) => this.frame(k, c, i, p) },
      maxLine,
    );
    this.epochs = new EpochAssembler((fix) => {
      this.extra.epochs++;
      this.handlers.fix?.(fix);
    });
  }

  get counters(): ParserCounters {
    return { ...this.framer.counters, ...this.extra };
  }

  /** Bytes held for an unfinished line: bounded by maxLine whatever the input. */
  get pending(): number {
    return this.framer.pending;
  }

  knownDate(): number | undefined {
    return this.epochs.knownDate();
  }

  push(chunk: Uint8Array): void {
    this.framer.push(chunk);
  }

  flush(): void {
    this.epochs.flush();
  }

  /** The receiver was switched off or restarted: half lines and satellite views are stale. */
  reset(): void {
    this.framer.reset();
    this.epochs.reset();
    this.pv = undefined;
  }

  private line(text: string): void {
    const r = parseSentence(text);
    if ("reject" in r) {
      this.extra[REJECT_COUNTER[r.reject]]++;
      return;
    }
    if ("ignored" in r) {
      this.extra.ignored++;
      return;
    }
    this.extra.sentences++;
    const s = r.ok;
    if (s.type === "TXT") {
      const m = /ANTENNA (OK|OPEN|SHORT)/i.exec(s.text);
      if (m) {
        this.antenna = m[1].toLowerCase() as AntennaStatus;
        this.handlers.antenna?.(this.antenna);
      } else this.handlers.text?.(s.text);
    }
    // TXT too: a line the receiver sends every epoch is part of the epoch's shape (nmea-epoch.ts).
    this.epochs.add(s);
  }

  private frame(kind: BinaryKind, cls: number, id: number, payload: Uint8Array): void {
    this.handlers.binary?.(kind, cls, id);
    if (kind !== "casic") return;
    const key = (cls << 8) | id;
    if (key === CASIC_NAV_PV) this.pv = decodePv(payload);
    else if (key === CASIC_NAV_TIMEUTC && this.pv) {
      const t = decodeTimeUtc(payload);
      if (!t) return;
      const fix = casicFix(this.pv, t);
      this.pv = undefined;
      this.extra.binaryEpochs++;
      this.handlers.fix?.(fix);
    }
  }
}
