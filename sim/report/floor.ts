/**
 * The energy floor of a trace (../shared/reference/POWER.md): the least charge a firmware that boots once per duty
 * could spend on the same trace, meeting the same duties, with the same power table.
 *
 *   floor = T × sleep floor + W × one boot + N_reports × (hot fix + one RAI send in its coverage class)
 *         + N_samples × one conversion per probe
 *         + per power-on: (cold fix − hot fix) + one attach, for the first report after it
 *
 * Reports follow the configured interval for the motion state the trace implies (moving / stopped / parked, on
 * battery or truck power), restarting at every ignition edge, plus one per alarm. Reports due while coverage is
 * `none` need their fix but share one batched send when coverage returns.
 *
 * The last line is POWER.md's own table applied to the formula's "hot fix + RAI send" where that cannot be had: a
 * power-on (the trace's start, the end of each power cut) leaves the receiver without its backup ("off (no
 * backup): next start is cold", 45 s) and the modem unregistered ("attach after power-on", 10 s at 60 mA), so the
 * first report after it costs a cold fix and an attach whatever the firmware.
 *
 * N_samples is "temperature records required (at the configured log interval)", and the configuration has two:
 * temp_log_s, and temp_fast_s during an excursion with its staircase back (log-schedule.ts, as COLDCHAIN.md's
 * loggers do). The floor takes the interval in force at each record from the trace's own temperatures: a record
 * that finds a probe outside a band (and not in a window where excursions cannot start: ignore_start_s after an
 * ignition-on or a start of movement, when set) starts the fast interval, the first record back inside the bands
 * ends it and starts the decay. That is the least any firmware meeting the configuration logs: the firmware's own
 * excursion lasts longer (back past the hysteresis, then the clear delay). `formulaMah` keeps the formula as the
 * issue first measured it: no power-on line, records every temp_log_s only.
 */
import type { Config } from "../../firmware/config/config";
import { parseBands, type Band } from "../../firmware/coldchain/bands";
import { emptyLogState, logInterval, logObserve, logRecorded } from "../../firmware/coldchain/log-schedule";
import type { MotionKind } from "../../firmware/gnss/motion";
import { reportIntervalMs } from "../../firmware/gnss/report-schedule";
import type { Component } from "./power-meter";
import type { PowerTable } from "./power-table";
import { joulesToMah } from "./power-table";
import type { World } from "../world/world";

export interface Floor {
  mAh: number;
  reports: number;
  samples: number;
  boots: number;
  sends: number;
  /** The same charge split by the component that draws it (the sum is mAh), for the bench's breakdown. */
  byComponent: Record<Component, number>;
  /** Power-ons followed by a report: each prices a cold fix instead of a hot one, and an attach. */
  powerOns: number;
  /** What those power-ons add (cold fix beyond the hot one, attach), by component; included in mAh. */
  powerOnMah: { gnss: number; modem: number };
  /** Records required during excursions beyond one per temp_log_s (the fast log and its decay); in `samples`. */
  fastSamples: number;
  /** The formula as the issue first measured it: every fix hot, every send from PSM, a record every temp_log_s. */
  formulaMah: number;
}

const MOVING_MPS = 1.5;

/** Interval (s) the configuration asks for at trace time t: the firmware's table, for the motion the trace implies. */
export function reportInterval(world: World, cfg: Config, t: number, lastAccOff: number): number {
  const kind: MotionKind =
    world.position(t).speed > MOVING_MPS
      ? "moving"
      : !world.ignitionOn(t) && t - lastAccOff >= cfg.park_after_s
        ? "parked"
        : "stopped";
  return reportIntervalMs(cfg, { kind, since: 0 }, world.externalPower(t)) / 1000;
}

/** Report times (s) the configuration requires over the trace. */
export function requiredReports(world: World, cfg: Config): number[] {
  const tr = world.trace;
  const edges = world.edges(tr.ignition, false).map((e) => e.t);
  const out: number[] = [];
  let lastAccOff = 0;
  let t = 0;
  let e = 0;
  while (t < tr.duration) {
    out.push(t);
    let next = t + reportInterval(world, cfg, t, lastAccOff);
    while (e < edges.length && edges[e] <= t) e++;
    if (e < edges.length && edges[e] < next) {
      next = edges[e];
      if (!world.ignitionOn(next)) lastAccOff = next;
    }
    t = Math.max(next, t + 1);
  }
  return out;
}

/**
 * Times (s) the device powers on: the trace's start and the end of every power cut (a cut that ends after the
 * trace does not count).
 */
export function powerOnTimes(world: World): number[] {
  const tr = world.trace;
  const ends = tr.faults.filter((f) => f.kind === "power-cut").map((f) => f.t + f.for);
  return [0, ...ends.filter((t) => t < tr.duration)].sort((a, b) => a - b);
}

/**
 * How many power-ons a required report follows before the next power-on (each such report is the first after its
 * power-on: the receiver starts cold, the modem attaches); a power-on with none before the next one costs nothing.
 */
export function powerOnsWithReport(powerOns: readonly number[], reports: readonly number[]): number {
  let n = 0;
  let r = 0;
  for (let i = 0; i < powerOns.length; i++) {
    const next = i + 1 < powerOns.length ? powerOns[i + 1] : Infinity;
    while (r < reports.length && reports[r] < powerOns[i]) r++;
    if (r < reports.length && reports[r] < next) n++;
  }
  return n;
}

