/** The human summary of `tracker run`: what a fleet engineer reads first. */
import type { Summary } from "./summary";

const f = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");
const c = (x: number | null) => (x === null ? "  n/a" : x.toFixed(1).padStart(5));

function span(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${d ? d + " d " : ""}${h} h ${m} min`;
}

export function formatSummary(s: Summary): string {
  const life = s.battery_life_days === null ? "n/a (truck power)" : `${f(s.battery_life_days, 0)} days (${f(s.battery_life_days / 365, 1)} years)`;
  const lines = [
    `trip            ${s.trace}`,
    `simulated       ${span(s.duration_s)}, ${s.wakes} wakes (floor ${s.floor_wakes}), awake ${f(s.awake_s, 0)} s (${f((100 * s.awake_s) / s.duration_s, 2)} %)`,
    `energy          ${f(s.energy_mAh, 3)} mAh in all, ${f(s.battery_mAh, 3)} mAh from the battery`,
    `  by component  ${Object.entries(s.by_component)
      .map(([k, v]) => `${k} ${f(v, 3)}`)
      .join(", ")}`,
    `average current ${f(s.avg_current_uA, 1)} µA from the battery`,
    `battery life    ${life}`,
    `energy floor    ${f(s.floor_mAh, 3)} mAh; used/floor = ${f(s.floor_ratio, 2)} (formula as first measured, every fix hot, a record every temp_log_s: ${f(s.floor_formula_ratio, 2)})`,
    `positions       ${s.fixes} fixes, ${s.fix_failures} failed searches, hot starts ${f(100 * s.hot_start_share, 0)} %, GNSS ${f(s.gnss_mAh, 3)} mAh`,
    `uplink          ${s.uplinks} NB-IoT datagrams, modem ${f(s.modem_mAh, 3)} mAh (${f(s.modem_search_mAh, 3)} searching for a network, ${f(s.modem_gap_search_mAh, 3)} of it in coverage gaps), ${s.modem_resets} modem resets`,
    `records         ${s.records_created} created, ${s.records_delivered} delivered, ${s.records_lost} lost, ${s.duplicates} duplicates (${s.resent_acks_in_flight} resent, their ack lost in flight), ${s.rdss_copies} short-message copies`,
    `temperature     ${s.temp_records} records, longest gap ${f(s.max_temp_gap_s, 0)} s`,
    `alarms          ${s.alarms_raised} raised, ${s.alarms_delivered} delivered, worst latency ${f(s.max_alarm_latency_s, 0)} s`,
    `short messages  ${s.rdss_messages} sent, ${f(s.rdss_mAh, 3)} mAh`,
    `faults          ${s.power_cuts} power cuts, ${s.crashes} crashes, ${s.watchdog_resets} watchdog resets, ${s.firmware_faults} firmware faults`,
  ];
  const a = s.areas;
  if (a.commands > 0 || a.events.length > 0) {
    const worst = a.worst_delay_s === null ? "" : `, worst detection delay ${f(a.worst_delay_s, 0)} s`;
    lines.push(`areas           ${a.held} held, ${a.commands} commands (${a.refused} refused), ${a.entries} entries, ${a.exits} exits, ${a.dwell_alarms} dwell, ${a.speed_alarms} overspeed${worst}`);
    for (const e of a.events) {
      const extra = [e.inside_s === undefined ? "" : `inside ${span(e.inside_s)}`, e.delay_s === undefined ? "" : `delay ${e.delay_s} s`].filter((x) => x).join(", ");
      lines.push(`  ${span(e.t_s).padEnd(14)} ${e.event.padEnd(18)} ${e.area}${extra ? " (" + extra + ")" : ""}`);
    }
  }
  if (s.probes.length) {
    lines.push("probe            min °C  max °C  mean °C  MKT °C  out of band");
    for (const p of s.probes)
      lines.push(`  ${p.name.padEnd(14)} ${c(p.min_c)}   ${c(p.max_c)}    ${c(p.mean_c)}   ${c(p.mkt_c)}   ${f(p.out_of_band_s / 60, 0)} min`);
  }
  return lines.join("\n") + "\n";
}
