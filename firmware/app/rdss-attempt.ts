/**
 * One powered session of the short-message module inside a wake: read the card if the policy needs it, send the
 * one message the policy chose, hand any text command from the centre to the configuration, switch off.
 *
 * States: reading-card (module on, policy waits for the card) | sending (payload with the driver) | closed.
 * Inputs: the policy's first decision, driver events (rdss-card, rdss-sent, rdss-failed, rdss-text), the one
 *   deadline that bounds the powered time (the attempt limit or what the day's energy cap still allows).
 * Outputs: `rdss-sent records= bytes=` once per message the module sent (count this line), `config-change
 *   via=rdss`, `rdss-command-rejected`, `rdss-off outcome= on_ms=`; the memory saved to app.mod("rdss"), and
 *   its durable part to NVS before the module is powered (counting the worst the try may cost) and after it is
 *   off (what it cost), so a power cut in or after a try never gives back energy, a sent seq or the interval;
 *   done() exactly once.
 *
 * Records sent here stay in the record log: the NB-IoT ack deletes them later and the server dedupes by seq.
 */
import type { Serial } from "../../hal/ports";
import { noteSent, noteStandby, type PolicyDecision } from "../rdss/fallback-policy";
import { RDSS_TIMING, RdssDriver, type RdssEvent } from "../rdss/rdss-driver";
import { signReport, verifyCommand } from "../rdss/short-message-auth";
import { parseTextCommand } from "../rdss/text-command";
import { SMS_FLOOR_SETTING, loadFloor, saveFloor } from "./security-context";
import type { TrackRecord } from "../store/track-record";
import type { App } from "./app";
import { saveConfig } from "../config/config";
import { gate, HOLD_MS, persistMemory, saveMemory, standbyBudgetMs, type RdssMemory } from "./rdss-memory";

export type AttemptState = "reading-card" | "sending" | "closed";
export type AttemptOutcome = "sent" | "failed" | "wait" | "limit";

/** Longest the module stays on in one wake: boot, every card try, the beam wait, the feedback, some slack. */
export const ATTEMPT_MS =
  RDSS_TIMING.bootMs + RDSS_TIMING.cardTries * RDSS_TIMING.cardTimeoutMs + RDSS_TIMING.beamWaitMs + RDSS_TIMING.feedbackTimeoutMs + 5000;

export class RdssAttempt {
  private st: AttemptState = "reading-card";
  private readonly driver: RdssDriver;
  private readonly poweredAt: number;
  private limit = -1;
  private until = 0;
  private carrying: TrackRecord[] = [];

  constructor(
    private readonly app: App,
    serial: Serial,
    private readonly m: RdssMemory,
    private readonly records: readonly TrackRecord[],
    private readonly done: () => void,
  ) {
    this.poweredAt = app.now();
    this.driver = new RdssDriver({
      serial,
      clock: app.ports.clock,
      log: app.ports.log,
      version: "auto",
      dest: app.config.rdss_dest,
      state: m.drv,
      onEvent: (e) => this.event(e),
    });
  }

  get state(): AttemptState {
    return this.st;
  }

  /** Starts from the policy's decision: "read-card" or "send". */
  start(d: Exclude<PolicyDecision, { action: "wait" }>): void {
    const now = this.app.now();
    const until = now + Math.min(ATTEMPT_MS, standbyBudgetMs(this.app, this.m, now));
    this.until = until;
    persistMemory(this.app, this.m, until);
    this.limit = this.app.ports.clock.at(until, () => {
      this.m.holdUntil = this.app.now() + HOLD_MS;
      this.close("limit");
    });
    if (d.action === "read-card") this.driver.powerOn();
    else this.send(d.records, d.bytes);
  }

