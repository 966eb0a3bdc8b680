/**
 * The layers point one way. In firmware/: core (bytes, CRCs, events), then config (settings, ranges, parameter
 * ids), then store (the record and its flash log), then the drivers and codecs, which never import each other, and
 * app/ on top composing them; nothing below app/ imports app/.
 * firmware/ never imports the simulator. In sim/: world, devices and report are the platform-free bench, sim/cli
 * the only part that may touch Node, and nothing in the bench imports the CLI.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full).flatMap((n) => files(join(path, n)));
}

/** Every relative import of a file, as a path from the repo root. */
export function importsOf(file: string, text = readFileSync(file, "utf8")): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)) out.push(relative(ROOT, join(dirname(file), m[1])));
  return out;
}

/** Layer rank of a firmware folder: a module imports its own folder and lower ranks only. */
const RANK: Readonly<Record<string, number>> = Object.freeze({
  core: 0,
  config: 1,
  security: 1,
  store: 2,
  gnss: 3,
  modem: 3,
  rdss: 3,
  sensors: 3,
  coldchain: 3,
  protocol: 3,
  app: 4,
});

export function layerViolations(file: string, imports: readonly string[]): string[] {
  const from = relative(ROOT, file).split("/");
  const bad: string[] = [];
  for (const target of imports) {
    const to = target.split("/");
    if (from[0] === "firmware" && to[0] === "sim") bad.push(`${from.join("/")} imports the simulator (${target})`);
    if (from[0] === "firmware" && to[0] === "firmware" && from[1] !== to[1]) {
      const a = RANK[from[1]];
      const b = RANK[to[1]];
      if (a === undefined || b === undefined) bad.push(`${from.join("/")}: folder without a layer (${target})`);
      else if (b >= a) bad.push(`${from.join("/")} (layer ${from[1]}) imports ${target} above it`);
    }
    if (from[0] === "sim" && from[1] !== "cli" && to[0] === "sim" && to[1] === "cli") bad.push(`${from.join("/")} imports the CLI (${target})`);
  }
  return bad;
}

describe("one-way layers", () => {
  const firmware = files("firmware").filter((f) => f.endsWith(".ts"));
  const sim = files("sim").filter((f) => f.endsWith(".ts"));

  it("knows every firmware folder", () => {
    const folders = new Set(firmware.map((f) => relative(ROOT, f).split("/")[1]));
    expect([...folders].filter((d) => RANK[d] === undefined)).toEqual([]);
  });

  it("nothing below app/ imports app/, config/ and core/ import nothing above them, firmware/ never imports sim/", () => {
    expect(firmware.flatMap((f) => layerViolations(f, importsOf(f)))).toEqual([]);
  });

  it("the simulator's bench never imports its CLI", () => {
    expect(sim.flatMap((f) => layerViolations(f, importsOf(f)))).toEqual([]);
  });

  it("catches the imports it forbids", () => {
    const at = (p: string) => join(ROOT, p);
    expect(layerViolations(at("firmware/protocol/downlink.ts"), importsOf(at("firmware/protocol/downlink.ts"), 'import { x } from "../app/app";'))).toHaveLength(1);
    expect(layerViolations(at("firmware/config/config.ts"), importsOf(at("firmware/config/config.ts"), 'import { y } from "../gnss/geo";'))).toHaveLength(1);
    expect(layerViolations(at("firmware/gnss/geo.ts"), importsOf(at("firmware/gnss/geo.ts"), 'import { z } from "../../sim/world/world";'))).toHaveLength(1);
    expect(layerViolations(at("sim/world/world.ts"), importsOf(at("sim/world/world.ts"), 'import { w } from "../cli/bench";'))).toHaveLength(1);
    expect(layerViolations(at("firmware/rdss/compact-codec.ts"), importsOf(at("firmware/rdss/compact-codec.ts"), 'import { u } from "../protocol/frame";'))).toHaveLength(1);
    expect(layerViolations(at("firmware/app/app.ts"), importsOf(at("firmware/app/app.ts"), 'import { v } from "../protocol/frame";'))).toEqual([]);
  });
});
