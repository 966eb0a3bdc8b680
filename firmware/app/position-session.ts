/**
 * One wake's work for the position duty: start, continue or close a search, then report and rest the receiver.
 * The MCU does not idle on the UART while the receiver acquires: it naps (deep sleep) until the predicted fix
 * time, or until the no-signal check when that comes first, and a later wake carries on from the snapshot.
 *
 * States: waiting (one deadline: the planned start or resume time) | starting (receiver booting; polled) |
 *   searching (awake, waiting for the driver's fix or failure) | closed (snapshots written, done() called).
 * Inputs: the plan from retained snapshots, receiver events (gnss-fix, gnss-fail, gnss-time, gnss-antenna), bytes.
 * Outputs: `fix` {start, ttf_ms, sats, hdop} and `fix-fail` {reason, ttf_ms} events, wall time, app.state.lastFix,
 *   position records, JT/T alarm bits 4-6 (with alarm records on their edges), the platform areas judged at every
 *   fix (geofence.ts), the next due time (earlier near an area's boundary: an `area-check` that records no position
 *   of its own), snapshots.
 */
import { judgeTime } from "../gnss/time-check";
import type { Clock, Serial } from "../../hal/ports";
import { noteBackupLost, planSearch, recordOutcome } from "../gnss/fix-policy";
import type { GnssFix } from "../gnss/gnss-fix";
import type { AntennaStatus } from "../gnss/gnss-parser";
import { GnssReceiver, type GnssEvent } from "../gnss/gnss-receiver";
import { updateMotion } from "../gnss/motion";
import { recallAfterCut, rememberIgnition } from "./cut-memory";
import { nextReportAt, reportTriggered, type ReportTrigger } from "../gnss/report-schedule";
import type { AlarmCode } from "../store/track-record";
import type { App } from "./app";
import { SHARE_MS } from "./duty";
import { areaCheckAt, checkAreas } from "./geofence";
import {
  checkpoint,
  fixSummary,
  holdsFix,
  NAP_MIN_MS,
  planReport,
  storeMods,
  type PositionMods,
  type ReportPlan,
} from "./position-plan";

/** JT/T 808 alarm word bits. */
const BIT = Object.freeze({ gnssFault: 1 << 4, antennaOpen: 1 << 5, antennaShort: 1 << 6 });
/** How often a booting receiver is checked (it needs ~1.1 s after its supply comes on). */
const BOOT_POLL_MS = 400;
/** While the MCU waits awake for a fix: the sky check after the abort time, or an alarm from another duty. */
const JUDGE_POLL_MS = 1000;
/** On truck power a receiver whose next search is this close stays tracking: the next fix is one epoch away. */
const KEEP_TRACKING_MS = 120_000;
/** Distance strategy: when a fix shows the distance not covered yet, look again no sooner than this. */
const RECHECK_MS = 30_000;
/** A distance this close to rep_distance_m counts: one more search for the last few metres would cost a fix. */
const DISTANCE_SLACK = 0.97;
/** A self-waking receiver whose wake time is this close to the wanted one is left alone. */
const WAKE_TOLERANCE_MS = 1000;

export class PositionSession {
  private rx: GnssReceiver | undefined;
  private timer = -1;
  private readonly owned = new Set<number>();
  private closed = false;
  /** The receiver was already tracking when the search began: its instant fix says nothing about time to fix. */
  private wasTracking = false;
  /** When this wake took over a search started in an earlier one. */
  private resumedAt: number | undefined;

  constructor(
    private readonly app: App,
    private readonly m: PositionMods,
    private readonly done: () => void,
  ) {}

  start(): void {
    const now = this.app.now();
    const { m } = this;
    if (m.gnss?.search) {
      const at = m.memo.resumeAt ?? now;
      if (at > now) this.arm(at, () => this.resume());
      else this.resume();
      return;
    }
    const p = planReport(this.app, m);
    const last = this.app.state.lastFix;
    const dwell = m.memo.noFix && !p.forced && !this.app.state.acc;
    if ((dwell || p.hold) && last && p.reportAt <= now + SHARE_MS) {
      // The engine stayed off since the last fix: the truck is where that fix put it (and parked by now).
      m.motion = updateMotion(m.motion, { now, acc: this.app.state.acc }, this.app.config);
      checkAreas(this.app, { ...last, speedKmh: 0 });
      this.report(undefined, p);
      return;
    }
    if (p.search.startAt <= now + SHARE_MS) {
      if (p.search.startAt > now) this.arm(p.search.startAt, () => this.search(p));
      else this.search(p);
    } else if (p.reportAt <= now + SHARE_MS) {
      // Failed searches back off: the report still goes out on time, with the last known position.
      this.report(undefined, p);
    } else {
      // Woken for the receiver (it left standby, or truck power went): rest it until the planned search.
      this.restUntil(this.receiver(), p.search.startAt);
      this.close();
    }
  }

