/**
 * `npm run bench [-- [--set key=value ...] [--no-xs] [--seeds N] [--json] [trace.json ...]]` (Node): replays every reference
 * trip (or the given files) and prints the energy, radio and delivery figures, then runs the same trips inside the XS
 * engine (xsnap worker) and prints computrons per wake and heap. `--set` overrides a configuration key in every
 * trace (e.g. `--set heartbeat_s=900` to add a heartbeat report every 15 minutes). The XS run replays the first
 * XS_DAYS of each trip only (the engine is ~10× slower than Node and its per-crank meter is 32-bit); its figures
 * are rates per wake, which a day of the trip shows as well as a week. A trip whose day runs past the meter (the
 * fault storm: 144 cold starts) is replayed again over half the span, down to XS_MIN_DAYS. On a terminal each trip shows a progress
 * line while it runs; `--json` prints one JSON object (the rows of both parts) and nothing else. `--seeds N` also
 * replays every trip under seeds 1..N and prints the mean and range of its figures (bench-seeds.ts).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { simulate } from "../simulation";
import { loadTrace, TraceError } from "../world/trace-loader";
import type { Trace } from "../world/trace-types";
import { benchRow, type BenchRow } from "./bench-figures";
import { progress, type Progress } from "./progress";
import { securityRow, type SecurityRow } from "./bench-security";
import { seedRow, type SeedRow } from "./bench-seeds";
import { bundleSimulator } from "./xs/bundle";
import { XsWorker } from "./xs/xsnap-driver";

interface Job {
  file: string;
  raw: Record<string, unknown>; // the trace as read, overrides applied (cut for each XS run)
  trace: Trace;
}

interface NodeRun {
  row: BenchRow;
  ms: number;
  security: SecurityRow;
}

const XS_DAYS = 1;
const XS_MIN_DAYS = 0.25;
const TRACES_DIR = new URL("../traces/", import.meta.url).pathname;

function fail(msg: string): never {
  process.stderr.write(msg + "\n");
  process.exit(2);
}

interface XsRow {
  trace: string;
  days: number;
  wakes: number;
  computrons: number;
  perWake: number;
  heapSlots: number | null;
  xsMsPerWake: number;
  nodeMsPerWake: number;
}

interface Args {
  files: string[];
  sets: Record<string, number | string>;
  xs: boolean;
  json: boolean;
  seeds: number;
}

function parseArgs(argv: string[]): Args {
  const files: string[] = [];
  const sets: Record<string, number | string> = {};
  let xs = true;
  let json = false;
  let seeds = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--no-xs") xs = false;
    else if (a === "--json") json = true;
    else if (a === "--seeds") {
      seeds = Number(argv[++i]);
      if (!Number.isInteger(seeds) || seeds < 1 || seeds > 100) fail(`error: --seeds needs a whole number 1-100, got "${argv[i]}"`);
    }
    else if (a === "--set") {
      const kv = argv[++i] ?? "";
      const eq = kv.indexOf("=");
      if (eq <= 0) fail(`error: --set needs key=value, got "${kv}"`);
      const v = kv.slice(eq + 1);
      sets[kv.slice(0, eq)] = v !== "" && Number.isFinite(Number(v)) ? Number(v) : v;
    } else if (a.startsWith("--")) fail(`error: unknown option ${a}`);
    else files.push(a);
  }
  if (files.length === 0)
    for (const f of readdirSync(TRACES_DIR).sort()) if (f.endsWith(".json")) files.push(join(TRACES_DIR, f));
  return { files, sets, xs, json, seeds };
}

/** The trace up to `end` s: every timed series keeps its entries at or before the end. */
function cut(raw: Record<string, unknown>, end: number): Record<string, unknown> {
  const keep = (v: unknown): unknown =>
    Array.isArray(v) ? v.filter((e) => typeof e !== "object" || e === null || !(Number((e as { t?: unknown }).t) > end)) : v;
  const out: Record<string, unknown> = { ...raw, duration: end };
  for (const k of Object.keys(out)) {
    const v = out[k];
    if (Array.isArray(v)) out[k] = keep(v);
    else if (k === "temperature" && typeof v === "object" && v !== null) {
      const t: Record<string, unknown> = {};
      for (const name of Object.keys(v)) t[name] = keep((v as Record<string, unknown>)[name]);
      out[k] = t;
    }
  }
  return out;
}

