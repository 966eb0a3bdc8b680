/**
 * Every fault campaign, by name, with what it needs: a way to load a reference trace by name and the size
 * ("light" for the test suite, "full" for `npm run faults`). The CLI and the tests run this same list.
 */
import type { Trace } from "../world/trace-types";
import type { Figures } from "./figures";
import { fuzz } from "./fuzz";
import { type Corpus, fuzzTargets } from "./fuzz-targets";
import { clockCampaign, clockVariants } from "./clock-faults";
import { modemCampaign } from "./modem-faults";
import { outageOverflows, outageRecovers, withOutage } from "./outages";
import { type Size, powerCutCampaign } from "./power-cuts";

export interface CampaignContext {
  trace: (name: string) => Trace;
  size: Size;
  /** Seeds from files, where there are files (the built-in seeds are always there). */
  corpus?: Corpus;
  /** Where a crashing input goes, to become a regression vector. */
  onCrash?: (target: string, input: Uint8Array) => void;
}

export interface Campaign {
  name: string;
  run: (ctx: CampaignContext) => Figures[];
}

const H = 3600;
const D = 24 * H;

/** 72 h without NB-IoT while driving (the week's trip) and while parked (the port trace), then coverage back. */
function outages(c: CampaignContext): Figures[] {
  const week = c.trace("beijing-shanghai-week");
  const port = c.trace("tianjin-port-parked-72h");
  return [
    outageRecovers(withOutage(week, "moving 72 h", 12 * H, 84 * H, 5 * D), 12 * H, 84 * H),
    outageRecovers(withOutage(port, "parked 72 h", H, 73 * H, 84 * H), H, 73 * H),
  ];
}

/**
 * Parked out of coverage until the partition overflows, then two days to drain: 60 days on the reference board's
 * 1 MB partition in the full run; 4 days on 64 KB in the light one (the same mechanism, 16 times smaller).
 */
function overflow(c: CampaignContext): Figures[] {
  const port = c.trace("tianjin-port-parked-72h");
  const [days, pages] = c.size === "full" ? [60, 256] : [6, 16];
  const to = (days - 2) * D;
  return [outageOverflows(withOutage(port, `parked ${days - 2} days out of coverage`, H, to, days * D), H, to, pages)];
}

/** 1,000,000 inputs per target in the full run, 20,000 in the light one; the seed is fixed, so runs repeat. */
function fuzzing(c: CampaignContext): Figures[] {
  const count = c.size === "full" ? 1_000_000 : 20_000;
  return fuzzTargets(c.corpus).map((t, i) => {
    const r = fuzz(t, count, 2026 + i);
    for (const input of r.crashes) c.onCrash?.(t.name, input);
    return r.figures;
  });
}

export const CAMPAIGNS: readonly Campaign[] = Object.freeze([
  { name: "power cuts", run: (c: CampaignContext) => powerCutCampaign(c.trace("beijing-tianjin-reefer"), c.size) },
  { name: "outage", run: outages },
  { name: "overflow outage", run: overflow },
  { name: "fuzz", run: fuzzing },
  { name: "modem faults", run: (c: CampaignContext) => modemCampaign(c.trace("beijing-tianjin-reefer"), c.size) },
  { name: "clock faults", run: (c: CampaignContext) => clockVariants(c.size).map((v) => clockCampaign(v, c.trace(v.trace))) },
]);
