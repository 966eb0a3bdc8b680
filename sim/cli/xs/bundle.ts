/** Bundles the platform-free simulator (firmware + sim core) into one ES2022 IIFE script for the XS engine. */
import { buildSync } from "esbuild";

export function bundleSimulator(): string {
  const out = buildSync({
    entryPoints: [new URL("../../xs-entry.ts", import.meta.url).pathname],
    bundle: true,
    format: "iife",
    target: "es2022",
    platform: "neutral",
    write: false,
    logLevel: "silent",
  });
  return out.outputFiles[0].text;
}
