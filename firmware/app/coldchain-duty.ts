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
 * Every reading is a "temperature" record. One run takes up to MAX_READINGS readings when a second one falls due
 * within the sharing window, rather than booting again a few seconds later.
 *
 * States: idle | waiting (one deadline: the conversion start) | converting (ProbeReader's deadline) → idle.
 * Inputs: the schedule (coldchain-context.ts), ProbeReader results, supply, motion, the platform's acknowledgement.
 * Outputs: readings into the cold chain, `probe-unknown` / `probe-rebound` events, the "probes" snapshot (ROM
 *   binding).
 */
import { DS18B20_CONVERT_MS } from "../sensors/ds18b20";
import { isShtName, ProbeReader, type ProbeReaderState } from "../sensors/probe-reader";
import { SHT4X_MEASURE_MS } from "../sensors/sht4x";
import type { App } from "./app";
import { coldChain, saveColdChain } from "./coldchain-context";
import { SHARE_MS, type Duty } from "./duty";
import { BOOT_LATENCY_MS } from "./inputs-duty";

export const RECORD_EARLY_MS = 1000;
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
  return { record: cold.recordDue(app.now()) - RECORD_EARLY_MS, engine: cold.sampleDue(), trip: cold.tripDue() };
}

/** When the next conversion should start: now for a record that is due, E − conversion for the engine. */
function startAt(app: App, p: Plan, lead: number): number {
  const now = app.now();
  if (p.record - lead <= now + SHARE_MS && !(p.engine < p.record)) return now;
  return Math.max(now, Math.min(p.record, p.engine) - lead);
}

function read(app: App, done: () => void): void {
  const cold = coldChain(app);
  const lead = conversionMs(app, cold.names);
  const clock = app.ports.clock;
  let readings = 0;
  const reader = new ProbeReader({
    oneWire: app.ports.oneWire,
    i2c: app.ports.i2c,
    clock,
    names: cold.names,
    state: app.mod<ProbeReaderState>(PROBES_MOD),
    onResult: (temps, _faults, info) => {
      readings++;
      for (const rom of info.unknown) app.emit("probe-unknown", { rom });
      for (const name of info.rebound) app.emit("probe-rebound", { name });
      app.saveMod(PROBES_MOD, reader.snapshot());
      cold.temps(app.now(), temps);
      next();
    },
  });
  const next = () => {
    const p = plan(app);
    const at = startAt(app, p, lead);
    if (readings >= MAX_READINGS || at > app.now() + SHARE_MS) return done();
    if (at <= app.now()) reader.start();
    else clock.at(at, () => reader.start());
  };
  next();
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
    read(app, done);
  },
  save(app: App): void {
    saveColdChain(app);
  },
});
