/**
 * firmware/, hal/ports.ts and the sim core (sim/ but sim/cli) must run unchanged on the XS engine: no Node or DOM globals or imports, no
 * library functions newer than the engine has. (tsconfig.core.json also type-checks them without Node types.)
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = new URL("../../", import.meta.url).pathname;

const FORBIDDEN: [RegExp, string][] = [
  [/\bfrom\s+["'](node:[^"']+|fs|path|os|child_process|crypto|util|events|stream|buffer)["']/, "Node module import"],
  [/\brequire\s*\(/, "require()"],
  [/\bBuffer\b/, "Buffer"],
  [/\bprocess\./, "process"],
  [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, "host timer"],
  [/\bconsole\./, "console"],
  // window, document etc. are caught by tsconfig.core.json, which has no DOM lib; these also exist in Node.
  [/\b(TextEncoder|TextDecoder|fetch|structuredClone|atob|btoa)\s*\(|\bnew\s+(TextEncoder|TextDecoder)\b/, "Web API"],
  [/\.(findLast|findLastIndex|toSorted|toReversed|toSpliced)\s*\(/, "ES2023 array method"],
  [/\bObject\.groupBy\b|\bMap\.groupBy\b/, "groupBy"],
  [/\.(union|intersection|difference|symmetricDifference|isSubsetOf)\s*\(/, "new Set method"],
  [/\basync\s|\bawait\s|\bPromise\b/, "Promise/async (the firmware is callback-driven)"],
];

function files(path: string): string[] {
  const full = join(ROOT, path);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full).flatMap((n) => files(join(path, n)));
}

/** Code without comments and string contents, so a comment may name what it avoids. */
function code(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/\/\/.*$/gm, "")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
}

describe("platform-free code", () => {
  const targets = ["firmware", "hal/ports.ts", "sim/world", "sim/devices", "sim/report", "sim/faults", "sim/simulation.ts", "sim/xs-entry.ts"].flatMap(files).filter((f) => f.endsWith(".ts"));

  it("has files to check", () => {
    expect(targets.length).toBeGreaterThan(20);
  });

  it("uses no Node/DOM globals, imports or post-ES2022 library functions", () => {
    const hits: string[] = [];
    for (const f of targets) {
      const text = readFileSync(f, "utf8");
      const stripped = code(text);
      // Imports are kept: their specifiers are strings, which `code` blanks, so check import lines on the raw text.
      const imports = text.split("\n").filter((l) => /^\s*import\b|^\s*export .* from /.test(l)).join("\n");
      for (const [re, what] of FORBIDDEN) {
        if (re.test(stripped) || (what === "Node module import" && re.test(imports))) hits.push(`${relative(ROOT, f)}: ${what}`);
      }
    }
    expect(hits).toEqual([]);
  });

  it("firmware imports only firmware/ and hal/ports", () => {
    const bad: string[] = [];
    for (const f of files("firmware").filter((x) => x.endsWith(".ts"))) {
      for (const m of readFileSync(f, "utf8").matchAll(/from\s+["']([^"']+)["']/g)) {
        const target = join(f, "..", m[1]);
        const rel = relative(ROOT, target);
        if (!(rel.startsWith("firmware/") || rel === "hal/ports")) bad.push(`${relative(ROOT, f)} imports ${m[1]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("firmware keeps no module-level mutable state (it would survive a deep sleep in the simulator, not on the device)", () => {
    const bad: string[] = [];
    for (const f of files("firmware").filter((x) => x.endsWith(".ts"))) {
      const lines = code(readFileSync(f, "utf8")).split("\n");
      lines.forEach((l, i) => {
        if (/^(export\s+)?(let|var)\s/.test(l)) bad.push(`${relative(ROOT, f)}:${i + 1}: top-level ${l.trim()}`);
        if (/^(export\s+)?const\s+\w+(\s*:[^=]+)?\s*=\s*(new\s+(Map|Set|Array|Uint8Array|WeakMap)\b|\[|\{)/.test(l))
          bad.push(`${relative(ROOT, f)}:${i + 1}: top-level mutable ${l.trim()}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it("catches a planted violation (the check itself works)", () => {
    const sample = code('const b = Buffer.from("x"); // setTimeout( in a comment is fine');
    expect(FORBIDDEN.some(([re]) => re.test(sample))).toBe(true);
    expect(FORBIDDEN.some(([re]) => re.test(code("// console.log(1)\nconst s = 'process.env';")))).toBe(false);
  });
});