function load(file: string, sets: Record<string, number | string>): Job {
  let raw: { config?: Record<string, unknown>; duration?: unknown };
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    fail(`error: cannot read ${file}: ${(e as Error).message}`);
  }
  raw.config = { ...(raw.config ?? {}), ...sets };
  const text = JSON.stringify(raw);
  try {
    const trace = loadTrace(text);
    return { file, raw: raw as Record<string, unknown>, trace };
  } catch (e) {
    if (e instanceof TraceError) fail(`error: ${file}: ${e.message}`);
    throw e;
  }
}

const fx = (x: number, d: number) => (Number.isFinite(x) ? x.toFixed(d) : "n/a");

function table(head: string[], rows: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

function printNode(runs: NodeRun[]): void {
  const energy = runs.map(({ row: r }) => [
    r.trace,
    fx(r.days, 2),
    fx(r.wakesPerDay, 1),
    fx(r.floorWakesPerDay, 1),
    fx(r.awakeSPerDay, 1),
    fx(r.mAhPerDay, 3),
    fx(r.avgUa, 1),
    r.lifeDays === null ? "n/a" : fx(r.lifeDays, 0),
    r.lifeDays === null ? "n/a" : fx(r.lifeDays / 365, 1),
    fx(r.floorRatio, 2),
    fx(r.formulaRatio, 2),
  ]);
  console.log(
    "energy (to the end of the trace; floor wakes/d: the boots the energy floor counts, one per distinct duty time; ÷floor: the\n" +
      "floor with a cold fix and an attach for the first report after each power-on, as POWER.md's table has them, and the\n" +
      "records at the log interval in force, an excursion's fast log included; ÷formula: the formula as the issue measured it,\n" +
      "every fix hot, every send from PSM, a record every temp_log_s)",
  );
  console.log(table(["trace", "days", "wakes/d", "floor wakes/d", "awake s/d", "mAh/d", "µA avg", "life d", "life y", "÷floor", "÷formula"], energy));
  const radio = runs.map(({ row: r }) => [
    r.trace,
    `${r.sessionsOk}/${r.sessions}`,
    String(r.datagrams),
    fx(r.modemMahPerSession, 4),
    fx(r.modemMahPerDatagram, 4),
    r.sessionsOk ? fx(r.modemPerReportRatio, 2) : "n/a",
    r.sessionsOk ? fx(r.modemCycleRatio, 2) : "n/a",
    fx(r.gnssMahPerFix, 4),
    fx(100 * r.hotShare, 0),
  ]);
  console.log(
    "\nradio and positions (modem÷target: modem charge above PSM over Σ modem_send_rai_J per delivering session, ×CE2 in poor;\n" +
      "cycle÷target: the same without the network searches of coverage gaps, i.e. what a report cycle costs; issue target ≤ 1.3)",
  );
  console.log(table(["trace", "ok/sessions", "datagrams", "modem mAh/sess", "mAh/datagram", "modem÷target", "cycle÷target", "GNSS mAh/fix", "hot %"], radio));
  const delivery = runs.map(({ row: r }) => [
    r.trace,
    String(r.created),
    String(r.delivered),
    String(r.lost),
    String(r.duplicates),
    String(r.resent),
    `${r.alarmsDelivered}/${r.alarms}`,
    fx(r.maxLatencyS, 0),
  ]);
  const comps = runs[0]?.row.components.map((c) => c.name) ?? [];
  const above = runs.map(({ row: r }) => {
    const top = r.components.reduce((a, b) => (b.excessShare > a.excessShare ? b : a));
    return [
      r.trace,
      ...r.components.map((c) => `${fx(c.used / r.days, 2)}/${fx(c.floor / r.days, 2)} ${fx(100 * c.excessShare, 0).padStart(3)}%`),
      top.name,
    ];
  });
  console.log("\nabove the floor, by component (mAh/d used / floor share; % of everything drawn above the floor)");
  console.log(table(["trace", ...comps, "largest"], above));
  const unpriced = runs.map(({ row: r }) => {
    const u = r.unpriced;
    return [r.trace, fx(u.gapSearch, 3), fx(u.attach, 3), fx(u.coldStart, 3), fx(u.idleNoPsm, 3), fx(u.shortMessages, 3), fx(u.extraSamples, 3), fx(u.total, 3), fx(r.floorRatio, 2), fx(r.pricedRatio, 2)];
  });
  console.log(
    "\nwhat the floor prices at nothing (mAh/d): searching where there is no network, attaching beyond one per power-on (after a\n" +
      "gap, a reboot), the receiver's start without backup beyond the cold fix the floor prices per power-on, the modem idle without\n" +
      "PSM (its own reboot), short messages, temperature records beyond the floor's count (each at a boot and a conversion, an upper\n" +
      "bound); ÷floor with and without them",
  );
  console.log(table(["trace", "gap search", "attach", "cold start", "idle no PSM", "short msgs", "extra samples", "sum", "÷floor", "÷floor without"], unpriced));
  console.log(
    "\nrecords and alarms (delivery counted after the drain period; duplicates: delivered twice over the same route; resent: the\n" +
      "same, after a power cut, a modem hang or reboot lost the first copy's ack on its way, which no firmware can know)",
  );
  console.log(table(["trace", "created", "delivered", "lost", "duplicates", "resent", "alarms ok/raised", "max latency s"], delivery));
}

function printSecurity(runs: NodeRun[]): void {
  const pct = (a: number, b: number) => (a > 0 ? `${b >= a ? "+" : ""}${fx((100 * (b - a)) / a, 2)} %` : "n/a");
  const rows = runs.map(({ security: s }) => [
    s.trace,
    fx(s.plainMahPerDay, 3),
    fx(s.sealedMahPerDay, 3),
    pct(s.plainMahPerDay, s.sealedMahPerDay),
    `${fx(s.plainUpPerDay, 0)} → ${fx(s.sealedUpPerDay, 0)}`,
    pct(s.plainUpPerDay, s.sealedUpPerDay),
    `${fx(s.plainDownPerDay, 0)} → ${fx(s.sealedDownPerDay, 0)}`,
    fx(s.flashPerDay, 0),
    String(s.refused),
  ]);
  console.log("\nsecurity per day: unprovisioned → sealed uplinks, signed downlinks, records encrypted at rest (target ≤ +3 % charge on the reference day)");
  console.log(table(["trace", "mAh/d plain", "mAh/d sealed", "charge", "up B/d", "up", "down B/d", "flash tag B/d", "refused"], rows));
}

/** One XS replay of the trip's first `days`; undefined when the worker ran out of its computron meter. */
async function xsReplay(bundle: string, job: Job, days: number) {
  // One worker per run, so the heap figure is that trip's alone.
  const xs = new XsWorker();
  try {
    await xs.evaluate(bundle);
    const text = JSON.stringify(cut(job.raw, Math.min(job.trace.duration, days * 86400)));
    const t0 = performance.now();
    let r: Awaited<ReturnType<XsWorker["command"]>>;
    try {
      r = await xs.command(Buffer.from(text, "utf8"));
    } catch (e) {
      // xsnap's exit status 17: too much computation for the meter.
      if (/\(code 17,/.test((e as Error).message)) return undefined;
      throw e;
    }
    const xsMs = performance.now() - t0;
    const out = JSON.parse(r.reply.toString("utf8")) as { summary?: { wakes: number }; error?: string };
    if (!out.summary) throw new Error(`XS run of ${job.file}: ${out.error ?? "no summary"}`);
    return { wakes: Math.max(1, out.summary.wakes), compute: r.meter.compute ?? 0, heap: r.meter.currentHeapCount ?? null, xsMs };
  } finally {
    xs.close();
  }
}

async function runXs(jobs: Job[], runs: NodeRun[], prog: Progress): Promise<XsRow[]> {
  const bundle = bundleSimulator();
  const rows: XsRow[] = [];
  for (let i = 0; i < jobs.length; i++) {
    let days = XS_DAYS;
    let got: Awaited<ReturnType<typeof xsReplay>>;
    for (;;) {
      prog.start(i, jobs.length, `${runs[i].row.trace}: first ${days} d in the XS engine`);
      got = await xsReplay(bundle, jobs[i], days);
      if (got || days / 2 < XS_MIN_DAYS) break;
      days /= 2;
    }
    if (!got) throw new Error(`XS run of ${jobs[i].file}: the worker ran past its meter even over ${days} d`);
    rows.push({
      trace: runs[i].row.trace,
      days: Math.min(days, jobs[i].trace.duration / 86400),
      wakes: got.wakes,
      computrons: got.compute,
      perWake: Math.round(got.compute / got.wakes),
      heapSlots: got.heap,
      xsMsPerWake: got.xsMs / got.wakes,
      nodeMsPerWake: runs[i].ms / Math.max(1, runs[i].row.wakes),
    });
    prog.done(`${got.wakes} wakes in ${fx(got.xsMs / 1000, 1)} s`);
  }
  return rows;
}

function printXs(xsRows: XsRow[]): void {
  const rows = xsRows.map((r) => [
    r.trace,
    fx(r.days, 2),
    String(r.wakes),
    String(r.computrons),
    String(r.perWake),
    r.heapSlots === null ? "n/a" : String(r.heapSlots),
    fx(r.xsMsPerWake, 2),
    fx(r.nodeMsPerWake, 2),
  ]);
  console.log(
    `\nXS engine, first ${XS_DAYS} day of each trip, or less when it runs past the engine's 32-bit meter (whole simulator in xsnap: ` +
      "computrons include the simulated world); Node wall time over the whole trip",
  );
  console.log(table(["trace", "days", "wakes", "computrons", "per wake", "heap slots", "XS ms/wake", "Node ms/wake"], rows));
}

function printSeeds(rows: SeedRow[]): void {
  const r3 = (s: { mean: number; min: number; max: number }, d: number) => `${fx(s.mean, d)} (${fx(s.min, d)}–${fx(s.max, d)})`;
  const out = rows.map((r) => [
    r.trace,
    String(r.seeds),
    r3(r.mahPerDay, 3),
    r3(r.floorRatio, 2),
    fx(r.formulaRatio, 2),
    fx(r.lifeYearsMin, 1),
    String(r.lost),
    String(r.duplicates),
    String(r.resent),
    fx(r.worstLatencyS, 0),
  ]);
  console.log(`\nthe same trips under seeds 1..${rows[0]?.seeds ?? 0}: mean (min–max); lost, duplicates, resent summed; the worst alarm latency of all`);
  console.log(table(["trace", "seeds", "mAh/d", "÷floor", "÷formula", "life y min", "lost", "duplicates", "resent", "max latency s"], out));
}

async function main(): Promise<void> {
  const { files, sets, xs, json, seeds } = parseArgs(process.argv.slice(2));
  const jobs = files.map((f) => load(f, sets));
  const prog = progress(!json && process.stdout.isTTY === true);
  if (Object.keys(sets).length && !json) console.log(`config overrides: ${JSON.stringify(sets)}\n`);
  const runs: NodeRun[] = [];
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i];
    prog.start(i, jobs.length, `${job.trace.name}: ${fx(job.trace.duration / 86400, 1)} d`);
    const t0 = performance.now();
    const r = simulate(job.trace);
    const ms = performance.now() - t0;
    runs.push({ row: benchRow(job.trace, r), ms, security: securityRow(job.trace, r) });
    prog.done(`${r.summary.wakes} wakes in ${fx(runs[i].ms / 1000, 1)} s`);
  }
  if (!json) {
    printNode(runs);
    printSecurity(runs);
  }
  const seedRows: SeedRow[] = [];
  for (let i = 0; seeds > 0 && i < jobs.length; i++) {
    const job = jobs[i];
    prog.start(i, jobs.length, `${job.trace.name}: seeds 1..${seeds}`);
    seedRows.push(seedRow(job.trace, seeds));
    prog.done(`${seeds} runs`);
  }
  if (!json && seeds > 0) printSeeds(seedRows);
  const xsRows = xs ? await runXs(jobs, runs, prog) : [];
  if (json) {
    const trips = runs.map((r) => ({ ...r.row, nodeMs: r.ms, security: r.security }));
    process.stdout.write(JSON.stringify({ overrides: sets, trips, seeds: seedRows, xs: xsRows }) + "\n");
  } else if (xs) printXs(xsRows);
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
