/**
 * Drives a Beidou short-message module (protocol 2.1 or 4.0) over its UART: power, card, beams, one message.
 *
 * States: off | booting (supply just switched on) | reading-card (`$CCICA` / `$CCICR` asked) | watching (card
 *   known; beams followed through `$BDBSI` / `$BDPWI`; a pending payload goes out once a beam is usable) |
 *   sending (`$CCTXA` / `$CCTCQ` written, waiting for `$BDFKI`).
 * Inputs: powerOn(), send(payload), powerOff(), lines from the module, the one armed deadline.
 * Outputs (onEvent): rdss-card(card) | rdss-beams(usable) | rdss-sent(bytes) | rdss-failed(reason, retryAtMs) |
 *   rdss-text(from, text); structured log lines (core/events) of the same names, except that a message the
 *   module sent is logged as `rdss-tx` (the app logs `rdss-sent` with the records it carried: one line each).
 *
 * Version "auto" (the board does not say which module is fitted) asks for the card in both dialects; the answer
 * (`$BDICI` or `$BDICP`) fixes the version, which the card in the snapshot then remembers.
 *
 * The card's service interval is the system's rule: the driver never transmits before snapshot().nextSendMs,
 * which survives deep sleep through snapshot()/restore. A payload that cannot go (no card, no beams, interval,
 * feedback failure) is reported as failed and dropped here: the records it carried stay in the log.
 */
import type { Clock, Log, Serial } from "../../hal/ports";
import { ascii } from "../core/bytes";
import { emit } from "../core/events";
import { cardFromSentence, type CardInfo } from "./card-limits";
import { RdssLineFramer } from "./line-framer";
import { feedbackReason, type FeedbackReason } from "./feedback";
import { encodeSentence, newSentenceCounters, parseSentence, type RdssSentence, type RdssVersion } from "./sentences";

export type RdssState = "off" | "booting" | "reading-card" | "watching" | "sending";

export type RdssFailure =
  | Exclude<FeedbackReason, "ok">
  | "no-beams" // no usable beam within BEAM_WAIT_MS
  | "timeout" // no feedback after the send
  | "too-large" // payload larger than the card carries
  | "busy" // another payload is pending
  | "power-off"; // powerOff() while the payload was pending

export type RdssEvent =
  | { type: "rdss-card"; card: CardInfo }
  | { type: "rdss-beams"; usable: number }
  | { type: "rdss-sent"; bytes: number; atMs: number }
  | { type: "rdss-failed"; reason: RdssFailure; retryAtMs?: number }
  | { type: "rdss-text"; from: string; text: string; atMs: number };

/** What must survive deep sleep (RTC memory): small and JSON-serialisable. */
export interface RdssSnapshot {
  card?: CardInfo;
  lastSendMs?: number;
  nextSendMs?: number;
}

export const RDSS_TIMING = Object.freeze({
  bootMs: 1000, // modules answer about a second after power-on
  cardTimeoutMs: 2000,
  cardTries: 3,
  beamWaitMs: 60_000,
  feedbackTimeoutMs: 10_000,
  intervalMarginMs: 1000, // the system's clock and ours differ; sending a second late costs nothing
});

/** A 2.1 beam counts from power level 2 of 0-4; a 4.0 beam from 35 dB-Hz. */
export const BSI_MIN_LEVEL = 2;
export const PWI_MIN_CN0 = 35;

export interface RdssDriverOptions {
  serial: Serial;
  clock: Clock;
  log: Log;
  version: RdssVersion | "auto";
  dest: string; // rdss_dest
  state?: RdssSnapshot;
  capacityCapBits?: number;
  onEvent: (e: RdssEvent) => void;
}

export interface RdssCounters {
  sent: number;
  failed: Record<RdssFailure, number>;
  textReceived: number;
  textRejected: number;
}

export class RdssDriver {
  readonly sentences = newSentenceCounters();
  readonly counters: RdssCounters = {
    sent: 0,
    failed: {
      interval: 0,
      suppressed: 0,
      "low-battery": 0,
      silence: 0,
      "power-not-locked": 0,
      "no-card": 0,
      "no-permission": 0,
      refused: 0,
      unknown: 0,
      "no-beams": 0,
      timeout: 0,
      "too-large": 0,
      busy: 0,
      "power-off": 0,
    },
    textReceived: 0,
    textRejected: 0,
  };
  private readonly framer: RdssLineFramer;
  private st: RdssState = "off";
  private timer: number | undefined;
  private card: CardInfo | undefined; // read this wake
  private snap: RdssSnapshot;
  private payload: Uint8Array | undefined;
  private beams = 0;
  private tries = 0;
  private ver: RdssVersion | undefined; // undefined until a card answer tells ("auto")

