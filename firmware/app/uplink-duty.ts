/**
 * Delivers records to the fleet platform over NB-IoT: one JT/T 808 session per wake that has something worth the
 * radio (an alarm, a position report, a door event), or when a failed delivery is due for a retry.
 * Temperature records alone wait for the next report: they ride along in its backfill batch; a trip report waits
 * for the next session too, at most trip_hold_s (then the uplink is due for it). After a failed
 * session routine records wait for the retry policy (uplink-retry.ts); alarms go at once, unless the unit is
 * where a search just found no network and a short message carries them (then the retry delivers them later).
 * A routine session due while driving through a place where a search found no network is not tried
 * (coverage-holes.ts).
 *
 * Inputs: the record log, this wake's fresh records, link and session snapshots, downlinks.
 * Outputs: acks into the log, config and area changes (persisted, applied from the next wake), alarm acknowledgements,
 *   restart requests, the LinkHealth record the fallback duty reads, `uplink` events.
 */
import { NbLink } from "../modem/nb-link";
import type { LinkEvent, LinkSnapshot } from "../modem/link-types";
import type { ModemName } from "../modem/models/model-types";
import { choosePsmTimers } from "../modem/psm-timers";
import type { Registration } from "../protocol/messages";
import { UplinkSession, type SessionEvent, type SessionSnapshot } from "../protocol/uplink-session";
import { ascii } from "../core/bytes";
import type { App } from "./app";
import { saveConfig } from "../config/config";
import { loadAreas, saveAreas } from "./area-store";
import type { Duty, LinkHealth } from "./duty";
import { clearHoles, holeHere } from "./coverage-holes";
import { rememberAttach, rememberPosition } from "./cut-memory";
import { gate, loadMemory, nbiotView, pruneLedger, undelivered } from "./rdss-memory";
import { hasSeq } from "../rdss/seq-ranges";
import { isRaise } from "../rdss/fallback-policy";
import type { MotionState } from "../gnss/motion";
import { secureUplink } from "./uplink-security";
import { modemAwake, noteModemTalk } from "./modem-check-duty";
import { mayTry, noteFailure, noteSuccess, registerWaitMs, RETRY_FIRST_MS, retryState, retryWake } from "./uplink-retry";
import type { RetryState } from "./uplink-retry";

/**
 * Late downlinks (platform commands) arrive right after our acks; once the radio is released they can reach the
 * device only while the network may page it, in the PSM active time: the session lingers no longer than that.
 */
const LINGER_MS = 2000;
const SOFTWARE = "reefer-tracker 0.1.0";

function registration(deviceId: string): Registration {
  return Object.freeze({
    province: 11, // GB/T 2260 code of the fleet's home province; the platform re-binds on registration
    city: 0,
    maker: "RFTRK",
    model: "RT1-BDS-NB",
    terminalId: deviceId.slice(-7).padStart(7, "0"),
    plateColor: 0,
    plate: ascii(""),
  });
}

/** The report interval the PSM timers are sized against: the longest the device may stay silent. */
function silentIntervalS(app: App): number {
  return app.config.rep_parked_s;
}

/**
 * Whether this wake's records call for a session of their own: anything but temperatures, and a trip report only
 * when it may not wait (trip_hold_s 0). A held trip report rides the next session, at the latest holdTrip()'s.
 */
function worthTheRadio(app: App): boolean {
  const hold = app.config.trip_hold_s > 0;
  for (const r of app.fresh) if (r.kind !== "temperature" && !(hold && r.kind === "trip")) return true;
  return false;
}

/** Seqs the platform acknowledged in this wake (per-wake, so it dies with the boot). */
const ackedHere = (app: App) => app.local("uplink-acked", () => new Set<number>());

/**
 * A trip report of this wake that no session carried waits trip_hold_s for one (the summary of a finished trip is
 * read after it, not watched live; a session of its own is a send, ~0.02 mAh): the uplink is due by then.
 */
