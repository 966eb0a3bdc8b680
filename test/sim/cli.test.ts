/** The `tracker` command as a user runs it: exit codes, one-line errors naming the field, identical reruns. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const CLI = new URL("../../sim/cli/tracker.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "tracker-cli-"));

function tracker(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function traceFile(name: string, obj: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof obj === "string" ? obj : JSON.stringify(obj));
  return p;
}

const base = {
  name: "cli-check",
  start: "2026-07-01T06:00:00+08:00",
  duration: 3600,
  device: { id: "13800138000" },
  route: [{ t: 0, lat: 39.9, lon: 116.4 }],
};

describe("tracker run", () => {
  it.each([
    ["faults[0].kind", { ...base, faults: [{ t: 10, kind: "meteor" }] }],
    ["route", { ...base, route: [] }],
    ["device.id", { ...base, device: {} }],
    ["sky[1].t", { ...base, sky: [{ t: 100, state: "open" }, { t: 50, state: "urban" }] }],
    ["temperature.rear", { ...base, temperature: { rear: [{ t: 0, c: 4 }] } }],
    ["config.rep_moving_s", { ...base, config: { rep_moving_s: -5 } }],
    ["start", { ...base, start: "yesterday" }],
    ["trace", "{ not json"],
  ])("rejects a bad %s with exit 2 and one line naming it, running nothing", (field, trace) => {
    const r = tracker("run", traceFile(`bad-${field}.json`, trace));
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    const lines = r.err.trim().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0].startsWith(`error: ${field}:`)).toBe(true);
  });

  it("prints exactly one JSON object with --json, the same twice, and writes --out files", () => {
    const p = traceFile("ok.json", { ...base, config: { heartbeat_s: 900 } });
    const out = join(dir, "out");
    const a = tracker("run", p, "--json", "--out", out);
    const b = tracker("run", p, "--json");
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const s = JSON.parse(a.out);
    for (const k of ["trace", "duration_s", "wakes", "awake_s", "energy_mAh", "avg_current_uA", "floor_mAh", "floor_ratio", "battery_life_days", "by_component"])
      expect(s).toHaveProperty(k);
    expect(s.trace).toBe("cli-check");
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8"))).toEqual(s);
    expect(readFileSync(join(out, "transcript.txt"), "utf8")).toContain("wake cause=power-on");
  });

  it("writes the HTML report with --html and as report.html with --out, the same bytes on every run", () => {
    const p = traceFile("html.json", base);
    const out = join(dir, "out-html");
    const file = join(dir, "pages", "trip.html");
    const a = tracker("run", p, "--html", file, "--out", out);
    expect(a.code).toBe(0);
    expect(a.out).toMatch(/^trip\s+cli-check/m);
    const page = readFileSync(file, "utf8");
    expect(page.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(page).toContain("Trip report: cli-check");
    expect(readFileSync(join(out, "report.html"), "utf8")).toBe(page);
    expect(tracker("run", p, "--html", file).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(page);
    const bad = tracker("run", p, "--html");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--html needs a file/);
  });

  it("prints the human summary without --json", () => {
    const r = tracker("run", traceFile("ok2.json", base));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^trip\s+cli-check/m);
    expect(r.out).toMatch(/energy floor/);
  });

  it("says how to use it on a missing argument or an unknown command", () => {
    expect(tracker("run").code).toBe(2);
    const r = tracker("frobnicate");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/usage:/);
  });
});