  constructor(private readonly o: RdssDriverOptions) {
    this.snap = { ...(o.state ?? {}) };
    this.ver = o.version === "auto" ? this.snap.card?.version : o.version;
    this.framer = new RdssLineFramer((line) => this.line(line));
    o.serial.onReceive((chunk) => this.framer.push(chunk));
  }

  get state(): RdssState {
    return this.st;
  }
  get usableBeams(): number {
    return this.beams;
  }
  /** The module's protocol version, once known. */
  get version(): RdssVersion | undefined {
    return this.ver;
  }
  get framing() {
    return this.framer.counters;
  }

  snapshot(): RdssSnapshot {
    return { ...this.snap };
  }

  /** Switches the module on and reads the card; beams are then followed until powerOff(). */
  powerOn(): void {
    if (this.st !== "off") return;
    this.o.serial.setPower(true);
    this.framer.reset();
    this.beams = 0;
    this.card = undefined;
    this.tries = 0;
    this.enter("booting", this.o.clock.now() + RDSS_TIMING.bootMs, () => this.askCard());
  }

  /** Queues one message (powering the module on when needed); the outcome comes as rdss-sent or rdss-failed. */
  send(payload: Uint8Array): void {
    if (this.payload) return this.fail("busy");
    const notBefore = this.snap.nextSendMs ?? 0;
    if (this.o.clock.now() < notBefore) return this.fail("interval", notBefore);
    const card = this.card ?? this.snap.card;
    if (card && payload.length * 8 > card.capacityBits) return this.fail("too-large");
    this.payload = payload.slice();
    if (this.st === "off") this.powerOn();
    else if (this.st === "watching") this.trySend();
  }

  powerOff(): void {
    if (this.st === "off") return;
    this.disarm();
    this.o.serial.setPower(false);
    this.framer.reset();
    this.st = "off";
    this.beams = 0;
    if (this.payload) {
      this.payload = undefined;
      this.fail("power-off");
    }
  }

  private askCard(): void {
    if (this.tries >= RDSS_TIMING.cardTries) {
      this.drop("no-card");
      this.powerOff();
      return;
    }
    this.tries++;
    if (this.ver !== "4.0") this.write({ type: "CCICA" });
    if (this.ver !== "2.1") this.write({ type: "CCICR" });
    this.enter("reading-card", this.o.clock.now() + RDSS_TIMING.cardTimeoutMs, () => this.askCard());
  }

  private line(text: string): void {
    const s = parseSentence(text, this.sentences);
    if (!s) return;
    switch (s.type) {
      case "BDICI":
      case "BDICP":
        return this.cardInfo(s);
      case "BDBSI":
        return this.beamReport(s.levels.filter((l) => l >= BSI_MIN_LEVEL).length);
      case "BDPWI":
        return this.beamReport(/^0+(\.0+)?$/.test(s.time) ? 0 : s.bds3.filter((b) => b.cn0 >= PWI_MIN_CN0).length);
      case "BDFKI":
        return this.feedback(s);
      case "BDTXR":
        return this.text(s.src, s.data, s.code === 2);
      case "BDTCI":
        return this.text(s.src, s.data, s.code === 3);
      default:
        return;
    }
  }

  private cardInfo(s: RdssSentence): void {
    if (this.st !== "reading-card") return;
    const version: RdssVersion = s.type === "BDICI" ? "2.1" : "4.0";
    if (this.ver !== undefined && this.ver !== version) return;
    this.ver = version;
    const card = cardFromSentence(s, version, this.o.capacityCapBits);
    if (!card) {
      this.drop("no-card");
      this.powerOff();
      return;
    }
    this.card = card;
    this.snap.card = card;
    emit(this.o.log, "rdss-card", { id: card.id, interval: card.intervalS, level: card.level, bits: card.capacityBits });
    this.o.onEvent({ type: "rdss-card", card });
    // 2.1 modules report beams only when asked; 4.0 modules print `$BDPWI` every second on their own.
    if (version === "2.1") this.write({ type: "CCRMO", target: "BSI", mode: 2, periodS: 1 });
    this.watch();
  }