function holdTrip(app: App): void {
  const hold = app.config.trip_hold_s * 1000;
  if (hold <= 0 || app.records.pending() === 0) return;
  const acked = ackedHere(app);
  const trip = app.fresh.find((r) => r.kind === "trip" && !acked.has(r.seq));
  if (trip) app.setDue("uplink", Math.min(app.due("uplink"), trip.mono + hold));
}

/** A short message due this soon carries this wake's alarm instead of a search for a network that is not here. */
const RDSS_SOON_MS = 120_000;

/**
 * This wake's alarms go by short message rather than by a search: the unit is where the network was missing, a
 * short-message module is fitted, and it already carried them or its policy sends now (or within RDSS_SOON_MS).
 * When it cannot (energy cap, no beams, no module), the search happens as for any alarm.
 */
function shortMessageCarries(app: App): boolean {
  if (!app.ports.rdss || nbiotView(app).coverage !== "none" || !holeHere(app)) return false;
  const m = loadMemory(app);
  const alarms = app.fresh.filter((r) => r.kind === "alarm");
  if (alarms.length > 0 && alarms.every((r) => hasSeq(m.ledger.sent, r.seq))) return true;
  m.ledger = pruneLedger(app, m.ledger);
  const now = app.now();
  const d = gate(app, m, undelivered(app, m.ledger), now);
  if (d.action !== "wait") return true;
  return d.reason === "interval" && d.retryAtMs !== undefined && d.retryAtMs - now <= RDSS_SOON_MS;
}

/** A routine session while driving through a stretch where a search already found no network: not tried there. */
function knownHole(app: App): boolean {
  return app.mod<MotionState>("motion")?.kind === "moving" && holeHere(app) !== undefined;
}

/**
 * An alarm worth a search out of turn: any, while the network was last found; in a gap (the last session found no
 * network) only a raise. A clear there waits for the retry schedule: a search costs ~0.5 mAh, the network is most
 * likely still missing, and the clear rides in the next session or short message (rdss/fallback-policy.ts).
 */
function urgentHere(app: App, retry: RetryState | undefined): boolean {
  if (!app.urgent) return false;
  return !retry?.noCoverage || app.fresh.some(isRaise);
}

/** Whether a session already failed in this boot (per-wake, so it dies with the boot). */
const bootFailed = (app: App) => app.local("uplink-failed", () => ({ v: false }));