  private send(records: TrackRecord[], bytes: Uint8Array): void {
    this.st = "sending";
    this.carrying = records;
    persistMemory(this.app, this.m, this.until); // the card is known now: its interval counts from this try
    const sec = this.app.security;
    const counter = sec?.uplink.next();
    if (sec && counter === undefined) return this.close("failed"); // counter exhausted: never send unsigned
    this.driver.send(sec && counter !== undefined ? signReport(sec.crypto, sec.keys.sms, counter, bytes) : bytes);
  }

  private event(e: RdssEvent): void {
    if (this.st === "closed") return;
    const now = this.app.now();
    switch (e.type) {
      case "rdss-card": {
        this.m.drv = this.driver.snapshot();
        if (this.st !== "reading-card") return;
        const d = gate(this.app, this.m, this.records, now);
        if (d.action === "send") return this.send(d.records, d.bytes);
        return this.close("wait");
      }
      case "rdss-sent": {
        const sent = this.carrying;
        this.m.ledger = noteSent(this.m.ledger, now, sent);
        this.m.beams = { usable: this.driver.usableBeams, atMs: now };
        for (const r of sent) if (this.m.posAt === undefined || r.mono > this.m.posAt) this.m.posAt = r.mono;
        this.app.emit("rdss-sent", { records: sent.length, bytes: e.bytes });
        return this.close("sent");
      }
      case "rdss-failed":
        if (e.reason === "no-beams" || e.reason === "power-not-locked") {
          const b = this.m.beams;
          this.m.beams = { usable: 0, atMs: now, misses: (b && b.usable === 0 ? (b.misses ?? 1) : 0) + 1 };
        }
        // The driver moved nextSendMs for "interval" and the card in its snapshot for "too-large": the policy
        // knows when to try again. Anything else (no card, refused, no feedback) waits HOLD_MS.
        else if (e.reason !== "interval" && e.reason !== "too-large") this.m.holdUntil = now + HOLD_MS;
        return this.close("failed");
      case "rdss-text":
        return this.command(e.from, e.text);
      default:
        return;
    }
  }

  /** Only the command centre's card may change the configuration; all of a command applies, or none. */
  private command(from: string, text: string): void {
    const fromCentre = /^[0-9]+$/.test(from) && Number(from) === Number(this.app.config.rdss_dest);
    const signed = fromCentre ? this.verified(text) : { error: "not from the command centre" };
    const c = "error" in signed ? signed : parseTextCommand(signed.text);
    if ("error" in c) {
      this.m.cmds.rejected++;
      this.app.emit("rdss-command-rejected", { from, error: c.error });
      return;
    }
    // Applied from the next wake, when the configuration is loaded again: this wake keeps one consistent view.
    saveConfig(this.app.ports.settings, c.ok);
    this.m.cmds.applied++;
    this.app.emit("config-change", { via: "rdss", keys: Object.keys(c.ok).join(",") });
  }

  /**
   * A provisioned device takes only commands signed with its sms key under a counter above the last accepted;
   * the counter is kept (NVS) before the command is looked at, so a replay is refused even if this one is invalid.
   */
  private verified(text: string): { text: string } | { error: string } {
    const sec = this.app.security;
    if (!sec) return { text };
    const v = verifyCommand(sec.crypto, sec.keys.sms, loadFloor(sec, SMS_FLOOR_SETTING, undefined), text);
    if ("error" in v) return { error: v.error };
    saveFloor(sec, SMS_FLOOR_SETTING, v.counter);
    return { text: v.command };
  }

  private close(outcome: AttemptOutcome): void {
    if (this.st === "closed") return;
    this.st = "closed";
    this.app.ports.clock.cancel(this.limit);
    this.driver.powerOff();
    const now = this.app.now();
    this.m.drv = this.driver.snapshot();
    this.m.ledger = noteStandby(this.m.ledger, now, now - this.poweredAt);
    saveMemory(this.app, this.m);
    persistMemory(this.app, this.m);
    this.app.emit("rdss-off", { outcome, on_ms: now - this.poweredAt, used_j: Math.round(this.m.ledger.usedJ * 10) / 10 });
    this.done();
  }
}