  private search(p: ReportPlan): void {
    const rx = this.receiver();
    this.wasTracking = rx.state() === "tracking" && this.m.gnss?.power === "on";
    const c = this.app.config;
    this.m.memo.heard = false;
    this.m.memo.resumeAt = undefined;
    rx.search({
      capMs: p.search.capMs,
      abortMs: p.search.abortMs,
      accept: { fix_hdop_max: c.fix_hdop_max, fix_min_sats: c.fix_min_sats, fix_settle: c.fix_settle },
      start: p.search.start,
    });
    this.app.emit("gnss-search", { start: p.search.start, cap_ms: p.search.capMs, forced: p.forced });
    this.pace();
  }

  private resume(): void {
    this.m.memo.resumeAt = undefined;
    this.resumedAt = this.app.now();
    this.receiver();
    this.pace();
  }

  /** Decides between staying awake and napping until the next checkpoint of the search. */
  private pace(): void {
    const rx = this.rx;
    if (this.closed || !rx) return;
    const sr = rx.snapshot().search;
    if (!sr) return; // the result came in and was handled
    this.m.gnss = rx.snapshot();
    storeMods(this.app, this.m);
    const now = this.app.now();
    // A receiver that was tracking has its fix within an epoch: a nap would only delay it.
    const at = this.wasTracking ? now : checkpoint(now, sr, this.m.history.ttf);
    if (this.app.urgent) {
      // An alarm waits for no fix: end this duty's part now so the uplink sends it; the receiver keeps
      // acquiring and the search carries on in the cycle after the session, in the same boot when it is due.
      this.m.memo.resumeAt = Math.max(at, now);
      return this.close();
    }
    if (rx.state() === "booting") return this.arm(now + BOOT_POLL_MS, () => this.pace());
    if (at - now >= NAP_MIN_MS) {
      this.m.memo.resumeAt = at;
      return this.close();
    }
    // The fix is due soon: stay awake (the driver's cap deadline bounds the wait), looking again every second
    // for the sky check or for an alarm raised meanwhile by another duty.
    this.arm(Math.max(at, now + JUDGE_POLL_MS), () => this.pace());
  }

  private onEvent(ev: GnssEvent): void {
    if (this.closed) return;
    switch (ev.type) {
      case "gnss-time":
        return this.setWallTime(ev.utcMs);
      case "gnss-antenna":
        return this.antenna(ev.status);
      case "gnss-fix":
        return this.fixed(ev.fix, ev.ttfMs, ev.start);
      case "gnss-fail":
        return this.failed(ev.reason, ev.ttfMs);
    }
  }

  private setWallTime(utcMs: number): void {
    const clock = this.app.ports.clock;
    const wall = clock.wallTime();
    const memo = (this.m.memo.time ??= {});
    const verdict = judgeTime(utcMs, this.app.now(), wall, memo);
    if (verdict === "set") {
      clock.setWallTime(utcMs);
      this.app.emit("wall-time", { utc: utcMs, was: wall });
    } else if (verdict !== "agrees") this.app.emit("wall-time-refused", { utc: utcMs, was: wall, why: verdict });
  }

