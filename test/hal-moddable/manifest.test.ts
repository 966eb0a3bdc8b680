/**
 * The device build links only the modules manifest.json names: a firmware folder missing there compiles (each
 * module is compiled on its own) and then fails at the first import on the board. Every folder holding firmware
 * modules must be mapped.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

function moduleDirs(path: string): string[] {
  const entries = readdirSync(join(ROOT, path));
  const here = entries.some((n) => n.endsWith(".ts")) ? [path] : [];
  return here.concat(entries.filter((n) => statSync(join(ROOT, path, n)).isDirectory()).flatMap((n) => moduleDirs(`${path}/${n}`)));
}

describe("manifest.json", () => {
  const manifest = JSON.parse(readFileSync(join(ROOT, "manifest.json"), "utf8")) as { modules: Record<string, unknown> };

  it("maps every firmware folder and the device layer", () => {
    const dirs = [...moduleDirs("firmware"), "hal/moddable"];
    expect(dirs.length).toBeGreaterThan(10);
    const missing = dirs.filter((d) => manifest.modules[`${d}/*`] !== `./${d}/*`);
    expect(missing).toEqual([]);
    expect(manifest.modules["hal/ports"]).toBe("./hal/ports");
  });
});