export const uplinkDuty: Duty = Object.freeze({
  name: "uplink",
  phase: "deliver",
  save: holdTrip,
  dueAt(app: App): number {
    // A modem found awake though it should doze in PSM: a session sets PSM again (modem-check-duty.ts).
    if (modemAwake(app).v && !app.ran.has("uplink")) return app.now();
    if (app.records.pending() === 0) return Infinity;
    const retry = retryState(app);
    // An alarm goes out at once, even when this boot's session is over (it was raised after it) — unless that
    // session just failed: then the retry schedule and the short-message fallback take it from here.
    if (urgentHere(app, retry) && !bootFailed(app).v && !shortMessageCarries(app)) return app.now();
    // Routine records wait for the next report outside a stretch known to have no network.
    if (knownHole(app)) return Infinity;
    if (!app.ran.has("uplink") && (retry ? mayTry(app) : worthTheRadio(app))) return app.now();
    return retry ? retryWake(app, retry) : app.due("uplink");
  },
  run(app: App, done: () => void): void {
    const { ports, config } = app;
    app.urgent = false;
    const health: LinkHealth = { ...(app.mod<LinkHealth>("nbiot") ?? {}) };
    const started = app.now();
    let finished = false;
    let delivered = 0;
    const registerWait = registerWaitMs(app);
    const psm = choosePsmTimers({ tauS: config.psm_tau_s, activeS: config.psm_active_s }, silentIntervalS(app));
    const link = new NbLink({
      serial: ports.modem,
      clock: ports.clock,
      log: ports.log,
      model: config.modem_model as ModemName | "detect",
      server: { ip: config.server, port: config.port },
      psm: { tauS: psm.tauS, activeS: psm.activeS, edrx: config.edrx === 1 && ports.power.externalPower() },
      state: app.mod<LinkSnapshot>("link"),
      timings: registerWait === undefined ? undefined : { registerMs: registerWait },
      onEvent: (ev) => onLink(ev),
    });
    const secured = secureUplink(app, link);
    const session = new UplinkSession(
      {
        clock: ports.clock,
        link: secured.link,
        guard: secured.guard,
        backlog: {
          // Alarms first, then the rest oldest-first (JT/T 808 blind-area rule: key alarms first).
          peek: (max) => app.records.peekPriority(max),
          ack: (seqs) => {
            app.records.ack(seqs);
            delivered += seqs.length;
            for (const q of seqs) ackedHere(app).add(q);
          },
        },
        config,
        identity: {
          phone: config.device_id,
          registration: registration(config.device_id),
          imei: link.info().imei ?? "",
          software: SOFTWARE,
        },
        emit: (ev) => onSession(ev),
        current: () => app.current("position"),
        areas: () => loadAreas(ports.settings),
      },
      app.mod<SessionSnapshot>("session"),
    );

    const end = (ok: boolean, reason: string) => {
      if (finished) return;
      finished = true;
      const now = app.now();
      if (ok) {
        health.failingSince = undefined;
        health.lastOkAt = now;
        noteSuccess(app);
        clearHoles(app);
        app.setDue("uplink", app.records.pending() > 0 ? now + RETRY_FIRST_MS : Infinity);
      } else {
        health.failingSince = health.failingSince ?? started;
        bootFailed(app).v = true;
        app.setDue("uplink", noteFailure(app, reason === "no-coverage").at);
      }
      if (delivered > 0 && app.fresh.some((r) => r.kind === "position")) {
        health.lastPositionAckAt = now;
        rememberPosition(app);
      }
      app.saveMod("nbiot", health);
      const snap = link.snapshot();
      app.saveMod("link", snap);
      rememberAttach(app, snap.attachMs);
      noteModemTalk(app);
      app.saveMod("session", session.snapshot());
      secured.settle();
      app.emit("uplink", { ok, reason, delivered, pending: app.records.pending(), ms: now - started });
      done();
    };

    const onLink = (ev: LinkEvent) => {
      switch (ev.type) {
        case "link-sent":
          session.onSent(ev.id);
          break;
        case "link-failed":
          session.onFailed(ev.id);
          break;
        case "link-rx":
          session.onRx(ev.bytes);
          break;
        case "link-down":
          health.coverage = ev.reason === "no-coverage" ? "none" : health.coverage;
          session.onDown();
          end(false, ev.reason);
          break;
        case "link-up":
          health.coverage = "good";
          break;
        case "link-idle":
          end(lastDone === "complete", lastDone ?? "idle");
          break;
      }
    };

    let lastDone: string | undefined;
    const onSession = (ev: SessionEvent) => {
      switch (ev.type) {
        case "session-done":
          lastDone = ev.reason;
          link.finish();
          break;
        case "config-change":
          saveConfig(ports.settings, ev.changes);
          app.emit("config-change", { via: "jt808", keys: Object.keys(ev.changes).join(",") });
          break;
        case "areas-change":
          saveAreas(ports.settings, ev.areas);
          app.emit("areas-change", { count: ev.areas.length });
          break;
        case "reset-request":
          app.restartRequested = true;
          break;
        case "ack-alarms":
          app.saveMod("alarm-ack", { serial: ev.serial, mask: ev.mask, at: app.now() });
          app.emit("alarm-ack", { mask: ev.mask });
          break;
        case "registered":
          app.emit("registered", { id: config.device_id });
          break;
      }
    };

    session.start(app.fresh, { lingerMs: Math.min(LINGER_MS, psm.activeS * 1000), endBy: app.wakeEndsAt });
  },
});
