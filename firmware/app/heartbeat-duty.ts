/** A periodic heartbeat record (JT/T 808 0x0002 when delivered) when the platform asks for one (heartbeat_s > 0). */
import type { App } from "./app";
import type { Duty } from "./duty";

export const heartbeatDuty: Duty = Object.freeze({
  name: "heartbeat",
  phase: "sense",
  dueAt(app: App): number {
    if (app.config.heartbeat_s <= 0) return Infinity;
    const d = app.due("heartbeat");
    return d === Infinity ? app.now() : d;
  },
  run(app: App, done: () => void): void {
    app.record("heartbeat");
    app.setDue("heartbeat", app.now() + app.config.heartbeat_s * 1000);
    done();
  },
});