  private watch(): void {
    this.disarm();
    this.st = "watching";
    if (this.payload) this.trySend();
  }

  private beamReport(usable: number): void {
    if (usable !== this.beams) {
      this.beams = usable;
      emit(this.o.log, "rdss-beams", { usable }, "debug");
      this.o.onEvent({ type: "rdss-beams", usable });
    }
    if (this.st === "watching" && this.payload && usable > 0) this.trySend();
  }

  private trySend(): void {
    const payload = this.payload;
    const card = this.card;
    if (!payload || !card) return;
    const now = this.o.clock.now();
    const notBefore = this.snap.nextSendMs ?? 0;
    if (now < notBefore) return this.drop("interval", notBefore);
    if (payload.length * 8 > card.capacityBits) return this.drop("too-large");
    if (this.beams === 0) {
      if (this.timer === undefined) this.arm(now + RDSS_TIMING.beamWaitMs, () => this.drop("no-beams"));
      return;
    }
    this.write(
      this.ver === "2.1"
        ? { type: "CCTXA", dest: this.o.dest, kind: 1, code: 1, data: payload }
        : { type: "CCTCQ", dest: this.o.dest, freqPoint: 2, ack: 1, code: 2, data: payload, repeat: 0 },
    );
    this.enter("sending", now + RDSS_TIMING.feedbackTimeoutMs, () => {
      this.st = "watching";
      this.drop("timeout");
    });
  }

  private feedback(s: Extract<RdssSentence, { type: "BDFKI" }>): void {
    if (this.st !== "sending" || !this.payload) return;
    const now = this.o.clock.now();
    const reason = feedbackReason(s);
    const interval = (this.card?.intervalS ?? 60) * 1000 + RDSS_TIMING.intervalMarginMs;
    this.disarm();
    this.st = "watching";
    if (reason === "ok") {
      const bytes = this.payload.length;
      this.payload = undefined;
      this.snap.lastSendMs = now;
      this.snap.nextSendMs = now + Math.max(interval, s.waitS * 1000);
      this.counters.sent++;
      emit(this.o.log, "rdss-tx", { bytes, dest: this.o.dest });
      this.o.onEvent({ type: "rdss-sent", bytes, atMs: now });
      return;
    }
    if (reason === "interval") this.snap.nextSendMs = now + (s.waitS > 0 ? s.waitS * 1000 + RDSS_TIMING.intervalMarginMs : interval);
    this.drop(reason, reason === "interval" ? this.snap.nextSendMs : undefined);
  }

  /** Received text; "mixed" coding puts an 0xA4 marker before single-byte text. */
  private text(from: string, data: Uint8Array, mixed: boolean): void {
    const start = mixed && data[0] === 0xa4 ? 1 : 0;
    let text = "";
    for (let i = start; i < data.length; i++) {
      if (data[i] < 0x20 || data[i] > 0x7e) {
        this.counters.textRejected++;
        return;
      }
      text += String.fromCharCode(data[i]);
    }
    this.counters.textReceived++;
    emit(this.o.log, "rdss-text", { from, length: text.length });
    this.o.onEvent({ type: "rdss-text", from, text, atMs: this.o.clock.now() });
  }

  /** The pending payload failed. */
  private drop(reason: RdssFailure, retryAtMs?: number): void {
    this.disarm();
    this.payload = undefined;
    this.fail(reason, retryAtMs);
  }

  private fail(reason: RdssFailure, retryAtMs?: number): void {
    this.counters.failed[reason]++;
    emit(this.o.log, "rdss-failed", { reason, retry: retryAtMs }, "warn");
    this.o.onEvent({ type: "rdss-failed", reason, retryAtMs });
  }

  private write(s: RdssSentence): void {
    this.o.serial.write(ascii(encodeSentence(s) + "\r\n"));
  }

  private enter(st: RdssState, deadline: number, fn: () => void): void {
    this.st = st;
    this.arm(deadline, fn);
  }

  private arm(deadline: number, fn: () => void): void {
    this.disarm();
    this.timer = this.o.clock.at(deadline, () => {
      this.timer = undefined;
      fn();
    });
  }

  private disarm(): void {
    if (this.timer !== undefined) this.o.clock.cancel(this.timer);
    this.timer = undefined;
  }
}