  private fixed(fix: GnssFix, ttfMs: number, start: "hot" | "warm" | "cold"): void {
    const { app, m } = this;
    const now = app.now();
    const learned = m.history.ttf;
    // A fix already there on the first epoch after a nap came at some unknown time before: the resume time
    // bounds it. Learning the later, observed time instead would push every next resume later still.
    const startedAt = now - ttfMs;
    const censored = this.resumedAt !== undefined && this.rx!.stats.epochs <= 1;
    const sample = censored ? Math.min(ttfMs, this.resumedAt! - startedAt) : ttfMs;
    m.history = recordOutcome(m.history, { ok: true, at: now, start, ttfMs: sample });
    if (this.wasTracking) m.history.ttf = { ...learned };
    const summary = fixSummary(fix, app.utc());
    if (summary) app.state.lastFix = summary;
    // The first fix after a power cut brings the wall time back: the parked state and the platform's position
    // from before the cut with it (cut-memory.ts).
    const recalled = recallAfterCut(app, summary, app.config.park_after_s);
    if (recalled) m.motion = recalled;
    // 1e-7° is what a record keeps; the extra digits would only fatten the retained snapshots.
    const lat = fix.lat === undefined ? undefined : round7(fix.lat);
    const lon = fix.lon === undefined ? undefined : round7(fix.lon);
    m.motion = updateMotion(m.motion, { now, acc: app.state.acc, speed: fix.speed, lat, lon }, app.config);
    rememberIgnition(app);
    app.emit("fix", { start, ttf_ms: ttfMs, sats: fix.satsUsed, hdop: fix.hdop });
    this.alarm(BIT.gnssFault, false, "gnss-fault");
    if (summary) checkAreas(app, summary);
    this.report(fix, planReport(app, m));
  }

  private failed(reason: string, ttfMs: number): void {
    const { app, m } = this;
    m.history = recordOutcome(m.history, { ok: false, at: app.now(), reason: reason === "cap" ? "cap" : "no-signal" });
    app.emit("fix-fail", { reason, ttf_ms: ttfMs });
    // Not a single byte for a whole search: the module (or its UART) is dead, not merely blind.
    this.alarm(BIT.gnssFault, !m.memo.heard, "gnss-fault");
    this.report(undefined, planReport(app, m));
  }

  /** Records the report this search served (when one is due), schedules the next, rests the receiver. */
  private report(fix: GnssFix | undefined, p: ReportPlan): void {
    const { app, m } = this;
    const cfg = app.config;
    const now = app.now();
    const ext = app.ports.power.externalPower();
    let trigger: ReportTrigger | "forced" | undefined;
    // A fix taken for the areas ahead of the regular report records nothing of its own (unless distance or a
    // corner asks for a report): the areas' events are their own records.
    const checkOnly = !p.forced && m.memo.check === true && (m.memo.report ?? 0) > Math.max(now, p.reportAt) + SHARE_MS;
    if (p.forced) trigger = "forced";
    else if (checkOnly) trigger = fix ? reportTriggered(now, cfg, m.motion, m.last, ext, fix) : undefined;
    else if (!fix) trigger = "time"; // no position to judge distance by: the schedule's time it is
    else {
      // The search started early so that the fix lands on time: count the distance the truck covers until then.
      const ahead = ((fix.speed ?? 0) * Math.max(0, p.reportAt - now)) / 1000;
      const judged = { ...cfg, rep_distance_m: Math.max(1, cfg.rep_distance_m * DISTANCE_SLACK - ahead) };
      trigger = reportTriggered(Math.max(now, p.reportAt), judged, m.motion, m.last, ext, fix);
      if (!trigger && cfg.rep_strategy === 0) trigger = "time";
    }
    if (trigger) {
      app.record("position");
      const pos = fix?.lat !== undefined && fix.lon !== undefined ? { lat: round7(fix.lat), lon: round7(fix.lon), course: fix.course } : m.last;
      m.last = { at: now, lat: pos?.lat, lon: pos?.lon, course: pos?.course };
      app.emit("position-report", { trigger, fixed: fix !== undefined });
    }
    const speed = app.state.lastFix ? app.state.lastFix.speedKmh / 3.6 : undefined;
    let next = nextReportAt(now, cfg, m.motion, m.last, ext, speed);
    if (!trigger) next = Math.max(next, now + RECHECK_MS);
    next = Math.max(next, now + 1000);
    // Near an area's boundary the next fix comes when the truck would have crossed it, not at the next report.
    const idle = checkOnly && !trigger && m.motion.kind !== "moving" ? (m.memo.idle ?? 0) + 1 : 0;
    const check = areaCheckAt(app, next - SHARE_MS, idle);
    const time = m.memo.time; // a new plan; what the clock check learned stays
    m.memo = check.at < next
      ? { next: Math.max(check.at, now + 1000), check: true, report: next, noFix: check.noFix || undefined, idle: idle || undefined, time }
      : { next, time };
    if (m.memo.check) app.emit("area-check", { in_s: Math.round((m.memo.next! - now) / 1000) });
    app.setDue("position", m.memo.next!);
    const plan = planSearch(now, cfg, m.history, m.memo.next!);
    const rx = this.rx ?? this.receiver();
    // The next report reuses this fix: no timed wake for a search that will not happen; V_BAT keeps the backup.
    if (holdsFix(app, m, m.memo.next!)) {
      if (rx.snapshot().power !== "backup") rx.powerDown();
    } else if (!(ext && rx.state() === "tracking" && plan.startAt - now <= KEEP_TRACKING_MS)) this.restUntil(rx, plan.startAt);
    this.close();
  }

