/**
 * The two decoders of the `tracker` command as a user runs them: `tracker jt808 decode` on frames from an
 * independent implementation (arguments and stdin, escaped and not, a bad line among good ones) and `tracker nmea`
 * on receiver logs, checked against gpsd's decode.
 */
// Vectors: ../shared/vectors/jt808/smallchi-frames.jsonl — SmallChi/JT808 test suite (@c9552b0f), frames with an
// independent decode of header and location fields.
// Vectors: ../shared/vectors/nmea/{quectel-l76k-nmea,ublox-neo-m9n-nmea,nmea-fuzzy-cases}.log (+ .chk) — gpsd
// regression tests (ntpsec/gpsd @46977faa).
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const CLI = new URL("../../sim/cli/tracker.js", import.meta.url).pathname;
const VECTORS = new URL("../../../shared/vectors/", import.meta.url);

function tracker(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", input, timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr, lines: r.stdout.split("\n").filter((l) => l !== "") };
}

interface Ref {
  msgId: string;
  version2019: boolean;
  bcc_ok: boolean;
  len_ok: boolean;
  phone: string;
  serial: number;
  pkgTotal?: number;
  pkgIndex?: number;
  loc?: { lat: number; lon: number; speed_kmh: number; dir_deg: number };
}
const frames = readFileSync(new URL("jt808/smallchi-frames.jsonl", VECTORS), "utf8")
  .trim()
  .split("\n")
  .map((l) => {
    const o = JSON.parse(l) as { hex: string; decoded_by_independent_reference: Ref };
    return { hex: o.hex, ref: o.decoded_by_independent_reference };
  });

/** The frame as a tool that forgot the escaping would print it: 7D 02 → 7E and 7D 01 → 7D between the flags. */
function unescaped(hex: string): string {
  const inner = hex.slice(2, -2).match(/../g)!;
  const out: string[] = [];
  for (let i = 0; i < inner.length; i++) {
    if (inner[i].toLowerCase() === "7d" && (inner[i + 1] === "02" || inner[i + 1] === "01")) {
      out.push(inner[++i] === "02" ? "7e" : "7d");
    } else out.push(inner[i]);
  }
  return "7e" + out.join("") + "7e";
}
const isEscaped = (hex: string): boolean => unescaped(hex) !== hex.toLowerCase();

interface Decoded {
  msgId: string;
  version: number;
  phone: string;
  serial: number;
  bccOk: boolean;
  packet?: { total: number; index: number };
  body: { lat?: number; lon?: number; speed?: number; direction?: number; error?: string };
  error?: string;
}

function expectMatches(line: string, ref: Ref, what: string): void {
  const d = JSON.parse(line) as Decoded;
  expect(d.error, what).toBeUndefined();
  expect(d.msgId, what).toBe(ref.msgId);
  expect(d.serial, what).toBe(ref.serial);
  expect(d.bccOk, what).toBe(ref.bcc_ok);
  // the report drops the BCD phone's leading zeros, as Traccar shows the terminal id
  expect(d.phone, what).toBe(ref.phone.replace(/^0+(?=.)/, ""));
  if (ref.pkgTotal !== undefined) expect(d.packet, what).toEqual({ total: ref.pkgTotal, index: ref.pkgIndex });
  if (ref.loc && d.msgId === "0x0200") {
    expect(d.body.lat, what).toBeCloseTo(ref.loc.lat, 6);
    expect(d.body.lon, what).toBeCloseTo(ref.loc.lon, 6);
    expect(d.body.speed, what).toBeCloseTo(ref.loc.speed_kmh, 6);
    expect(d.body.direction, what).toBe(ref.loc.dir_deg);
  }
}

