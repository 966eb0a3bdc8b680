/**
 * Turns what a run left behind into the trip report: the firmware's event lines (fixes, records, faults), the
 * fleet server's store (what arrived, when, how often) and the energy taken at the end of the trace.
 */
import { defaults, validate, type Config } from "../../firmware/config/config";
import { parseBands } from "../../firmware/coldchain/bands";
import { mkt } from "../../firmware/coldchain/trip-stats";
import { parseEvent } from "../../firmware/core/events";
import { areaSummary } from "./area-report";
import { splitLine } from "./transcript-line";
import type { DeviceRunner } from "../devices/device-runner";
import type { Arrival, FleetServer } from "../world/fleet-server";
import { energyFloor } from "./floor";
import type { Component } from "./power-meter";
import type { PowerTable } from "./power-table";
import type { ProbeStats, Summary } from "./summary";
import type { Trace } from "../world/trace-types";
import type { World } from "../world/world";

/** Figures read at the end of the trace, before the drain period. */
export interface Observed {
  energy: Record<Component, number>;
  batteryMah: number;
  wakes: number;
  awakeMs: number;
  transcriptLines: number;
  uplinks: number;
  modemResets: number;
  rdssSent: number;
  modemSearchS: number; // seconds the modem spent searching for a network (attach current)
  modemGapSearchS: number; // the part of it with no cell there (a coverage gap), the rest attaching to one
  modemIdleNoPsmS: number; // seconds idle (registered, 5 mA) with no PSM requested
  gnssNoBackupS: number; // GNSS on-time from a start without backup (power-on, a cut) to its first fix
  gnssNoBackupFixes: number; // the fixes that ended such starts
}

export interface RunOutputs {
  trace: Trace;
  world: World;
  table: PowerTable;
  server: FleetServer;
  runner: DeviceRunner;
  transcript: string[];
  atEnd: Observed;
}

/**
 * Longest a platform ack takes to reach the firmware after the platform received the datagram: the downlink's
 * latency in CE2 (0.4 s × 4, modem-sim.ts) and the UART. The firmware stores an ack as it arrives.
 */
export const ACK_FLIGHT_MS = 2000;
/** A datagram on the air when the fault came still lands: its air time in CE2 (0.3 s × 4). */
export const AIR_MS = 1200;
/** Faults that lose what is on its way to the firmware: the supply, a modem that hangs or reboots. */
const ACK_LOSING: readonly string[] = Object.freeze(["power-cut", "modem-hang", "modem-reboot"]);

/**
 * Second arrivals of a record. By the same route after a fault that lost the first copy's ack (a power cut, a
 * modem hang or reboot from AIR_MS before the first arrival to ACK_FLIGHT_MS after it): resent, the platform had
 * it but its ack never reached the firmware (at-least-once delivery; no firmware can know the platform has it, and
 * the platform dedupes by seq). Any other repeat by the same route is a duplicate, a delivery fault. By another
 * route: a short message and NB-IoT, by design.
 */
export function countRepeats(arrivals: readonly Arrival[], faultsMs: readonly number[]): { duplicates: number; resent: number; crossRoute: number } {
  const first = new Map<string, number>();
  const routes = new Map<number, Set<string>>();
  let duplicates = 0;
  let resent = 0;
  let crossRoute = 0;
  for (const a of arrivals) {
    const key = `${a.via}/${a.seq}`;
    const at = first.get(key);
    const seen = routes.get(a.seq) ?? new Set<string>();
    if (at !== undefined) {
      if (faultsMs.some((c) => c >= at - AIR_MS && c <= at + ACK_FLIGHT_MS && c <= a.atMs)) resent++;
      else duplicates++;
    } else {
      first.set(key, a.atMs);
      if (seen.size > 0) crossRoute++;
    }
    seen.add(a.via);
    routes.set(a.seq, seen);
  }
  return { duplicates, resent, crossRoute };
}

export function traceConfig(trace: Trace): Config {
  const v = validate(trace.config);
  return { ...defaults(), ...("ok" in v ? v.ok : {}) } as Config;
}

