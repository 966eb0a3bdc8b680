/**
 * Is a modem that was left to doze in PSM still as it was left? A module in PSM does not answer the first bytes
 * it gets (they only wake it, link-base.ts); one that answers an AT at once has been awake all along: it rebooted
 * on its own (a brown-out, its watchdog) and came back without the PSM request, so it idles at milliamps,
 * registered and reachable, until a session sets PSM again.
 *
 * The probe: the link's wake probe, tried once. No answer means the modem was dozing and is waking now; the
 * model's registration query then tells whether it finds its network again (it dozes off by itself within a
 * second) or starts searching for one that is gone (a coverage gap that began while it slept), which at attach
 * current would last until the next session.
 * Outcomes: "awake" (lost PSM), "dozing" (as left), "searching" (no network), "mute" (no answer to either:
 * left to the next session, which power-cycles a silent modem).
 */
import type { Clock, Serial } from "../../hal/ports";
import { AtEngine, type AtCommand } from "./at-engine";
import { WAKE_PROBE } from "./link-base";
import { parseCereg, registered } from "./models/at-parse";
import { ALL_URC_PREFIXES } from "./models/model-table";
import type { ModemScripts } from "./models/model-types";

const PROBE_ONCE: AtCommand = Object.freeze({ ...WAKE_PROBE, attempts: 1 });

export type ProbeOutcome = "awake" | "dozing" | "searching" | "mute";

export function probeModem(serial: Serial, clock: Clock, model: ModemScripts, done: (o: ProbeOutcome) => void): void {
  const engine = new AtEngine(serial, clock, ALL_URC_PREFIXES);
  engine.run(PROBE_ONCE, (r) => {
    if (r.ok) return done("awake");
    engine.run(model.queryRegistration.cmd, (q) => {
      if (!q.ok) return done("mute");
      const stat = q.lines.map((l) => parseCereg(l, true)?.stat).find((s) => s !== undefined);
      done(stat === undefined || registered(stat) ? "dozing" : "searching");
    });
  });
}