describe("tracker jt808 decode", () => {
  it("decodes frames given as arguments, one line each, in order", () => {
    // heartbeat with an escaped BCC, location, sub-packaged, register 2019, set-params
    const pick = [6, 15, 1, 8, 35];
    const r = tracker(["jt808", "decode", ...pick.map((i) => frames[i].hex)]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    expect(r.lines.length).toBe(pick.length);
    pick.forEach((i, k) => expectMatches(r.lines[k], frames[i].ref, `vector ${i}`));
    expect(JSON.parse(r.lines[0])).toEqual({ msgId: "0x0002", version: 2013, phone: "40021679287", serial: 43, bccOk: true, body: {} });
    expect(JSON.parse(r.lines[4]).body).toEqual({ params: expect.any(Object) });
  });

  it("reads one frame per stdin line; a bad line prints {error} and the rest go on", () => {
    const good = frames.map((f, i) => ({ i, ...f }));
    const bad = ["7e0102zz7e", "7e00027e", "not a frame at all"];
    const input = [
      ...good.slice(0, 10).map((f) => f.hex),
      bad[0],
      "",
      ...good.slice(10, 25).map((f) => f.hex.toUpperCase()), // upper-case hex reads the same
      bad[1],
      bad[2],
      ...good.slice(25).map((f) => "  " + f.hex + "\r"), // CRLF and indentation from a pasted log
    ].join("\n");
    const r = tracker(["jt808", "decode"], input + "\n");
    expect(r.code).toBe(0);
    expect(r.lines.length).toBe(good.length + bad.length);
    const out = r.lines.map((l) => JSON.parse(l) as Decoded);
    const errors = out.filter((o) => o.error !== undefined);
    expect(errors.length).toBe(bad.length);
    for (const e of errors) expect(typeof e.error).toBe("string");
    expect(out[10].error).toBeDefined();
    expect(out[26].error).toBeDefined();
    expect(out[27].error).toBeDefined();
    const decoded = r.lines.filter((_, k) => out[k].error === undefined);
    expect(decoded.length).toBe(good.length);
    good.forEach((f, k) => expect(JSON.parse(decoded[k]).msgId, `vector ${f.i}`).toBe(f.ref.msgId));
    // field by field where the reference's header read agrees with the frame's length (where it does not, it
    // guessed the edition from bit 14 alone; test/protocol/smallchi-vectors.test.ts covers those)
    for (const [k, f] of good.entries()) if (f.ref.len_ok) expectMatches(decoded[k], f.ref, `vector ${f.i}`);
  });

  it("gives the same report for a frame escaped as on the wire and for its un-escaped bytes", () => {
    const escaped = frames.map((f, i) => ({ i, ...f })).filter((f) => isEscaped(f.hex));
    expect(escaped.length).toBeGreaterThanOrEqual(4);
    const wire = tracker(["jt808", "decode", ...escaped.map((f) => f.hex)]);
    const raw = tracker(["jt808", "decode", ...escaped.map((f) => unescaped(f.hex))]);
    expect(wire.lines.length).toBe(escaped.length);
    expect(raw.lines).toEqual(wire.lines);
    escaped.forEach((f, k) => expectMatches(wire.lines[k], f.ref, `vector ${f.i}`));
    // and without the 7E flags, spaced as a hex dump
    const dump = escaped[0].hex.slice(2, -2).match(/../g)!.join(" ");
    expect(tracker(["jt808", "decode", dump]).lines).toEqual([wire.lines[0]]);
  });
});

interface Tpv {
  class: string;
  mode: number;
  time?: string;
  lat?: number;
  lon?: number;
}
interface Epoch {
  time: string;
  mode: number;
  lat?: number;
  lon?: number;
}

/** gpsd's last TPV for each time: the epoch once every sentence of it was read. */
function gpsdEpochs(name: string): Map<string, Tpv> {
  const m = new Map<string, Tpv>();
  for (const line of readFileSync(new URL(`nmea/${name}.log.chk`, VECTORS), "utf8").split("\n")) {
    if (!line.startsWith('{"class":"TPV"')) continue;
    const t = JSON.parse(line) as Tpv;
    if (t.time && t.mode >= 2 && t.lat !== undefined) m.set(t.time, t);
  }
  return m;
}

describe("tracker nmea", () => {
  it.each([
    ["quectel-l76k-nmea", 150],
    ["ublox-neo-m9n-nmea", 60],
  ])("%s: every gpsd position has our line with the same time, mode and position", (name, atLeast) => {
    const r = tracker(["nmea", new URL(`nmea/${name}.log`, VECTORS).pathname]);
    expect(r.code).toBe(0);
    const ours = r.lines.map((l) => JSON.parse(l) as Epoch);
    const gpsd = gpsdEpochs(name);
    expect(gpsd.size).toBeGreaterThanOrEqual(atLeast);
    for (const [time, t] of gpsd) {
      const mine = ours.filter((o) => o.time === time && o.lat !== undefined);
      expect(mine.length, time).toBeGreaterThan(0);
      const last = mine[mine.length - 1];
      expect(last.mode, time).toBe(t.mode);
      expect(Math.abs(last.lat! - t.lat!), time).toBeLessThanOrEqual(1e-6);
      expect(Math.abs(last.lon! - t.lon!), time).toBeLessThanOrEqual(1e-6);
    }
    // and nothing we print is a position gpsd did not have (its log stops before the last epoch is reported)
    const lastTime = [...gpsd.keys()].sort().pop()!;
    for (const o of ours) if (o.lat !== undefined && o.time <= lastTime) expect(gpsd.has(o.time), o.time).toBe(true);
  });

  it("spot-checks the first L76K epochs line by line", () => {
    const r = tracker(["nmea", new URL("nmea/quectel-l76k-nmea.log", VECTORS).pathname]);
    expect(r.lines.slice(0, 2).map((l) => JSON.parse(l))).toEqual([
      { time: "2026-08-05T05:52:34.000Z", mode: 2, lat: 47.6619817, lon: -122.3263937, speed: 0, track: 286.35, satsUsed: 0, bdsUsed: 0 },
      expect.objectContaining({ time: "2026-08-05T05:52:34.200Z", mode: 3, lat: 47.6619817, lon: -122.3263937, altMSL: 76.5, hdop: 0.9, satsUsed: 14, bdsUsed: 3 }),
    ]);
  });

  it("reads gpsd's malformed-sentence log without failing, printing only JSON lines", () => {
    const r = tracker(["nmea", new URL("nmea/nmea-fuzzy-cases.log", VECTORS).pathname]);
    expect(r.code).toBe(0);
    expect(r.err).toBe("");
    for (const l of r.lines) expect(() => JSON.parse(l)).not.toThrow();
  });

  it("exits 2 naming the file it cannot read", () => {
    const r = tracker(["nmea", "/nonexistent/receiver.log"]);
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^error: cannot read \/nonexistent\/receiver\.log/);
  });
});
