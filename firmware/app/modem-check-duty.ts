/**
 * Catches a modem that lost PSM while the device slept (modem-check.ts): on battery, when no session has talked
 * to a modem left in PSM for modem_check_s, the next wake that comes anyway (a temperature sample, a position
 * report) probes it; a modem found awake gets a session at once, which sets PSM again (and delivers what is
 * pending); one found searching for a network that went away while it dozed is switched off. Left alone, a
 * modem that rebooted by itself idles at 5 mA until the next report, hours away when parked, and one searching
 * draws 60 mA: a probe costs the modem's wake-up (about a second at 5 mA) and a fraction of a second of the CPU
 * waiting on the UART, a missed reboot up to 20 mAh.
 *
 * It never books a wake of its own while the carrier duties will wake the device anyway: it falls due with the
 * first of their wakes at or after the check time. Sense phase, so it runs before the uplink in that wake.
 * State: app.mod("modem-check") = { at } (monotonic ms of the last probe or session); the finding is per boot.
 */
import type { LinkSnapshot } from "../modem/link-types";
import { probeModem } from "../modem/modem-check";
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
function checkAt(app: App): number {
  const s = app.config.modem_check_s;
  if (!(s > 0) || app.state.external || !app.ports.modem.powered()) return Infinity;
  const link = app.mod<LinkSnapshot>("link");
  if (!link || link.psm !== true) return Infinity;
  const last = app.mod<{ at?: number }>(MOD)?.at;
  return (typeof last === "number" ? last : 0) + s * 1000;
}

export function modemCheckDuty(carriers: readonly Duty[]): Duty {
  return Object.freeze({
    name: "modem-check",
    phase: "sense",
    dueAt(app: App): number {
      const c = checkAt(app);
      if (c === Infinity) return Infinity;
      const t = Math.max(c, app.now());
      // With the first carrier wake at or after the check time; a carrier due sooner wakes the device and asks again.
      let at = Infinity;
      let sooner = false;
      for (const d of carriers) {
        const due = d.dueAt(app);
        if (due >= t - SHARE_MS) at = Math.min(at, due);
        else sooner = true;
      }
      return at < Infinity ? at : sooner ? Infinity : t;
    },
    run(app: App, done: () => void): void {
      if (checkAt(app) > app.now() + SHARE_MS) return done();
      noteModemTalk(app);
      probeModem(app.ports.modem, app.ports.clock, (outcome) => {
        app.emit("modem-check", { outcome });
        if (outcome === "awake") modemAwake(app).v = true;
        if (outcome === "searching") {
          // Switched off: the next session powers it on and attaches afresh, as after a failed search.
          const link = app.mod<LinkSnapshot>("link");
          if (link) app.saveMod("link", { ...link, registered: false, socket: undefined, psm: false });
        }
        done();
      });
    },
  });
}
