/**
 * The benchmark's figures for one simulated trip, derived from its summary and transcript: rates per day, battery
 * projection, and the radio costs the issue targets measure (modem charge per uplink session and per datagram,
 * compared with POWER.md's send energy for the coverage class each delivering session ran in).
 */
import { eventsUntil } from "../report/transcript-line";
import { COMPONENTS, type Component } from "../report/power-meter";
import { powerTable, type PowerTable } from "../report/power-table";
import type { SimResult } from "../simulation";
import type { Trace } from "../world/trace-types";
import { World } from "../world/world";

export interface BenchRow {
  trace: string;
  days: number;
  wakesPerDay: number;
  /** The floor's boots per day (one per distinct duty time), the figure wakesPerDay is held to. */
  floorWakesPerDay: number;
  awakeSPerDay: number;
  mAhPerDay: number;
  avgUa: number;
  lifeDays: number | null;
  floorRatio: number;
  /** Energy ÷ POWER.md's formula as the issue first measured it (every fix hot, every send from PSM, a record every temp_log_s). */
  formulaRatio: number;
  sessions: number;
  sessionsOk: number;
  datagrams: number;
  modemMahPerSession: number;
  modemMahPerDatagram: number;
  /** Modem charge above its PSM floor ÷ Σ over delivering sessions of modem_send_rai_J (× CE2 factor when poor). */
  modemPerReportRatio: number;
  modemCycleRatio: number;
  gnssMahPerFix: number;
  hotShare: number;
  created: number;
  delivered: number;
  lost: number;
  /** Delivered twice by the same route with no cut in the ack's flight (a fault), and resent with it (by design). */
  duplicates: number;
  resent: number;
  alarms: number;
  alarmsDelivered: number;
  maxLatencyS: number;
  wakes: number;
  /** Per component over the trip: charge drawn and the floor's share of it (mAh). */
  components: ComponentFigures[];
  /** What the floor prices at nothing, mAh per day (see unpricedFigures). */
  unpriced: Unpriced;
  /** Energy ÷ floor with the unpriced parts taken out: how near the floor the parts it does price run. */
  pricedRatio: number;
}

/**
 * Charge the floor gives no place to, per day: searching for a network where there is none (a coverage gap),
 * attaching to one beyond the attach the floor prices per power-on (after a gap, a reboot, a failed search), the
 * receiver's on-time from a start without backup beyond the cold fix the floor prices per power-on (the start of
 * a forced power-on fix takes longer than the table's 45 s, a fix the floor does not ask for), the modem idling
 * without PSM (its own reboot), short messages, and temperature records beyond the floor's count (the fast log of
 * an excursion; each priced at a boot and a conversion, an upper bound: some share a wake).
 */
export interface Unpriced {
  gapSearch: number;
  coldStart: number;
  attach: number;
  idleNoPsm: number;
  shortMessages: number;
  extraSamples: number;
  total: number;
}

export function unpricedFigures(s: SimResult["summary"], table: PowerTable, probes: number, days: number): Unpriced {
  const sample = (table.mcu_run_mA * table.mcu_boot_s + (table.mcu_idle_mA + probes * table.ds18b20_mA) * table.ds18b20_conv_s) / 3600;
  const fixMah = (seconds: number) => (table.gnss_on_mA * seconds) / 3600;
  const cold = Math.min(s.gnss_no_backup_fixes, s.floor_power_ons);
  const pricedNoBackup = cold * fixMah(table.gnss_cold_s) + (s.gnss_no_backup_fixes - cold) * fixMah(table.gnss_hot_s);
  const pricedAttach = (s.floor_power_ons * table.modem_attach_mA * table.modem_attach_s) / 3600;
  const u = {
    gapSearch: s.modem_gap_search_mAh / days,
    attach: Math.max(0, s.modem_search_mAh - s.modem_gap_search_mAh - pricedAttach) / days,
    coldStart: Math.max(0, s.gnss_no_backup_mAh - pricedNoBackup) / days,
    idleNoPsm: s.modem_idle_no_psm_mAh / days,
    shortMessages: s.rdss_mAh / days,
    extraSamples: (Math.max(0, s.temp_records - s.floor_samples) * sample) / days,
  };
  return { ...u, total: u.gapSearch + u.attach + u.coldStart + u.idleNoPsm + u.shortMessages + u.extraSamples };
}

