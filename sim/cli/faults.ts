/**
 * `npm run faults`: the fault campaigns, printed as standing figures. Exit status 1 when any campaign found a
 * problem. `--light` runs the small variant `npm test` runs; `--only <word>` runs the campaigns whose name has it.
 *   npx tsx sim/cli/faults.ts [--light] [--only power|outage|fuzz|modem|clock]
 */
import { readFileSync } from "node:fs";
import { type Figures, formatFigures } from "../faults/figures";
import { CAMPAIGNS } from "../faults/campaigns";
import { loadTrace } from "../world/trace-loader";
import { fileCorpus } from "./fuzz-corpus";
import { mkdirSync, writeFileSync } from "node:fs";
import { toHex } from "../../firmware/core/bytes";

const args = process.argv.slice(2);
const size = args.includes("--light") ? "light" : "full";
const only = args.indexOf("--only") >= 0 ? args[args.indexOf("--only") + 1] : undefined;
const trace = (name: string) => loadTrace(readFileSync(new URL(`../traces/${name}.json`, import.meta.url), "utf8"));

/** A crashing input goes under test/faults/vectors/, one hex line per input, for the replay test to keep. */
function saveCrash(target: string, input: Uint8Array): void {
  const dir = new URL("../../test/faults/vectors/", import.meta.url);
  mkdirSync(dir, { recursive: true });
  const name = target.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  writeFileSync(new URL(`found-${name}.hex`, dir), toHex(input) + "\n", { flag: "a" });
}

let failed = 0;
for (const c of CAMPAIGNS) {
  if (only && !c.name.includes(only)) continue;
  const t0 = Date.now();
  const figures: Figures[] = c.run({ trace, size, corpus: fileCorpus(), onCrash: saveCrash });
  for (const f of figures) {
    for (const line of formatFigures(f)) process.stdout.write(line + "\n");
    if (f.failures.length) failed++;
  }
  process.stdout.write(`  (${c.name}: ${((Date.now() - t0) / 1000).toFixed(1)} s)\n`);
}
process.exit(failed ? 1 : 0);
