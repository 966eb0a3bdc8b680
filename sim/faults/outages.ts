/**
 * NB-IoT outage campaigns, read from the outside only (the firmware's log lines and what the platform received):
 *
 * - a 72 h outage while the truck drives and one while it is parked: once coverage is back every record arrives,
 *   exactly once, the backlog's alarms ahead of its routine records, and the log on the reference partition never
 *   drops a record;
 * - an outage long enough to fill the partition: what is lost is what the log says it dropped, by kind, and the
 *   stated policy holds: routine records (position, temperature, heartbeat) oldest first, alarms, door and trip
 *   records kept.
 *
 * No short-message module is fitted in these runs, so nothing leaves by satellite meanwhile.
 * Inputs: traces. Outputs: Figures.
 */
import { runEvents } from "./transcript-events";
import { type SimResult, simulate } from "../simulation";
import { SimFlash } from "../devices/flash-sim";
import type { Trace } from "../world/trace-types";
import { type Figures, Failures } from "./figures";

const ROUTINE = new Set(["position", "temperature", "heartbeat"]);

interface Made {
  seq: number;
  kind: string;
  t: number; // s
}

/** The records the firmware logged it made, and the drops it logged, by kind. */
function readLog(r: SimResult): { made: Made[]; dropped: Record<string, number>; maxPending: number; lastPending: number } {
  const made: Made[] = [];
  const dropped: Record<string, number> = {};
  let maxPending = 0;
  let lastPending = 0;
  for (const { t, name, f, text } of runEvents(r.transcript)) {
    const full = /^record log: full, dropped \d+ undelivered records of the oldest page (.*)$/.exec(text);
    if (full) {
      for (const kv of full[1].split(" ")) {
        const [k, v] = kv.split("=");
        if (k && v) dropped[k] = (dropped[k] ?? 0) + Number(v);
      }
    } else if (name === "record" && Number(f.seq) > 0) {
      made.push({ seq: Number(f.seq), kind: f.kind, t });
      lastPending++; // made since the last wake's count
    } else if (name === "wake" && f.pending !== undefined) {
      lastPending = Number(f.pending);
      maxPending = Math.max(maxPending, lastPending);
    }
  }
  return { made, dropped, maxPending, lastPending };
}

/** The trace with NB-IoT gone over [from, to) s and no short-message module. */
export function withOutage(t: Trace, name: string, from: number, to: number, duration = t.duration): Trace {
  const before = t.network.filter((s) => s.t < from);
  return {
    ...t,
    name,
    duration,
    device: { ...t.device, rdss: "none" },
    network: [...before, { t: from, v: "none" }, { t: to, v: "good" }],
  };
}

/** A 72 h outage (or any that must not overflow): everything delivered once, alarms first, nothing dropped. */
export function outageRecovers(trace: Trace, from: number, to: number): Figures {
  const fail = new Failures();
  const r = simulate(trace);
  const { made, dropped, maxPending } = readLog(r);
  const s = r.summary;
  const first = new Map<number, { at: number; index: number; copies: number }>();
  r.server.arrivals.forEach((a, index) => {
    const have = first.get(a.seq);
    if (have) have.copies++;
    else first.set(a.seq, { at: a.atMs / 1000, index, copies: 1 });
  });
  // the backlog: made while out of coverage, delivered after it came back
  const backlog = made.filter((m) => m.t >= from && m.t < to);
  const alarms = backlog.filter((m) => m.kind === "alarm");
  const routine = backlog.filter((m) => ROUTINE.has(m.kind));
  const lastAlarm = Math.max(-1, ...alarms.map((m) => first.get(m.seq)?.index ?? -1));
  const firstRoutine = Math.min(Infinity, ...routine.map((m) => first.get(m.seq)?.index ?? Infinity));
  let lateS = 0;
  for (const m of backlog) {
    const f = first.get(m.seq);
    if (!f) fail.add(`${m.kind} seq ${m.seq} made at ${m.t} s never arrived`);
    else {
      if (f.at < to) fail.add(`${m.kind} seq ${m.seq} arrived at ${f.at} s, inside the outage`);
      lateS = Math.max(lateS, f.at - to);
      if (f.copies > 1) fail.add(`seq ${m.seq} arrived ${f.copies} times`);
    }
  }
  if (alarms.length && lastAlarm > firstRoutine) fail.add("a routine backlog record arrived ahead of a backlog alarm");
  const droppedTotal = Object.values(dropped).reduce((a, b) => a + b, 0);
  if (droppedTotal > 0) fail.add(`the log dropped ${droppedTotal} records on the reference partition`);
  if (s.records_lost > 0) fail.add(`${s.records_lost} records lost`);
  if (s.duplicates > 0) fail.add(`${s.duplicates} duplicates`);
  if (s.crashes + s.firmware_faults > 0) fail.add(`${s.crashes} crashes, ${s.firmware_faults} firmware faults`);
  return {
    campaign: `outage: ${trace.name}`,
    counts: {
      outage_h: Math.round((to - from) / 360) / 10,
      records_created: s.records_created,
      backlog: backlog.length,
      backlog_alarms: alarms.length,
      delivered: s.records_delivered,
      lost: s.records_lost,
      duplicates: s.duplicates,
      dropped: droppedTotal,
      peak_pending: maxPending,
      backlog_drained_h: Math.round(lateS / 360) / 10,
    },
    failures: fail.done(),
  };
}

