/**
 * A simulated Beidou short-message module (protocol 2.1 or 4.0) and the command centre behind it.
 * - Boots bootMs after its supply comes on; sentences written before that are lost (counted).
 * - Reads its card on `$CCICA` / `$CCICR`: `$BDICI` / `$BDICP` with the card's id, interval and level, or the
 *   "no card" answer modules print when none is fitted.
 * - Beams come from world.rdssBeams(t): 4.0 prints `$BDPWI` every second while powered; 2.1 prints `$BDBSI`
 *   once or every n seconds after `$CCRMO,BSI,2,n` (`$CCRMO,BSI,1,0` stops it).
 * - `$CCTXA` / `$CCTCQ` are answered with `$BDFKI`: refused when there is no card, the card's interval has not
 *   passed since the last message it sent, no beam is usable (4.0: power not locked) or the data exceeds the
 *   card's capacity; otherwise the message goes out and the centre gets it, decoded, a few seconds later.
 * - Text from the centre (centreSend) waits there until the module is on with a usable beam, then arrives as
 *   `$BDTXR` / `$BDTCI`.
 * Charge on "rdss": rdss_standby_mA while powered, rdss_send_J per message sent.
 */
import { ascii } from "../../firmware/core/bytes";
import { capacityBits } from "../../firmware/rdss/card-limits";
import { decodeDetailed, type CompactError } from "../../firmware/rdss/compact-codec";
import { RdssLineFramer } from "../../firmware/rdss/line-framer";
import { feedbackSentence, type FeedbackReason } from "../../firmware/rdss/feedback";
import {
  encodeSentence,
  newSentenceCounters,
  parseSentence,
  type RdssSentence,
  type RdssVersion,
} from "../../firmware/rdss/sentences";
import type { TrackRecord } from "../../firmware/store/track-record";
import type { PowerMeter } from "../report/power-meter";
import type { Rng } from "../world/rng";
import type { Scheduler } from "../world/scheduler";
import type { Trace } from "../world/trace-types";
import { SimUart, type SimModule } from "./uart";
import type { World } from "../world/world";

export interface SimRdssCard {
  id: string;
  intervalS: number;
  level: number; // 2.1: 1-4; 4.0: 1-5
}

/** One message as the centre received it. */
export interface CentreMessage {
  from: string; // the sender's card id
  dest: string;
  bytes: Uint8Array;
  records: TrackRecord[];
  /** The payload did not decode, or (with keys) did not authenticate: then no record is taken from it. */
  error?: CompactError | `auth-${string}`;
}

/** The centre's check of a signed report: the compact payload inside it, or why it is refused. */
export type ReportOpener = (bytes: Uint8Array) => { payload: Uint8Array } | { error: string };

export interface SimRdssOptions {
  sched: Scheduler;
  world: World;
  meter: PowerMeter;
  rng: Rng;
  version: RdssVersion;
  card: SimRdssCard | undefined; // undefined: no card fitted
  centre: (msg: CentreMessage, atMs: number) => void;
  centreId?: string; // sender id of text from the centre
  bootMs?: number;
  /** With the device's keys: reports must authenticate before the centre decodes them. */
  openReport?: ReportOpener;
}

export type SimRejection = Exclude<FeedbackReason, "ok">;

export interface SimRdssCounters {
  sent: number;
  rejected: Partial<Record<SimRejection, number>>;
  droppedWhileBooting: number; // sentences written while booting
  badLines: number;
  textsDelivered: number;
}

const BEAM_IDS: readonly number[] = Object.freeze([2, 4, 11, 16, 7, 9, 13, 18, 5, 20]);
const FEEDBACK_MS = 1500; // the burst and the module's feedback
const CENTRE_MIN_MS = 2000;
const CENTRE_MAX_MS = 8000;

export class SimRdss implements SimModule {
  readonly counters: SimRdssCounters = { sent: 0, rejected: {}, droppedWhileBooting: 0, badLines: 0, textsDelivered: 0 };
  readonly sentences = newSentenceCounters();
  private uart: SimUart | undefined;
  private readonly framer = new RdssLineFramer((l) => this.line(l));
  private on = false;
  private gen = 0; // bumps on every power change, so ticks of an earlier power-on stop
  private readyAt = 0;
  private bsiPeriodS = 0;
  private bsiNextMs = 0;
  private lastSendMs: number | undefined; // the system keeps this: it survives the module's power cycles
  private readonly outbox: string[] = [];

