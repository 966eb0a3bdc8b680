/** The report of one simulated trip: the JSON object `tracker run --json` prints (field names are an interface). */
import type { AreaSummary } from "./area-report";
import type { Component } from "./power-meter";

export interface ProbeStats {
  name: string;
  min_c: number | null;
  max_c: number | null;
  mean_c: number | null;
  mkt_c: number | null;
  out_of_band_s: number;
}

export interface Summary {
  trace: string;
  duration_s: number;
  wakes: number;
  awake_s: number;
  energy_mAh: number; // everything the device drew
  battery_mAh: number; // the part drawn from the battery (truck power excluded)
  avg_current_uA: number; // battery charge / duration
  floor_mAh: number;
  floor_ratio: number;
  floor_wakes: number; // boots the floor counts: distinct times a report or a temperature record is due
  floor_samples: number; // temperature records the floor counts (the log interval in force: temp_log_s, the fast log of an excursion)
  floor_by_component: Record<Component, number>; // the floor's share of each component (sums to floor_mAh)
  floor_power_ons: number; // power-ons (trace start, end of a cut) the floor prices a cold fix and an attach for
  floor_formula_mAh: number; // POWER.md's formula as the issue first measured it: every fix hot, every send from PSM, a record every temp_log_s
  floor_formula_ratio: number; // energy_mAh ÷ floor_formula_mAh
  battery_life_days: number | null; // null when the battery was not drawn (truck power throughout)
  by_component: Record<Component, number>;
  fixes: number;
  fix_failures: number;
  hot_start_share: number;
  gnss_mAh: number;
  uplinks: number;
  modem_mAh: number;
  modem_resets: number;
  modem_search_mAh: number; // part of modem_mAh spent searching for a network (coverage gaps, attach)
  modem_gap_search_mAh: number; // the part of modem_search_mAh with no cell there (a coverage gap)
  modem_idle_no_psm_mAh: number; // part of modem_mAh idle with no PSM requested (after a power-on or its own reboot)
  gnss_no_backup_mAh: number; // part of gnss_mAh from a start without backup (power-on, a power cut) to its fix
  gnss_no_backup_fixes: number; // the fixes that ended those starts (each cold, as the floor prices one per power-on)
  records_created: number;
  records_delivered: number;
  records_lost: number;
  duplicates: number; // a record received again by the same route (NB-IoT twice) with no cut in its ack's flight: a delivery fault
  resent_acks_in_flight: number; // received again by the same route after a cut, modem hang or reboot lost its ack on the way
  rdss_copies: number; // a record received by short message and again over NB-IoT: by design, deduped
  alarms_raised: number;
  alarms_delivered: number;
  max_alarm_latency_s: number;
  temp_records: number;
  max_temp_gap_s: number;
  rdss_messages: number;
  rdss_mAh: number;
  power_cuts: number;
  crashes: number;
  watchdog_resets: number;
  firmware_faults: number;
  probes: ProbeStats[];
  areas: AreaSummary; // platform areas: commands, entries, exits, dwell and overspeed alarms
}
