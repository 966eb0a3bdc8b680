/**
 * What every fault campaign hands back: its name, the counts it measured (printed as they are) and the problems it
 * found. A campaign passes when `failures` is empty; the counts are the standing figures.
 */
export interface Figures {
  campaign: string;
  counts: Record<string, number | string>;
  failures: string[];
}

/** Keeps the first `max` problems and counts the rest, so one broken invariant cannot flood the report. */
export class Failures {
  readonly list: string[] = [];
  total = 0;
  constructor(private readonly max = 20) {}
  add(problem: string): void {
    this.total++;
    if (this.list.length < this.max) this.list.push(problem);
  }
  addAll(problems: readonly string[], prefix = ""): void {
    for (const p of problems) this.add(prefix + p);
  }
  done(): string[] {
    return this.total > this.list.length ? [...this.list, `… and ${this.total - this.list.length} more`] : this.list.slice();
  }
}

/** One figures block as text lines: `campaign  key value, key value …` then one line per failure. */
export function formatFigures(f: Figures): string[] {
  const keys = Object.keys(f.counts);
  const out = [`${f.campaign.padEnd(34)} ${f.failures.length ? "FAIL" : "ok  "}  ${keys.map((k) => `${k} ${f.counts[k]}`).join(", ")}`];
  for (const p of f.failures) out.push(`  ! ${p}`);
  return out;
}