interface Created {
  seq: number;
  kind: string;
  t: number; // ms
  raised: boolean;
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
function roundAll(by: Record<Component, number>): Record<Component, number> {
  const out = {} as Record<Component, number>;
  for (const k of Object.keys(by) as Component[]) out[k] = round(by[k], 4);
  return out;
}

function probeStats(o: RunOutputs, cfg: Config): ProbeStats[] {
  const names = o.trace.device.probes;
  const bands = parseBands(cfg.bands, names);
  const recs = o.server
    .records()
    .map((s) => s.rec)
    .filter((r) => r.kind === "temperature" && r.utc > 0 && r.utc <= o.trace.startUtcMs + o.trace.duration * 1000)
    .sort((a, b) => a.utc - b.utc);
  return names.map((name, i) => {
    const vals: number[] = [];
    const weights: number[] = [];
    let out = 0;
    for (let k = 0; k < recs.length; k++) {
      const v = recs[k].temps[i];
      if (v === null || v === undefined) continue;
      // The wire carries wall time (whole seconds), not the device's monotonic clock.
      const next = k + 1 < recs.length ? recs[k + 1].utc : recs[k].utc;
      const w = Math.max(0, next - recs[k].utc) / 1000;
      const c = v / 10;
      vals.push(c);
      weights.push(w || 1);
      if ((bands[i] ?? []).some((b) => c < b.low || c > b.high)) out += w;
    }
    const tw = weights.reduce((a, b) => a + b, 0);
    const m = vals.length ? mkt(vals, weights) : undefined;
    return {
      name,
      min_c: vals.length ? Math.min(...vals) : null,
      max_c: vals.length ? Math.max(...vals) : null,
      mean_c: vals.length ? round(vals.reduce((a, v, k) => a + v * weights[k], 0) / tw, 2) : null,
      mkt_c: m === undefined ? null : round(m, 2),
      out_of_band_s: Math.round(out),
    };
  });
}

export function summarize(o: RunOutputs): Summary {
  const { trace, atEnd, table } = o;
  const endMs = trace.duration * 1000;
  const cfg = traceConfig(trace);
  let fixes = 0;
  let hot = 0;
  let fixFailures = 0;
  let faults = 0;
  const created: Created[] = [];
  for (const line of o.transcript) {
    const { t: s, text } = splitLine(line);
    const t = Math.round(s * 1000);
    if (t > endMs) break;
    const ev = parseEvent(text);
    if (!ev) continue;
    if (ev.name === "fix") {
      fixes++;
      if (ev.fields.start === "hot") hot++;
    } else if (ev.name === "fix-fail") fixFailures++;
    else if (ev.name === "fault") faults++;
    else if (ev.name === "record" && Number(ev.fields.seq) > 0)
      created.push({ seq: Number(ev.fields.seq), kind: ev.fields.kind, t, raised: ev.fields.raised === "1" });
  }

  let delivered = 0;
  let alarmsRaised = 0;
  let alarmsDelivered = 0;
  let maxLatency = 0;
  let lastTemp = 0;
  let maxGap = 0;
  let temps = 0;
  for (const c of created) {
    const s = o.server.record(c.seq);
    if (s) delivered++;
    if (c.kind === "alarm" && c.raised) {
      alarmsRaised++;
      if (s) {
        alarmsDelivered++;
        maxLatency = Math.max(maxLatency, (s.firstAtMs - c.t) / 1000);
      }
    }
    if (c.kind === "temperature") {
      temps++;
      maxGap = Math.max(maxGap, (c.t - lastTemp) / 1000);
      lastTemp = c.t;
    }
  }
  if (temps) maxGap = Math.max(maxGap, (endMs - lastTemp) / 1000);

  const ackLosses = trace.faults.filter((f) => ACK_LOSING.includes(f.kind)).map((f) => f.t * 1000);
  const repeats = countRepeats(o.server.arrivals, ackLosses);

  const energy = Object.values(atEnd.energy).reduce((a, b) => a + b, 0);
  const floor = energyFloor(o.world, cfg, table, alarmsRaised);
  const days = trace.duration / 86400;
  const by: Record<string, number> = {};
  for (const k of Object.keys(atEnd.energy) as Component[]) by[k] = round(atEnd.energy[k], 4);
  return {
    trace: trace.name,
    duration_s: trace.duration,
    wakes: atEnd.wakes,
    awake_s: round(atEnd.awakeMs / 1000, 1),
    energy_mAh: round(energy, 4),
    battery_mAh: round(atEnd.batteryMah, 4),
    avg_current_uA: round((atEnd.batteryMah / (trace.duration / 3600)) * 1000, 2),
    floor_mAh: round(floor.mAh, 4),
    floor_ratio: round(energy / floor.mAh, 3),
    floor_wakes: floor.boots,
    floor_samples: floor.samples,
    floor_by_component: roundAll(floor.byComponent),
    floor_power_ons: floor.powerOns,
    floor_formula_mAh: round(floor.formulaMah, 4),
    floor_formula_ratio: round(energy / floor.formulaMah, 3),
    battery_life_days: atEnd.batteryMah > 0 ? round(trace.device.battery.capacity_mAh / (atEnd.batteryMah / days), 1) : null,
    by_component: by as Record<Component, number>,
    fixes,
    fix_failures: fixFailures,
    hot_start_share: fixes ? round(hot / fixes, 3) : 0,
    gnss_mAh: by.gnss,
    uplinks: atEnd.uplinks,
    modem_mAh: by.modem,
    modem_resets: atEnd.modemResets,
    modem_search_mAh: round((atEnd.modemSearchS * table.modem_attach_mA) / 3600, 4),
    modem_gap_search_mAh: round((atEnd.modemGapSearchS * table.modem_attach_mA) / 3600, 4),
    modem_idle_no_psm_mAh: round((atEnd.modemIdleNoPsmS * table.modem_idle_mA) / 3600, 4),
    gnss_no_backup_mAh: round((atEnd.gnssNoBackupS * table.gnss_on_mA) / 3600, 4),
    gnss_no_backup_fixes: atEnd.gnssNoBackupFixes,
    records_created: created.length,
    records_delivered: delivered,
    records_lost: created.length - delivered,
    duplicates: repeats.duplicates,
    resent_acks_in_flight: repeats.resent,
    rdss_copies: repeats.crossRoute,
    alarms_raised: alarmsRaised,
    alarms_delivered: alarmsDelivered,
    max_alarm_latency_s: round(maxLatency, 1),
    temp_records: temps,
    max_temp_gap_s: round(maxGap, 1),
    rdss_messages: atEnd.rdssSent,
    rdss_mAh: by.rdss,
    power_cuts: o.runner.powerCuts,
    crashes: o.runner.crashes,
    watchdog_resets: o.runner.watchdogResets,
    firmware_faults: faults,
    probes: probeStats(o, cfg),
    areas: areaSummary(trace, o.world, o.server),
  };
}
