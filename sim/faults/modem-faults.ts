/**
 * Modem fault campaigns on the reference day, each with every modem model (the light run rotates one model per
 * fault): a hang in the middle of an uplink session, a reboot in the middle of one, line noise between answers
 * and URCs, every answer delivered one byte at a time, +CME ERROR on every command for hours, the SIM missing for
 * hours, and no network for two days. Each must end with nothing lost and nothing delivered twice, and the link
 * must come back (a power cycle where the modem went silent) soon after the fault ends.
 *
 * Hangs and reboots are placed inside sessions of the same day run without faults (the `uplink` lines say when a
 * session ran and for how long). Inputs: the reference day. Outputs: Figures, one per fault.
 */
import type { ModemFaults } from "../devices/modem-sim";
import { type SimResult, simulate } from "../simulation";
import { Rng } from "../world/rng";
import { World } from "../world/world";
import { traceConfig } from "../report/observe";
import { PARKED_GAP_REPORTS, RETRY_MAX_MS, RETRY_PARKED_MAX_MS } from "../../firmware/app/uplink-retry";
import type { Fault, ModemModel, Trace } from "../world/trace-types";
import { MODEM_MODELS } from "../world/trace-types";
import { type Figures, Failures } from "./figures";
import { withOutage } from "./outages";
import { type RunEvent, runEvents } from "./transcript-events";
import type { Size } from "./power-cuts";

const H = 3600;
/** The link must deliver again at most this much later than without the fault (the no-coverage backoff tops out at 2 h). */
const RECOVER_S = 3 * H;

/**
 * ...unless the network was missing and the truck stands parked on battery when it comes back: then the firmware
 * backs off further on purpose (uplink-retry.ts, up to PARKED_GAP_REPORTS parked intervals), and the bound is that
 * backoff plus the hour the reference bound allows beyond the moving backoff.
 */
function recoverS(trace: Trace, to: number, noNetwork: boolean): number {
  const w = new World(trace);
  if (!noNetwork || w.ignitionOn(to) || w.externalPower(to)) return RECOVER_S;
  const cap = Math.min(PARKED_GAP_REPORTS * traceConfig(trace).rep_parked_s * 1000, RETRY_PARKED_MAX_MS) / 1000;
  return Math.max(RECOVER_S, cap + RECOVER_S - RETRY_MAX_MS / 1000);
}

function events(r: SimResult): RunEvent[] {
  return runEvents(r.transcript).filter((e) => e.name !== "");
}

/** Sessions of a run: [start, end] in s, from the `uplink` lines. */
function sessions(r: SimResult): [number, number][] {
  return events(r)
    .filter((e) => e.name === "uplink" && Number(e.f.ms) > 2000)
    .map((e) => [e.t - Number(e.f.ms) / 1000, e.t] as [number, number]);
}

interface Variant {
  name: string;
  /** Builds the faulty run from the clean day; returns the fault windows [from, to) the link must recover from. */
  make(day: Trace, clean: SimResult, rng: Rng): { trace: Trace; faults?: ModemFaults; windows: [number, number][] };
  /** Power cycles are the expected recovery. */
  needsResets: boolean;
  /** The fault is a missing network (a coverage gap), not a fault of the modem or SIM. */
  noNetwork?: boolean;
}

function inSessions(kind: "modem-hang" | "modem-reboot", n: number, forS: number) {
  return (day: Trace, clean: SimResult, rng: Rng) => {
    const ss = sessions(clean);
    const faults: Fault[] = [];
    const windows: [number, number][] = [];
    for (let i = 0; i < Math.min(n, ss.length); i++) {
      const [a, b] = ss[Math.floor((i * ss.length) / Math.min(n, ss.length))];
      const t = Math.round((a + rng.next() * (b - a)) * 10) / 10;
      faults.push({ t, kind, for: forS });
      windows.push([t, t + forS]);
    }
    return { trace: { ...day, faults: [...day.faults, ...faults].sort((x, y) => x.t - y.t) }, windows };
  };
}

/** Windows (s) in which the modem answers every command with +CME ERROR, or has no SIM: the fault and what the link recovers from. */
const CME_WINDOWS: [number, number][] = [[2 * H, 4 * H], [10 * H, 10.5 * H]];
const NO_SIM_WINDOWS: [number, number][] = [[3 * H, 9 * H]];

