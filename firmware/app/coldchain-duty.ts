/**
 * The cold-chain duty: reads every probe when the temperature log or the alarm engine needs a reading, and
 * confirms trip ends. The records, alarms and statistics themselves are coldchain-context.ts's.
 *
 * When a reading is taken (R = the next record, E = the engine's next decision, both monotonic ms):
 * - R is brought forward by RECORD_EARLY_MS, so a reading that needs a second conversion (a probe back from a
 *   fault shows 85.0 °C once) still lands within temp_log_s of the previous record: records come every
 *   temp_log_s − 1 s. A reading for R may start early (it then only shortens the gap).
 * - E (an alarm delay or clear delay ending, a probe fault being confirmed) is waited for: a reading before it
 *   decides nothing. The conversion starts at E − conversion time so the reading lands at E. With the delay
 *   counted from the first out-of-range reading, an alarm is raised exactly delay_s after that reading, and its
 *   record is urgent, so the uplink sends it in the same wake. Sampling faster near a band edge would only move
 *   the first out-of-range reading earlier by less than one log interval, for a conversion every wake; fast
 *   logging during any excursion (log-schedule.ts) already gives the dense evidence.
 * - The device wakes BOOT_LATENCY_MS + conversion time before the earlier of R and E.
 * - A reading that falls due while the wake is still busy with something else (a GNSS search, a modem session
 *   in poor coverage) is taken then, from the duty's own deadline (armed at boot and after every reading; for a
 *   record BACKGROUND_EARLY_MS early, see startAt()): the wake cycle only starts duties between cycles, and
 *   waiting for the end of a two-minute session would break the log interval. An alarm raised by
 *   such a reading marks the App urgent, so the wake cycle runs the uplink again in the same boot.
 * Every reading is a "temperature" record. One run takes up to MAX_READINGS readings when another one falls due
 * within the sharing window, rather than booting again a few seconds later.
 *
 * States: idle | waiting (one deadline: the next conversion start) | converting (ProbeReader's deadline); while
 *   a run is open its done() is called once no reading is due within SHARE_MS; the deadline stays armed after.
 * Inputs: the schedule (coldchain-context.ts), ProbeReader results, supply, motion, the platform's acknowledgement.
 * Outputs: readings into the cold chain, `probe-unknown` / `probe-rebound` events, the "probes" snapshot (ROM
 *   binding).
 */
import type { ReportHint } from "../coldchain/log-schedule";
import type { LastReport } from "../gnss/report-schedule";
import { DS18B20_CONVERT_MS } from "../sensors/ds18b20";
import { isShtName, ProbeReader, type ProbeReaderState } from "../sensors/probe-reader";
import { SHT4X_MEASURE_MS } from "../sensors/sht4x";
import type { App } from "./app";
import { coldChain, saveColdChain } from "./coldchain-context";
import { SHARE_MS, type Duty } from "./duty";
import { BOOT_LATENCY_MS } from "./inputs-duty";
import { loadMods, MOD, positionWakeAt } from "./position-plan";

export const RECORD_EARLY_MS = 1000;
/** The wake cycle's shortest sleep (1 s) plus a boot, with margin. */
const BACKGROUND_EARLY_MS = 2000;
export const PROBES_MOD = "probes";
const MAX_READINGS = 3;

/** How long after its start a reading lands. */
export function conversionMs(app: App, names: readonly string[]): number {
  return app.ports.oneWire && names.some((n) => !isShtName(n)) ? DS18B20_CONVERT_MS : SHT4X_MEASURE_MS;
}

interface Plan {
  record: number; // when the record's reading should land
  engine: number; // when the engine's reading must land (not before)
  trip: number;
}

function plan(app: App): Plan {
  const cold = coldChain(app);
  return { record: cold.recordDue(app.now(), reportHint(app)) - RECORD_EARLY_MS, engine: cold.sampleDue(), trip: cold.tripDue() };
}

/**
 * The next position report (the position duty's schedule), which the record may share a boot with, and when its
 * wake starts (a duty due within SHARE_MS of it shares it). A search in progress has no such start.
 */
