/**
 * `tracker` command line (Node): the only part of the simulator that touches files and the process.
 *   tracker run <trace.json> [--json] [--out DIR] [--html FILE]
 *   tracker nmea <file>
 *   tracker jt808 decode [--key HEX] [hex ... | file]   (or one frame per line on stdin; lines of uplink.hex / downlink.hex too)
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fromHex } from "../../firmware/core/bytes";
import { decodeReport } from "../report/jt808-report";
import { nmeaReport } from "../report/nmea-report";
import { simulate } from "../simulation";
import { formatSummary } from "../report/summary-text";
import { loadTrace, TraceError } from "../world/trace-loader";
import { parseWireLine, wireLines } from "../report/wire-log";
import { tripReportHtml } from "../report/html/trip-report";

const USAGE = `usage:
  tracker run <trace.json> [--json] [--out DIR] [--html FILE]
                                                  replay a trip in the simulator and print its report;
                                                  --html (and --out) write the HTML trip report
  tracker nmea <file>                             decode a raw GNSS log, one JSON line per epoch
  tracker jt808 decode [--key HEX] [hex ... | file] decode JT/T 808 frames (arguments, a file such as uplink.hex,
                                                  or one per line on stdin); --key: the device's root key, to open
                                                  sealed bodies`;

function fail(msg: string, code: number): never {
  process.stderr.write(msg + "\n");
  process.exit(code);
}

function read(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    fail(`error: cannot read ${path}: ${(e as Error).message}`, 2);
  }
}

function run(args: string[]): void {
  let json = false;
  let out: string | undefined;
  let html: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--json") json = true;
    else if (args[i] === "--out") {
      out = args[++i];
      if (!out) fail("error: --out needs a directory", 2);
    } else if (args[i] === "--html") {
      html = args[++i];
      if (!html || html.startsWith("--")) fail("error: --html needs a file name", 2);
    } else if (args[i].startsWith("--")) fail(`error: unknown option ${args[i]}\n${USAGE}`, 2);
    else files.push(args[i]);
  }
  const file = files[0];
  if (!file || files.length > 1) fail(USAGE, 2);
  let trace;
  try {
    trace = loadTrace(read(file).toString("utf8"));
  } catch (e) {
    if (e instanceof TraceError) fail(`error: ${e.message}`, 2);
    throw e;
  }
  const result = simulate(trace);
  const page = html || out ? tripReportHtml(trace, result) : "";
  if (html) {
    if (dirname(html) !== ".") mkdirSync(dirname(html), { recursive: true });
    writeFileSync(html, page);
  }
  if (out) {
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "summary.json"), JSON.stringify(result.summary, null, 2) + "\n");
    writeFileSync(join(out, "transcript.txt"), result.transcript.join("\n") + "\n");
    writeFileSync(join(out, "server.jsonl"), result.serverLog.join("\n") + (result.serverLog.length ? "\n" : ""));
    for (const dir of ["up", "down"] as const) {
      const lines = wireLines(result.server, dir);
      writeFileSync(join(out, `${dir}link.hex`), lines.join("\n") + (lines.length ? "\n" : ""));
    }
    writeFileSync(join(out, "report.html"), page);
  }
  process.stdout.write(json ? JSON.stringify(result.summary) + "\n" : formatSummary(result.summary));
}

function nmea(args: string[]): void {
  if (!args[0]) fail(USAGE, 2);
  for (const line of nmeaReport(new Uint8Array(read(args[0])))) process.stdout.write(line + "\n");
}

function jt808(args: string[]): void {
  if (args[0] !== "decode") fail(USAGE, 2);
  const rest = args.slice(1);
  let key: Uint8Array | undefined;
  const k = rest.indexOf("--key");
  if (k >= 0) {
    key = fromHex(rest[k + 1] ?? "");
    if (!key || key.length !== 16) fail("error: --key needs the device's root key as 32 hex digits", 2);
    rest.splice(k, 2);
  }
  // one argument that is not hex is a file of frames (uplink.hex / downlink.hex as `tracker run --out` writes)
  const fromFile = rest.length === 1 && !/^[0-9a-fA-F\s:]+$/.test(rest[0]);
  const lines = fromFile ? read(rest[0]).toString("utf8").split(/\r?\n/) : rest.length ? rest : readFileSync(0, "utf8").split(/\r?\n/);
  for (const line of lines) {
    const w = parseWireLine(line);
    if (!w) continue;
    const report = decodeReport(w.hex, key);
    process.stdout.write((w.t === undefined ? report : `{"t":${w.t},${report.slice(1)}`) + "\n");
  }
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === "run") run(rest);
else if (cmd === "nmea") nmea(rest);
else if (cmd === "jt808") jt808(rest);
else fail(USAGE, cmd === undefined || cmd === "--help" || cmd === "-h" ? 0 : 2);
