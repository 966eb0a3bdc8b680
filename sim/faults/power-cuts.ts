/**
 * The power-cut campaign as it is run: the reference day on the reference partition (every write and erase cut
 * several times, whole-trip reruns), and the same day with most of it out of coverage on a 4-page partition, so
 * the log fills, reclaims and copies alarms forward while being cut.
 *
 * Inputs: the reference day's trace, the campaign size. Outputs: Figures, one block per part.
 */
import type { Trace } from "../world/trace-types";
import type { Figures } from "./figures";
import { cutTape, recordTape, rerunCuts } from "./trip-cuts";

export type Size = "light" | "full";

/** The day with coverage lost from the first hour to the twentieth: the backlog outgrows a small partition. */
export function outageDay(day: Trace): Trace {
  return { ...day, name: `${day.name}-outage`, network: [{ t: 0, v: "good" }, { t: 3600, v: "none" }, { t: 20 * 3600, v: "good" }] };
}

export function powerCutCampaign(day: Trace, size: Size): Figures[] {
  const full = size === "full";
  const tape = recordTape(day);
  const small = outageDay(day);
  const smallTape = recordTape(small, 4);
  return [
    cutTape("reference day", tape, { cutsPerOp: full ? 6 : 2, stride: full ? 1 : 16, recoveryShare: 0.2, reruns: 0, seed: 1 }),
    cutTape("outage day on 4 pages", smallTape, { cutsPerOp: full ? 2 : 2, stride: full ? 1 : 8, recoveryShare: 0.3, reruns: 0, seed: 2 }),
    rerunCuts("reference day", day, tape, { cutsPerOp: 0, stride: 1, recoveryShare: 0, reruns: full ? 40 : 2, seed: 3 }),
  ];
}
