/**
 * The summary's figures as a table at the top of the report: every field of the `--json` summary (nested objects
 * flattened as `by_component.mcu`), its value exactly as the JSON has it, a label and a unit. A field the summary
 * gains later shows up under its own name without a change here; probes have their table in the temperature
 * section.
 *   inputs:  Summary
 *   outputs: an HTML table whose value cells carry data-key = the field's path
 */
import type { Summary } from "../summary";
import { el, esc } from "./svg";

const LABELS: Record<string, [string, string]> = {
  trace: ["trip", ""],
  duration_s: ["simulated", "s"],
  wakes: ["wakes", ""],
  awake_s: ["awake", "s"],
  energy_mAh: ["energy in all", "mAh"],
  battery_mAh: ["from the battery", "mAh"],
  avg_current_uA: ["average current", "µA"],
  floor_mAh: ["energy floor", "mAh"],
  floor_ratio: ["used ÷ floor", "×"],
  floor_wakes: ["boots the floor counts", ""],
  floor_samples: ["temperature records the floor counts", ""],
  floor_power_ons: ["power-ons in the floor", ""],
  floor_formula_mAh: ["floor as written", "mAh"],
  floor_formula_ratio: ["used ÷ floor as written", "×"],
  battery_life_days: ["battery life", "days"],
  fixes: ["fixes", ""],
  fix_failures: ["failed searches", ""],
  hot_start_share: ["hot starts", "share"],
  gnss_mAh: ["GNSS", "mAh"],
  gnss_no_backup_mAh: ["of it cold, no backup", "mAh"],
  gnss_no_backup_fixes: ["cold fixes, no backup", ""],
  uplinks: ["NB-IoT datagrams", ""],
  modem_mAh: ["modem", "mAh"],
  modem_resets: ["modem resets", ""],
  modem_search_mAh: ["modem searching for a network", "mAh"],
  modem_gap_search_mAh: ["of it where there was none (coverage gaps)", "mAh"],
  modem_idle_no_psm_mAh: ["modem idle without PSM", "mAh"],
  records_created: ["records created", ""],
  records_delivered: ["records delivered", ""],
  records_lost: ["records lost", ""],
  duplicates: ["duplicates", ""],
  resent_acks_in_flight: ["resent, their ack lost in flight", ""],
  rdss_copies: ["short-message copies", ""],
  alarms_raised: ["alarms raised", ""],
  alarms_delivered: ["alarms delivered", ""],
  max_alarm_latency_s: ["worst alarm latency", "s"],
  temp_records: ["temperature records", ""],
  max_temp_gap_s: ["longest temperature gap", "s"],
  rdss_messages: ["short messages sent", ""],
  rdss_mAh: ["short-message module", "mAh"],
  power_cuts: ["power cuts", ""],
  crashes: ["crashes", ""],
  watchdog_resets: ["watchdog resets", ""],
  firmware_faults: ["firmware faults", ""],
};

export type Leaf = string | number | boolean | null;

/** Every scalar of the summary with its path (list items by index), probes excepted, in the summary's own order. */
export function summaryLeaves(s: Summary): { key: string; value: Leaf }[] {
  const out: { key: string; value: Leaf }[] = [];
  const walk = (prefix: string, v: unknown): void => {
    if (v !== null && typeof v === "object") {
      for (const k of Object.keys(v)) walk(prefix ? `${prefix}.${k}` : k, (v as Record<string, unknown>)[k]);
    } else out.push({ key: prefix, value: v as Leaf });
  };
  for (const k of Object.keys(s)) if (k !== "probes") walk(k, (s as unknown as Record<string, unknown>)[k]);
  return out;
}

/** The text a value cell holds: the JSON's own number, "n/a" for null. */
export const leafText = (v: Leaf): string => (v === null ? "n/a" : String(v));

function label(key: string): [string, string] {
  if (LABELS[key]) return LABELS[key];
  const dot = key.indexOf(".");
  if (key.startsWith("by_component.")) return [`  ${key.slice(dot + 1)}`, "mAh"];
  return [key.replace(/_/g, " "), ""];
}

export function figuresTable(s: Summary): string {
  const leaves = summaryLeaves(s);
  // two columns of rows side by side, so the table fits the top of an A4 page
  const half = Math.ceil(leaves.length / 2);
  const row = (i: number): string[] => {
    const l = leaves[i];
    if (!l) return [el("td", {}, ""), el("td", {}, ""), el("td", {}, "")];
    const [name, unit] = label(l.key);
    return [el("th", { scope: "row", title: l.key }, esc(name)), el("td", { class: "v", "data-key": l.key }, esc(leafText(l.value))), el("td", { class: "u" }, esc(unit))];
  };
  const rows: string[] = [];
  for (let i = 0; i < half; i++) rows.push(el("tr", {}, ...row(i), ...row(i + half)));
  return el("table", { class: "figures summary" }, el("tbody", {}, ...rows));
}