const VARIANTS: readonly Variant[] = Object.freeze([
  { name: "hang mid-send", make: inSessions("modem-hang", 12, 600), needsResets: true },
  { name: "reboot mid-session", make: inSessions("modem-reboot", 12, 0), needsResets: true },
  { name: "garbage between URCs", make: (day: Trace) => ({ trace: day, faults: { garbage: 0.3 }, windows: [] }), needsResets: false },
  { name: "replies split at every byte", make: (day: Trace) => ({ trace: day, faults: { byteByByte: true }, windows: [] }), needsResets: false },
  {
    name: "+CME ERROR on every command",
    make: (day: Trace) => ({ trace: day, faults: { cmeWindows: CME_WINDOWS }, windows: CME_WINDOWS }),
    needsResets: true,
  },
  { name: "SIM missing for 6 h", make: (day: Trace) => ({ trace: day, faults: { noSimWindows: NO_SIM_WINDOWS }, windows: NO_SIM_WINDOWS }), needsResets: false },
  {
    name: "no network for 2 days",
    make: (day: Trace) => ({ trace: withOutage(day, `${day.name} + 2 days without network`, 2 * H, 50 * H, 56 * H), windows: [[2 * H, 50 * H]] as [number, number][] }),
    needsResets: false,
    noNetwork: true,
  },
]);

/** Seconds before a fault in which a datagram the platform received may have lost its acks with the modem. */
const IN_FLIGHT_S = 60;

function runVariant(v: Variant, base: Trace, clean: SimResult, seed: number): Figures {
  const fail = new Failures();
  const model = base.device.modem;
  const { trace, faults, windows } = v.make(base, clean, new Rng(seed));
  const r = simulate(trace, { modemFaults: faults });
  const s = r.summary;
  const evs = events(r);
  const okAt = (evs: readonly RunEvent[]) => evs.filter((e) => e.name === "uplink" && e.f.ok === "1").map((e) => e.t);
  const faulty = okAt(evs);
  const cleanOk = okAt(events(clean));
  // recovery: how much later than the clean run the first delivery after the fault came (no report may be due)
  let worst = 0;
  for (const [, to] of windows) {
    if (to >= trace.duration) continue;
    const back = faulty.find((t) => t >= to);
    const wouldBe = cleanOk.find((t) => t >= to) ?? to;
    const bound = recoverS(trace, to, v.noNetwork === true);
    if (back === undefined) fail.add(`no uplink after the fault ending at ${to} s`);
    else if (back - wouldBe > bound)
      fail.add(`the link took ${Math.round((back - wouldBe) / 60)} min longer than without the fault to deliver again (at most ${Math.round(bound / 60)})`);
    worst = Math.max(worst, back === undefined ? 0 : back - wouldBe);
  }
  // a reboot or hang right after the platform received a datagram loses its acks with the modem: those records go
  // again (the platform dedupes by seq); any other second copy is a fault
  // (a record that came by short message and again over NB-IoT is by design, not a duplicate: per route)
  const first = new Map<string, number>();
  let resent = 0;
  for (const a of r.server.arrivals) {
    const key = `${a.via}/${a.seq}`;
    const at = first.get(key);
    if (at === undefined) {
      first.set(key, a.atMs / 1000);
      continue;
    }
    if (windows.some(([t]) => at >= t - IN_FLIGHT_S && at <= t + 5)) resent++;
  }
  if (s.records_lost > 0) fail.add(`${s.records_lost} records lost`);
  // Every second copy over the same route, whether the summary found its fault in flight (a trace fault within the
  // ack's flight) or not: this campaign judges them with its own, wider window.
  const repeats = s.duplicates + s.resent_acks_in_flight;
  if (repeats > resent) fail.add(`${repeats - resent} records delivered twice with no fault in flight`);
  if (s.crashes + s.firmware_faults > 0) fail.add(`${s.crashes} crashes, ${s.firmware_faults} firmware faults`);
  const cycles = evs.filter((e) => e.name === "uplink" && e.f.reason === "modem-reset").length;
  if (v.needsResets && cycles === 0 && s.modem_resets <= clean.summary.modem_resets) fail.add("the modem was never power-cycled");
  return {
    campaign: `modem: ${v.name} (${model})`,
    counts: {
      faults: windows.length,
      records_created: s.records_created,
      lost: s.records_lost,
      duplicates: repeats - resent,
      resent_acks_lost: resent,
      power_cycles: cycles,
      watchdog_resets: s.watchdog_resets,
      worst_extra_delay_min: Math.round(worst / 6) / 10,
      modem_mAh: `${s.modem_mAh} (clean ${clean.summary.modem_mAh})`,
    },
    failures: fail.done(),
  };
}

export function modemCampaign(day: Trace, size: Size): Figures[] {
  const out: Figures[] = [];
  const clean = new Map<ModemModel, { base: Trace; run: SimResult }>();
  const cleanFor = (m: ModemModel) => {
    if (!clean.has(m)) {
      const base: Trace = { ...day, device: { ...day.device, modem: m } };
      clean.set(m, { base, run: simulate(base) });
    }
    return clean.get(m)!;
  };
  VARIANTS.forEach((v, i) => {
    const models = size === "full" ? MODEM_MODELS : [MODEM_MODELS[i % MODEM_MODELS.length]];
    for (const m of models) {
      const c = cleanFor(m);
      out.push(runVariant(v, c.base, c.run, 77 + i));
    }
  });
  return out;
}