function reportHint(app: App): ReportHint | undefined {
  const at = app.due("position");
  const last = app.mod<LastReport>(MOD.last);
  if (!Number.isFinite(at) || typeof last?.at !== "number") return undefined;
  const m = loadMods(app);
  const wakeAt = m.gnss?.search ? undefined : positionWakeAt(app, m) - SHARE_MS;
  return { at, periodMs: at - last.at, wakeAt };
}

/**
 * When the next conversion should start. In a run: now for a record due within the sharing window (early only
 * shortens the gap), E − conversion for an engine decision. Between runs, a record's reading starts
 * BACKGROUND_EARLY_MS sooner: should the wake end just before it, the wake cycle sleeps at least a second and the
 * boot after costs another 0.15 s, and the reading must still land in time.
 */
function startAt(app: App, p: Plan, lead: number, inRun: boolean): number {
  const now = app.now();
  const engine = p.engine - lead;
  if (!inRun) return Math.max(now + lead, Math.min(p.record - lead - BACKGROUND_EARLY_MS, engine));
  if (p.record - lead <= now + SHARE_MS && !(p.engine < p.record)) return now;
  return Math.max(now, Math.min(p.record - lead, engine));
}

/** The duty's part of one wake: the probe reader and the one deadline for the next conversion. */
class Sampler {
  private readonly reader: ProbeReader;
  private readonly lead: number;
  private timer = -1;
  private open: (() => void) | undefined; // the run's done(), while a run is open
  private readings = 0;

  constructor(private readonly app: App) {
    const names = coldChain(app).names;
    this.lead = conversionMs(app, names);
    this.reader = new ProbeReader({
      oneWire: app.ports.oneWire,
      i2c: app.ports.i2c,
      clock: app.ports.clock,
      names,
      state: app.mod<ProbeReaderState>(PROBES_MOD),
      onResult: (temps, _faults, info) => this.result(temps, info.unknown, info.rebound),
    });
  }

  run(done: () => void): void {
    this.open = done;
    this.readings = 0;
    this.next();
  }

  /** Arms the deadline for the next reading, in case this wake is still busy when it comes. */
  arm(): void {
    if (!this.open) this.next();
  }

  private next(): void {
    if (this.reader.busy()) return; // its result calls next()
    const { app } = this;
    const clock = app.ports.clock;
    if (this.timer >= 0) clock.cancel(this.timer);
    this.timer = -1;
    let at = startAt(app, plan(app), this.lead, this.open !== undefined);
    const done = this.open;
    const close = done !== undefined && (this.readings >= MAX_READINGS || at > app.now() + SHARE_MS);
    if (close) {
      this.open = undefined;
      at = startAt(app, plan(app), this.lead, false);
    }
    if (at <= app.now()) this.reader.start();
    else
      this.timer = clock.at(at, () => {
        this.timer = -1;
        this.reader.start();
      });
    // Last: done() may end the wake.
    if (close) done();
  }

  private result(temps: (number | null)[], unknown: string[], rebound: string[]): void {
    const { app } = this;
    this.readings++;
    for (const rom of unknown) app.emit("probe-unknown", { rom });
    for (const name of rebound) app.emit("probe-rebound", { name });
    app.saveMod(PROBES_MOD, this.reader.snapshot());
    coldChain(app).temps(app.now(), temps);
    // Outside a run this cycle's uplink may already be done: make the next cycle send the alarm.
    this.next();
  }
}

function sampler(app: App): Sampler {
  return app.local("coldchain-sampler", () => new Sampler(app));
}

export const coldchainDuty: Duty = Object.freeze({
  name: "coldchain",
  phase: "sense",
  dueAt(app: App): number {
    const p = plan(app);
    const lead = conversionMs(app, coldChain(app).names);
    return Math.min(Math.min(p.record, p.engine) - lead - BOOT_LATENCY_MS, p.trip);
  },
  run(app: App, done: () => void): void {
    const cold = coldChain(app);
    const now = app.now();
    cold.ack(now);
    cold.supply(now);
    cold.motion(now);
    if (cold.tripDue() <= now) cold.tick(now);
    sampler(app).run(done);
  },
  boot(app: App): void {
    sampler(app).arm();
  },
  save(app: App): void {
    saveColdChain(app);
  },
});