export interface ComponentFigures {
  name: Component;
  used: number;
  floor: number;
  /** This component's part of everything drawn above the floor (0..1; negative when below its floor share). */
  excessShare: number;
}

/** Used against floor per component, and which part of the excess each one is: where the next saving lies. */
export function componentFigures(used: Record<Component, number>, floor: Record<Component, number>): ComponentFigures[] {
  let excess = 0;
  for (const c of COMPONENTS) excess += used[c] - floor[c];
  return COMPONENTS.map((name) => ({
    name,
    used: used[name],
    floor: floor[name],
    excessShare: excess > 0 ? (used[name] - floor[name]) / excess : 0,
  }));
}

interface Session {
  t: number; // s since trace start
  ok: boolean;
}

/** The `uplink` events of the trace (not the drain period): one per NB-IoT session. */
export function uplinkSessions(transcript: readonly string[], durationS: number): Session[] {
  return eventsUntil(transcript, durationS)
    .filter((e) => e.name === "uplink")
    .map((e) => ({ t: e.t, ok: e.fields.ok === "1" }));
}

/** Charge (mAh) of the send energy POWER.md sets for each delivering session, in its coverage class. */
export function sendTargetMah(sessions: readonly Session[], world: World, table: PowerTable): number {
  let joules = 0;
  for (const s of sessions) {
    if (!s.ok) continue;
    joules += table.modem_send_rai_J * (world.nbiot(s.t) === "poor" ? table.modem_ce2_factor : 1);
  }
  return joules / table.supply_v / 3.6;
}

const per = (a: number, b: number) => (b > 0 ? a / b : 0);

export function benchRow(trace: Trace, r: SimResult): BenchRow {
  const s = r.summary;
  const table = powerTable(trace.power);
  const days = s.duration_s / 86400;
  const sessions = uplinkSessions(r.transcript, s.duration_s);
  const target = sendTargetMah(sessions, new World(trace), table);
  // The modem sleeps in PSM between sessions: that part is the sleep floor, not a report's cost.
  const psmFloor = (table.modem_psm_mA * s.duration_s) / 3600;
  const unpriced = unpricedFigures(s, table, trace.device.probes.length, days);
  return {
    trace: s.trace,
    days,
    wakesPerDay: per(s.wakes, days),
    floorWakesPerDay: per(s.floor_wakes, days),
    awakeSPerDay: per(s.awake_s, days),
    mAhPerDay: per(s.energy_mAh, days),
    avgUa: s.avg_current_uA,
    lifeDays: s.battery_life_days,
    floorRatio: s.floor_ratio,
    formulaRatio: s.floor_formula_ratio,
    sessions: sessions.length,
    sessionsOk: sessions.filter((x) => x.ok).length,
    datagrams: s.uplinks,
    modemMahPerSession: per(s.modem_mAh, sessions.length),
    modemMahPerDatagram: per(s.modem_mAh, s.uplinks),
    modemPerReportRatio: per(Math.max(0, s.modem_mAh - psmFloor), target),
    // A report cycle proper: network searches in coverage gaps are the gap's cost, not the report's.
    modemCycleRatio: per(Math.max(0, s.modem_mAh - psmFloor - s.modem_search_mAh), target),
    gnssMahPerFix: per(s.gnss_mAh, s.fixes),
    hotShare: s.hot_start_share,
    created: s.records_created,
    delivered: s.records_delivered,
    lost: s.records_lost,
    duplicates: s.duplicates,
    resent: s.resent_acks_in_flight,
    alarms: s.alarms_raised,
    alarmsDelivered: s.alarms_delivered,
    maxLatencyS: s.max_alarm_latency_s,
    wakes: s.wakes,
    components: componentFigures(s.by_component, s.floor_by_component),
    unpriced,
    pricedRatio: per(s.energy_mAh - unpriced.total * days, s.floor_mAh),
  };
}