  /** Standby (or backup) until `until`, so the receiver wakes by itself for the next search with its ephemeris. */
  private restUntil(rx: GnssReceiver, until: number): void {
    const now = this.app.now();
    const before = this.m.gnss;
    const timed = before && (before.power === "standby" || before.power === "backup") && before.wakeAt !== undefined;
    if (timed) {
      if (Math.abs(before.wakeAt! - until) <= WAKE_TOLERANCE_MS && before.wakeAt! > now) return;
      // A sleeping AT6558 ignores the UART and an M10 in backup wakes on it: re-arming its timer is not possible,
      // so drop the main supply instead (V_BAT keeps the ephemeris; the next search powers it up hot).
      rx.powerDown();
      return;
    }
    rx.rest(until);
    if (rx.snapshot().power === "on") rx.powerDown();
  }

  private antenna(status: AntennaStatus): void {
    this.alarm(BIT.antennaOpen, status === "open", "antenna-open");
    this.alarm(BIT.antennaShort, status === "short", "antenna-short");
  }

  private alarm(bit: number, on: boolean, code: AlarmCode): void {
    const s = this.app.state;
    if (((s.alarms & bit) !== 0) === on) return;
    s.alarms = on ? s.alarms | bit : s.alarms & ~bit;
    this.app.record("alarm", { code, raised: on });
  }

  /** Builds the driver from the snapshot, on a clock and UART that go quiet once this session closes. */
  private receiver(): GnssReceiver {
    if (this.rx) return this.rx;
    const { app, m } = this;
    const ports = app.ports;
    const clock: Clock = {
      now: () => ports.clock.now(),
      wallTime: () => ports.clock.wallTime(),
      setWallTime: (utc) => ports.clock.setWallTime(utc),
      at: (deadline, fn) => {
        if (this.closed) return -1;
        const id = ports.clock.at(deadline, () => {
          this.owned.delete(id);
          if (!this.closed) fn();
        });
        this.owned.add(id);
        return id;
      },
      cancel: (id) => {
        this.owned.delete(id);
        ports.clock.cancel(id);
      },
    };
    const serial: Serial = {
      write: (bytes) => {
        if (!this.closed) ports.gnss.write(bytes);
      },
      onReceive: (fn) =>
        ports.gnss.onReceive((chunk) => {
          if (this.closed) return;
          m.memo.heard = true;
          fn(chunk);
        }),
      setPower: (on) => ports.gnss.setPower(on),
      powered: () => ports.gnss.powered(),
    };
    const fresh = m.gnss === undefined;
    this.rx = new GnssReceiver({
      serial,
      clock,
      log: ports.log,
      // The receiver model is not configured: the driver tells the AT6558 from the M10 by its banner.
      model: "auto",
      state: m.gnss,
      onEvent: (ev) => this.onEvent(ev),
    });
    if (fresh && ports.power.wakeCause() === "power-on") {
      this.rx.noteBackupLost();
      m.history = noteBackupLost(m.history);
    }
    return this.rx;
  }

  private arm(at: number, fn: () => void): void {
    const clock = this.app.ports.clock;
    if (this.timer >= 0) clock.cancel(this.timer);
    this.timer = clock.at(at, () => {
      this.timer = -1;
      if (!this.closed) fn();
    });
  }

  /** Writes the snapshots, silences the driver's timers and UART, and ends this duty's part of the wake. */
  private close(): void {
    if (this.closed) return;
    if (this.rx) this.m.gnss = this.rx.snapshot();
    storeMods(this.app, this.m);
    this.closed = true;
    const clock = this.app.ports.clock;
    if (this.timer >= 0) clock.cancel(this.timer);
    this.timer = -1;
    for (const id of this.owned) clock.cancel(id);
    this.owned.clear();
    this.done();
  }
}

function round7(deg: number): number {
  return Math.round(deg * 1e7) / 1e7;
}
