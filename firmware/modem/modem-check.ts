/**
 * Is a modem that was left to doze in PSM still as it was left? A module in PSM does not answer the first bytes
 * it gets (they only wake it, link-base.ts); one that answers an AT at once has been awake all along: it rebooted
 * on its own (a brown-out, its watchdog) and came back without the PSM request, so it idles at milliamps,
 * registered and reachable, until a session sets PSM again.
 *
 * The probe: one AT with a short wait and no retry. No answer means the modem was dozing and is waking now; a
 * registration query then tells whether it finds its network again (it dozes off by itself within a second) or
 * starts searching for one that is gone (a coverage gap that began while it slept), which at attach current
 * would last until the next session: then the link is switched off, as after a failed search.
 * Outcomes: "awake" (lost PSM), "dozing" (as left), "searching" (switched off), "mute" (no answer to either:
 * left to the next session, which power-cycles a silent modem).
 */
import type { Clock, Serial } from "../../hal/ports";
import { AtEngine, type AtCommand } from "./at-engine";
import { parseCereg, registered } from "./models/at-parse";
import { ALL_URC_PREFIXES } from "./models/model-table";

export const PSM_PROBE: AtCommand = Object.freeze({ text: "AT", timeoutMs: 150, attempts: 1 });
const REG_QUERY: AtCommand = Object.freeze({ text: "AT+CEREG?", timeoutMs: 600, attempts: 2, claims: Object.freeze(["+CEREG:"]) });

export type ProbeOutcome = "awake" | "dozing" | "searching" | "mute";

export function probeModem(serial: Serial, clock: Clock, done: (o: ProbeOutcome) => void): void {
  const engine = new AtEngine(serial, clock, ALL_URC_PREFIXES);
  engine.run(PSM_PROBE, (r) => {
    if (r.ok) return done("awake");
    engine.run(REG_QUERY, (q) => {
      if (!q.ok) return done("mute");
      const stat = q.lines.map((l) => parseCereg(l, true)?.stat).find((s) => s !== undefined);
      if (stat === undefined || registered(stat)) return done("dozing");
      serial.setPower(false);
      done("searching");
    });
  });
}
