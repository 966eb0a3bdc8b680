/**
 * Catches a modem that lost PSM while the device slept (modem-check.ts): on battery, when no session has talked
 * to a modem left in PSM for modem_check_s, the next wake that comes anyway (a temperature sample, a position
 * report) probes it; a modem found awake gets a session at once, which sets PSM again (and delivers what is
 * pending); one found searching for a network that went away while it dozed is switched off (the next session
 * powers it on and attaches afresh, as after a failed search). Left alone, a modem that rebooted by itself idles
 * at 5 mA until the next report, hours away when parked, and one searching draws 60 mA: a probe costs the modem's
 * wake-up (about a second at 5 mA) and a fraction of a second of the CPU waiting on the UART, a missed reboot up
 * to 20 mAh.
 *
 * It never books a wake of its own: it is due only from the check time on, so the first wake at or after it
 * carries the probe. Sense phase, so it runs before the uplink in that wake.
 * State: app.mod("modem-check") = { at } (monotonic ms of the last probe or session); the finding is per boot.
 */
import type { LinkSnapshot } from "../modem/link-types";
import { probeModem } from "../modem/modem-check";
import { MODELS } from "../modem/models/model-table";
import type { App } from "./app";
import { SHARE_MS, type Duty } from "./duty";

const MOD = "modem-check";

/** A session or probe just talked to the modem. */
export function noteModemTalk(app: App): void {
  app.saveMod(MOD, { at: app.now() });
}

/** This boot's probe found the modem awake: the uplink runs a session now. */
export const modemAwake = (app: App) => app.local("modem-awake", () => ({ v: false }));

/** When the next probe is due, or Infinity when none is needed (check off, truck power, modem off, no PSM). */
function checkAt(app: App, link: LinkSnapshot | undefined): number {
  const s = app.config.modem_check_s;
  if (!(s > 0) || app.state.external || !app.ports.modem.powered()) return Infinity;
  if (!link?.model || link.psm !== true) return Infinity;
  const last = app.mod<{ at?: number }>(MOD)?.at;
  return (typeof last === "number" ? last : 0) + s * 1000;
}

export const modemCheckDuty: Duty = Object.freeze({
  name: "modem-check",
  phase: "sense",
  dueAt(app: App): number {
    const at = checkAt(app, app.mod<LinkSnapshot>("link"));
    return at <= app.now() + SHARE_MS ? at : Infinity;
  },
  run(app: App, done: () => void): void {
    const link = app.mod<LinkSnapshot>("link")!;
    noteModemTalk(app);
    probeModem(app.ports.modem, app.ports.clock, MODELS[link.model!], (outcome) => {
      app.emit("modem-check", { outcome });
      if (outcome === "awake") modemAwake(app).v = true;
      else if (outcome === "searching") app.ports.modem.setPower(false);
      done();
    });
  },
});
