/** Runs one fault campaign at its light size for the tests (`npm run faults` runs the full one) and prints its figures. */
import { readFileSync } from "node:fs";
import { CAMPAIGNS } from "../../sim/faults/campaigns";
import { type Figures, formatFigures } from "../../sim/faults/figures";
import { loadTrace } from "../../sim/world/trace-loader";
import { fileCorpus } from "../../sim/cli/fuzz-corpus";

const trace = (name: string) => loadTrace(readFileSync(new URL(`../../sim/traces/${name}.json`, import.meta.url), "utf8"));

export function runLight(name: string): Figures[] {
  const c = CAMPAIGNS.find((x) => x.name === name);
  if (!c) throw new Error(`no campaign ${name}`);
  const figures = c.run({ trace, size: "light", corpus: name === "fuzz" ? fileCorpus() : undefined });
  for (const f of figures) console.log(formatFigures(f).join("\n"));
  return figures;
}

export const n = (f: Figures, key: string) => Number(f.counts[key]);
