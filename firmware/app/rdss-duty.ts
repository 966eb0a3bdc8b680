/**
 * The Beidou short-message fallback: after the NB-IoT session, when NB-IoT has failed for rdss_after_s (or has no
 * coverage) and an alarm is undelivered or the last delivered position is older than rdss_stale_s, one short
 * message carries them, within the card's interval and the daily energy cap (firmware/rdss/fallback-policy.ts).
 *
 * dueAt() asks the same question as run() (rdss-memory.ts gate()), also for the future: when the answer is "not
 * yet" because of the card's interval, a beam retry, a hold or the energy cap, it names that time; when nothing
 * could go (nothing undelivered, NB-IoT working, nothing left that was not already sent) it is Infinity, so the
 * duty never wakes the device for nothing. Without an RDSS port it is always Infinity.
 */
import { emit } from "../core/events";
import { countSeqs } from "../rdss/seq-ranges";
import type { TrackRecord } from "../store/track-record";
import type { App } from "./app";
import { SHARE_MS, type Duty } from "./duty";
import { RdssAttempt } from "./rdss-attempt";
import { fallbackFrom, gate, loadMemory, pruneLedger, RDSS_MOD, saveMemory, undelivered } from "./rdss-memory";

/** dueAt() follows at most this many "wait until" answers (interval, then beams, then the cap...). */
const LOOKAHEAD = 4;

function dueAt(app: App): number {
  if (!app.ports.rdss || app.records.pending() === 0) return Infinity;
  const from = fallbackFrom(app);
  if (from === Infinity) return Infinity;
  const m = loadMemory(app);
  m.ledger = pruneLedger(app, m.ledger);
  // Whether a message is due turns on the alarms and the staleness alone. Every wake of a gap asks, so it reads
  // the events, not a backlog of routine records that may be hundreds long. Only "no-record" (nothing among the
  // events to carry) needs the rest: later on, routine records not all sent yet will fill that message (the wake
  // then asks exactly); now, the whole list answers.
  const now = app.now();
  const events = undelivered(app, m.ledger, true);
  let all: TrackRecord[] | undefined;
  let t = Math.max(now, from);
  for (let i = 0; i < LOOKAHEAD; i++) {
    let d = gate(app, m, events, t);
    if (d.action === "wait" && d.reason === "no-record") {
      if (t > now && app.records.pending() > countSeqs(m.ledger.sent)) return t;
      d = gate(app, m, (all ??= undelivered(app, m.ledger)), t);
    }
    if (d.action !== "wait") return t;
    if (d.retryAtMs === undefined || !(d.retryAtMs > t)) return Infinity;
    t = d.retryAtMs;
  }
  return t;
}

function run(app: App, done: () => void): void {
  const serial = app.ports.rdss;
  if (!serial) return done();
  const attempt = (again: boolean): void => {
    const m = loadMemory(app);
    m.ledger = pruneLedger(app, m.ledger);
    const records = undelivered(app, m.ledger);
    const now = app.now();
    const d = gate(app, m, records, now);
    if (d.action !== "wait") {
      new RdssAttempt(app, serial, m, records, done).start(d);
      return;
    }
    // Due within the sharing window: waiting a few seconds in this wake is cheaper than another boot.
    if (!again && d.retryAtMs !== undefined && d.retryAtMs <= now + SHARE_MS) {
      app.ports.clock.at(d.retryAtMs, () => attempt(true));
      return;
    }
    emit(app.ports.log, "rdss-wait", { reason: d.reason, retry: d.retryAtMs }, "debug");
    saveMemory(app, m);
    done();
  };
  attempt(false);
}

/** Records acknowledged over NB-IoT in this wake leave the ledger (only once the duty has a memory at all). */
function save(app: App): void {
  if (!app.ports.rdss || app.mod(RDSS_MOD) === undefined) return;
  const m = loadMemory(app);
  const l = pruneLedger(app, m.ledger);
  if (l === m.ledger) return;
  m.ledger = l;
  saveMemory(app, m);
}

export const rdssDuty: Duty = Object.freeze({ name: "rdss", phase: "fallback", dueAt, run, save });