/** Windows (s) in which an excursion cannot start: ignore_start_s after each ignition-on and each start of movement. */
function quietWindows(world: World, cfg: Config): [number, number][] {
  const len = cfg.ignore_start_s;
  if (!(len > 0)) return [];
  const tr = world.trace;
  const starts = world.edges(tr.ignition, false).filter((e) => world.ignitionOn(e.t)).map((e) => e.t);
  let moving = false;
  for (let t = 0; t < tr.duration; t += 10) {
    const now = world.position(t).speed > MOVING_MPS;
    if (now && !moving) starts.push(t);
    moving = now;
  }
  return starts.map((t) => [t, t + len]);
}

/** Whether the trace's temperature of a probe lies outside one of its bands at t (an open probe reads nothing). */
function outOfBand(world: World, bands: Band[][], t: number): boolean {
  return world.trace.device.probes.some((name, i) => {
    if (world.fault("probe-open", t, name)) return false;
    const v = world.temperature(name, t);
    return bands[i].some((b) => v > b.high || v < b.low);
  });
}

/** Record times (s) the configuration requires over the trace: temp_log_s, and the fast log of each excursion. */
export function requiredSamples(world: World, cfg: Config): number[] {
  const bands = parseBands(cfg.bands, world.trace.device.probes);
  const quiet = quietWindows(world, cfg);
  const out: number[] = [];
  let s = emptyLogState();
  for (let t = 0; t < world.trace.duration; ) {
    out.push(t);
    const ms = t * 1000;
    const excursion = outOfBand(world, bands, t) && (s.excursion || !quiet.some(([a, b]) => t >= a && t < b));
    s = logRecorded(logObserve(s, ms, excursion), ms);
    t += Math.max(1, logInterval(s, cfg, ms));
  }
  return out;
}

/** Boots for duties due at these times: duties within shareS of the one before share its boot. */
function bootsFor(times: number[], shareS: number): number {
  let boots = 0;
  let last = -Infinity;
  for (const t of [...times].sort((a, b) => a - b)) {
    if (t - last > shareS) boots++;
    last = t;
  }
  return boots;
}

export function energyFloor(world: World, cfg: Config, table: PowerTable, alarms: number, shareS = 5): Floor {
  const tr = world.trace;
  const probes = tr.device.probes.length;
  const reports = requiredReports(world, cfg);
  const samples = requiredSamples(world, cfg);
  const plainSamples: number[] = [];
  for (let t = 0; t < tr.duration; t += cfg.temp_log_s) plainSamples.push(t);
  const boots = bootsFor(reports.concat(samples), shareS);
  const plainBoots = bootsFor(reports.concat(plainSamples), shareS);

  const sendMah = (ce2: boolean) => joulesToMah(table, table.modem_send_rai_J * (ce2 ? table.modem_ce2_factor : 1));
  const fixMah = (table.gnss_on_mA * table.gnss_hot_s) / 3600;
  const bootMah = (table.mcu_run_mA * table.mcu_boot_s) / 3600;
  const sampleMah = (probes * table.ds18b20_mA * table.ds18b20_conv_s) / 3600;
  const hours = tr.duration / 3600;
  const by: Record<Component, number> = { mcu: 0, gnss: 0, modem: 0, rdss: 0, probes: 0, board: 0 };
  let sends = 0;
  let waiting = false;
  for (const t of reports) {
    by.gnss += fixMah;
    const cov = world.nbiot(t);
    if (cov === "none") {
      waiting = true;
      continue;
    }
    by.modem += sendMah(cov === "poor");
    sends++;
  }
  // Everything held during a gap leaves in one batched send when coverage returns.
  if (waiting) {
    by.modem += sendMah(false);
    sends++;
  }
  by.gnss += alarms * fixMah;
  by.modem += alarms * sendMah(false);
  sends += alarms;

  const powerOns = powerOnsWithReport(powerOnTimes(world), reports);
  const powerOnMah = {
    gnss: (powerOns * table.gnss_on_mA * Math.max(0, table.gnss_cold_s - table.gnss_hot_s)) / 3600,
    modem: (powerOns * table.modem_attach_mA * table.modem_attach_s) / 3600,
  };
  by.gnss += powerOnMah.gnss;
  by.modem += powerOnMah.modem;

  // The sleep floor, component by component: ESP32 deep sleep, modem PSM, GNSS backup, board.
  by.mcu += table.mcu_sleep_mA * hours + boots * bootMah;
  by.modem += table.modem_psm_mA * hours;
  by.gnss += table.gnss_backup_mA * hours;
  by.board += table.board_mA * hours;
  by.probes += samples.length * sampleMah;
  let mAh = 0;
  for (const c of Object.keys(by) as Component[]) mAh += by[c];
  const fastMah = (boots - plainBoots) * bootMah + (samples.length - plainSamples.length) * sampleMah;
  const formulaMah = mAh - powerOnMah.gnss - powerOnMah.modem - fastMah;
  return {
    mAh,
    reports: reports.length + alarms,
    samples: samples.length,
    fastSamples: samples.length - plainSamples.length,
    boots,
    sends,
    byComponent: by,
    powerOns,
    powerOnMah,
    formulaMah,
  };
}