  constructor(private readonly o: SimRdssOptions) {}

  attach(uart: SimUart): void {
    this.uart = uart;
  }

  /** The centre queues a text message for the device. */
  centreSend(text: string): void {
    this.outbox.push(text);
  }

  get pendingTexts(): number {
    return this.outbox.length;
  }

  setPower(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    this.gen++;
    this.framer.reset();
    this.bsiPeriodS = 0;
    const { sched, meter } = this.o;
    meter.set("rdss", on ? "standby" : "off", on ? meter.table.rdss_standby_mA : 0);
    if (!on) return;
    this.readyAt = sched.now + (this.o.bootMs ?? 800);
    const gen = this.gen;
    // A 1 s tick from boot: PWI (4.0), periodic BSI (2.1) and delivery of the centre's texts.
    const tick = (): void => {
      if (gen !== this.gen) return;
      this.tick();
      sched.at(sched.now + 1000, tick);
    };
    sched.at(this.readyAt, tick);
  }

  fromHost(bytes: Uint8Array): void {
    if (!this.on || this.o.sched.now < this.readyAt) {
      this.counters.droppedWhileBooting++;
      return;
    }
    this.framer.push(bytes);
  }

  private beams(): number {
    return this.o.world.rdssBeams(this.o.sched.now / 1000);
  }

  private reply(s: RdssSentence, at = this.o.sched.now): void {
    const gen = this.gen;
    const line = ascii(encodeSentence(s) + "\r\n");
    // Scheduled so that a reply due after a power-off is never sent.
    this.o.sched.at(at, () => {
      if (gen === this.gen && this.uart) this.uart.toHost(line);
    });
  }

  /** hhmmss of the world's UTC. */
  private clockText(): string {
    const d = new Date(this.o.world.utcMs(this.o.sched.now / 1000));
    const p = (n: number) => (n < 10 ? "0" : "") + n;
    return p(d.getUTCHours()) + p(d.getUTCMinutes()) + p(d.getUTCSeconds());
  }

  private tick(): void {
    const n = this.beams();
    if (this.o.version === "4.0") {
      const rng = this.o.rng;
      const bds3 = BEAM_IDS.slice(0, Math.min(n, BEAM_IDS.length)).map((beam) => {
        const cn0 = rng.int(40, 51);
        return { beam, cn0, cn0b: cn0 - 7 };
      });
      this.reply({ type: "BDPWI", time: `${this.clockText()}.00`, bds2: [], bds3, bds3Width: 4 });
    } else if (this.bsiPeriodS > 0 && this.o.sched.now >= this.bsiNextMs) {
      this.bsiNextMs = this.o.sched.now + this.bsiPeriodS * 1000;
      this.reply(this.bsi(n));
    }
    if (n > 0 && this.outbox.length > 0 && this.o.card) this.deliverText(this.outbox.shift()!);
  }

  private bsi(n: number): RdssSentence {
    const levels: number[] = [];
    for (let i = 0; i < 10; i++) levels.push(i < n ? this.o.rng.int(3, 4) : this.o.rng.int(0, 1));
    return { type: "BDBSI", responseBeam: n > 0 ? 1 : 0, timeDiffBeam: n > 1 ? 2 : 0, levels };
  }

  private deliverText(text: string): void {
    const data = ascii(text);
    const src = this.o.centreId ?? "0000000";
    this.counters.textsDelivered++;
    this.reply(
      this.o.version === "2.1"
        ? { type: "BDTXR", kind: 1, src, code: 1, time: "", data }
        : { type: "BDTCI", src, dest: this.o.card!.id, freqPoint: 2, time: this.clockText(), code: 2, flag: "0", data },
    );
  }

  private line(text: string): void {
    const s = parseSentence(text, this.sentences);
    if (!s) {
      this.counters.badLines++;
      return;
    }
    const v21 = this.o.version === "2.1";
    if (s.type === (v21 ? "CCICA" : "CCICR")) this.reply(this.cardSentence());
    else if (s.type === "CCRMO" && v21 && s.target === "BSI") {
      this.bsiPeriodS = s.mode === 2 ? s.periodS : 0;
      this.bsiNextMs = this.o.sched.now + s.periodS * 1000;
      if (s.mode === 2) this.reply(this.bsi(this.beams()));
    } else if (s.type === "CCTXA" && v21) this.transmit(s.dest, s.data);
    else if (s.type === "CCTCQ" && !v21) this.transmit(s.dest, s.data);
    else this.counters.badLines++;
  }