/**
 * An outage over [from, to) that overflows a partition of `pages` pages: the backlog's losses are exactly the
 * logged drops, by kind, and follow the policy; what was made after coverage returned arrives (but for what the
 * last wakes still hold at the end of the run).
 */
export function outageOverflows(trace: Trace, from: number, to: number, pages: number): Figures {
  const fail = new Failures();
  const r = simulate(trace, { flash: new SimFlash(4096, pages) });
  // lastPending: what the last wake held plus what was made since: still on the flash when the run ended
  const { made, dropped, maxPending, lastPending } = readLog(r);
  const arrived = new Set(r.server.arrivals.map((a) => a.seq));
  const lostByKind: Record<string, number> = {};
  const lostRoutine: number[] = [];
  const keptRoutine: number[] = [];
  let lateMissing = 0;
  for (const m of made) {
    const got = arrived.has(m.seq);
    if (m.t >= to) {
      if (!got) lateMissing++;
      continue;
    }
    if (!got) lostByKind[m.kind] = (lostByKind[m.kind] ?? 0) + 1;
    // kept: routine records of the outage that arrived (those made before it went out before it began)
    if (ROUTINE.has(m.kind)) {
      if (!got) lostRoutine.push(m.seq);
      else if (m.t >= from) keptRoutine.push(m.seq);
    }
    else if (!got) fail.add(`${m.kind} seq ${m.seq} lost while routine records were kept`);
  }
  const kinds = new Set([...Object.keys(lostByKind), ...Object.keys(dropped)]);
  for (const k of kinds) if ((lostByKind[k] ?? 0) !== (dropped[k] ?? 0)) fail.add(`${k}: ${lostByKind[k] ?? 0} lost, ${dropped[k] ?? 0} counted as dropped`);
  const newestLost = Math.max(0, ...lostRoutine);
  const oldestKept = Math.min(Infinity, ...keptRoutine);
  if (lostRoutine.length && newestLost > oldestKept) fail.add(`routine seq ${newestLost} dropped while older seq ${oldestKept} was kept`);
  if (lateMissing > lastPending) fail.add(`${lateMissing} records made after coverage returned never arrived, ${lastPending} still pending`);
  const s = r.summary;
  if (!lostRoutine.length) fail.add("the outage did not overflow the partition");
  if (s.duplicates > 0) fail.add(`${s.duplicates} duplicates`);
  if (s.crashes + s.firmware_faults > 0) fail.add(`${s.crashes} crashes, ${s.firmware_faults} firmware faults`);
  const byKind = (o: Record<string, number>) => Object.keys(o).sort().map((k) => `${k}=${o[k]}`).join(" ") || "none";
  return {
    campaign: `overflow: ${trace.name}`,
    counts: {
      outage_days: Math.round((to - from) / 8640) / 10,
      partition_kb: pages * 4,
      records_created: s.records_created,
      backlog: lostRoutine.length + keptRoutine.length + made.filter((m) => m.t >= from && m.t < to && !ROUTINE.has(m.kind)).length,
      dropped: byKind(dropped),
      priority_kept: made.filter((m) => m.t >= from && m.t < to && !ROUTINE.has(m.kind) && arrived.has(m.seq)).length,
      peak_pending: maxPending,
      duplicates: s.duplicates,
    },
    failures: fail.done(),
  };
}
