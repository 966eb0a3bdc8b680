/**
 * The carrying window of a retry (uplink-retry.ts): any wake in the last quarter of the backoff carries the
 * attempt, except that, while moving, a position report due later in the window carries it instead, so the backlog
 * and the report leave in one session rather than two a minute apart.
 */
import { describe, expect, it } from "vitest";
import type { Ports } from "../../hal/ports";
import { App } from "../../firmware/app/app";
import { freshState } from "../../firmware/app/app-state";
import { mayTry, noteFailure, RETRY_FIRST_MS } from "../../firmware/app/uplink-retry";
import { defaults } from "../../firmware/config/config";
import { RecordLog } from "../../firmware/store/record-log";
import { SimFlash } from "../../sim/devices/flash-sim";
import { SimSettings } from "../../sim/devices/settings-sim";

function movingApp(kind = "moving") {
  let now = 1_000_000;
  const ports = {
    clock: { now: () => now, wallTime: () => undefined, setWallTime() {}, at: () => -1, cancel() {} },
    log: { log() {} },
    settings: new SimSettings(),
  } as unknown as Ports;
  const app = new App(ports, defaults(), freshState(0), RecordLog.open(new SimFlash(4096, 8)));
  app.saveMod("motion", { kind, since: 0 });
  return { app, at: (t: number) => (now = t) };
}

describe("retry window", () => {
  it("a wake in the window carries the attempt when no report falls due in it", () => {
    const { app, at } = movingApp();
    const s = noteFailure(app, true);
    expect(s.at - s.from).toBe(RETRY_FIRST_MS / 4);
    at(s.from - 1000);
    expect(mayTry(app)).toBe(false);
    app.setDue("position", s.at + 120_000);
    at(s.from + 10_000);
    expect(mayTry(app)).toBe(true);
  });

  it("a report due later in the window carries it: earlier wakes leave it, the report's own wake takes it", () => {
    const { app, at } = movingApp();
    const s = noteFailure(app, true);
    const report = s.from + 100_000;
    app.setDue("position", report);
    at(s.from + 10_000);
    expect(mayTry(app)).toBe(false);
    at(report - 3_000); // the report's wake (its search starts a few seconds ahead)
    expect(mayTry(app)).toBe(true);
  });

  it("standing, the first wake in the window still carries it", () => {
    const { app, at } = movingApp("stopped");
    const s = noteFailure(app, true);
    app.setDue("position", s.from + 100_000);
    at(s.from + 10_000);
    expect(mayTry(app)).toBe(true);
  });
});