  private cardSentence(): RdssSentence {
    const c = this.o.card;
    if (this.o.version === "2.1") {
      return c
        ? { type: "BDICI", id: c.id, serial: "00000000", broadcastId: "0000000", userFeature: 6, intervalS: c.intervalS, level: c.level, encrypted: "N", subordinates: "000" }
        : { type: "BDICI", id: "2097151", serial: "00000000", broadcastId: "2097151", userFeature: 0, intervalS: 9999, level: 0, encrypted: "N", subordinates: "0" };
    }
    // The layout of the 4.0 modules' output (interval in field 14, level in 15 with 0 meaning 5).
    const fields = "0,0,0,3,0,N,2,N,1,0,0,3,1,0,0,0,0,0,0,21,0,0,0".split(",");
    return c
      ? { type: "BDICP", id: c.id, broadcastId: "0", intervalS: c.intervalS, level: c.level === 5 ? 0 : c.level, fields }
      : { type: "BDICP", id: "0", broadcastId: "0", intervalS: 0, level: 0, fields };
  }

  private transmit(dest: string, data: Uint8Array): void {
    const { sched, version } = this.o;
    const card = this.o.card;
    const now = sched.now;
    let reason: FeedbackReason = "ok";
    let waitS = 0;
    const earliest = card && this.lastSendMs !== undefined ? this.lastSendMs + card.intervalS * 1000 : 0;
    if (!card) reason = version === "4.0" ? "no-card" : "refused";
    else if (now < earliest) {
      reason = "interval";
      waitS = Math.ceil((earliest - now) / 1000);
    } else if (this.beams() === 0) reason = version === "4.0" ? "power-not-locked" : "refused";
    else if (data.length * 8 > capacityBits(version, card.level)) reason = "refused";

    if (reason !== "ok") {
      this.counters.rejected[reason as SimRejection] = (this.counters.rejected[reason as SimRejection] ?? 0) + 1;
      this.reply(feedbackSentence(version, reason, waitS, this.clockText()), now + 200);
      return;
    }
    this.lastSendMs = now;
    this.counters.sent++;
    this.o.meter.addJoules("rdss", this.o.meter.table.rdss_send_J);
    const wait = version === "2.1" ? card!.intervalS : 0;
    this.reply(feedbackSentence(version, "ok", wait, this.clockText()), now + FEEDBACK_MS);
    const at = now + this.o.rng.int(CENTRE_MIN_MS, CENTRE_MAX_MS);
    const opened = this.o.openReport ? this.o.openReport(data) : { payload: data };
    const { records, error } =
      "payload" in opened ? decodeDetailed(opened.payload) : { records: [], error: `auth-${opened.error}` as const };
    const msg: CentreMessage = { from: card!.id, dest, bytes: data.slice(), records, error };
    sched.at(at, () => this.o.centre(msg, at));
  }
}

/** The centre's card id: sender of its text commands; the firmware's rdss_dest must name it. */
export const CENTRE_ID = "0247718";

/**
 * The module a trace's device.rdss describes on its own UART (pass the UART to the device runner as `rdss`), or
 * undefined for "none". The trace names no card, so the fleet's usual one is assumed unless given: a 60 s card,
 * level 3 on BDS-2 (628 bits), level 2 on BDS-3 (regional 14,000 bits), its id from the terminal id.
 * `card: null` fits no card.
 */
export function simRdssFor(
  trace: Trace,
  parts: { sched: Scheduler; world: World; meter: PowerMeter; rng: Rng },
  centre: (msg: CentreMessage, atMs: number) => void,
  card?: SimRdssCard | null,
  openReport?: ReportOpener,
): { sim: SimRdss; uart: SimUart } | undefined {
  if (trace.device.rdss === "none") return undefined;
  const version: RdssVersion = trace.device.rdss === "bds2-2.1" ? "2.1" : "4.0";
  const digits = trace.device.id.replace(/[^0-9]/g, "");
  const fitted = card === null ? undefined : (card ?? { id: (digits.slice(-6) || "1").padStart(7, "0"), intervalS: 60, level: version === "2.1" ? 3 : 2 });
  const sim = new SimRdss({ ...parts, version, card: fitted, centre, centreId: CENTRE_ID, openReport });
  const uart = new SimUart(parts.sched, sim);
  sim.attach(uart);
  return { sim, uart };
}
