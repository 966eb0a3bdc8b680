/**
 * A simulated tracker with a Beidou short-message module for wake-cycle tests of the fallback duty: the device
 * runner (a fresh firmware per wake), SimRdss on its own UART with the centre feeding FleetServer.acceptRecord,
 * and two stand-in duties for what this test does not exercise: alarms at given times, and an NB-IoT uplink that
 * keeps the link-health record (failing, or recovering and acknowledging everything at given times).
 * The wiring of SimRdss (simRdssFor) and of the centre to FleetServer.acceptRecord is the simulation's.
 */
import type { Ports } from "../../hal/ports";
import type { App } from "../../firmware/app/app";
import type { Duty, LinkHealth } from "../../firmware/app/duty";
import { rdssDuty } from "../../firmware/app/rdss-duty";
import { WakeCycle } from "../../firmware/app/wake-cycle";
import { DeviceRunner } from "../../sim/devices/device-runner";
import { FleetServer } from "../../sim/world/fleet-server";
import { SimFlash } from "../../sim/devices/flash-sim";
import { RecordLog } from "../../firmware/store/record-log";
import { PowerMeter } from "../../sim/report/power-meter";
import { powerTable } from "../../sim/report/power-table";
import { CENTRE_ID, simRdssFor, type CentreMessage, type SimRdssCard } from "../../sim/devices/rdss-sim";
import { SimRetained } from "../../sim/devices/retained-sim";
import { Rng } from "../../sim/world/rng";
import { Scheduler } from "../../sim/world/scheduler";
import { SimSettings } from "../../sim/devices/settings-sim";
import { validateTrace } from "../../sim/world/trace-loader";
import { SimUart, type SimModule } from "../../sim/devices/uart";
import { World } from "../../sim/world/world";
import { toHex } from "../../firmware/core/bytes";
import { ROOT_KEY_SETTING } from "../../firmware/security/keys";
import { simCrypto } from "../../sim/devices/crypto-sim";
import { testRootKey } from "../../sim/world/test-keys";

export { CENTRE_ID };
const silent: SimModule = { fromHost() {}, setPower() {} };

export interface RigOptions {
  version: "2.1" | "4.0";
  hours: number;
  beams?: { t: number; beams: number }[];
  card?: SimRdssCard | null;
  settings?: Record<string, string>;
  alarmsAtS?: number[]; // seconds; an alarm record each
  uplink?: UplinkPlan;
  withoutPort?: boolean;
  faults?: unknown[]; // trace faults, e.g. power cuts
  /** Provisioned: the test root key in NVS, the crypto port, and a centre that holds the key. */
  secure?: boolean;
}

export interface UplinkPlan {
  everyS: number; // session period
  failFromS: number; // sessions from then on fail
  coverage?: LinkHealth["coverage"];
  ackAtS?: number[]; // a session at or after each of these succeeds and acknowledges every record
}

/** Alarm records at fixed times (the cold-chain engine's place in the cycle). */
function alarmDuty(timesMs: readonly number[]): Duty {
  // Kept in settings, not in RTC memory: a power cut must not make the stand-in record its alarms again.
  const next = (app: App) => {
    const last = Number(app.ports.settings.get("t_alarm") ?? -1);
    for (const t of timesMs) if (t > last) return t;
    return Infinity;
  };
  return {
    name: "t-alarm",
    phase: "sense",
    dueAt: next,
    run(app, done) {
      const t = next(app);
      app.record("alarm", { code: "temp-high", raised: true, probe: 0, extreme: 95 });
      app.ports.settings.set("t_alarm", String(t));
      done();
    },
  };
}

/** The NB-IoT uplink as far as the fallback sees it: the health record, and acks when it recovers. */
function uplinkDuty(p: UplinkPlan): Duty {
  return {
    name: "t-uplink",
    phase: "deliver",
    dueAt: (app) => (app.due("t-uplink") === Infinity ? app.now() : app.due("t-uplink")),
    run(app, done) {
      const now = app.now();
      const h: LinkHealth = { ...(app.mod<LinkHealth>("nbiot") ?? {}) };
      const acked = app.mod<number>("t-acked") ?? -1;
      const ackDue = (p.ackAtS ?? []).find((s) => s * 1000 <= now && s * 1000 > acked);
      if (ackDue !== undefined) {
        app.records.ack(app.records.peek(app.records.pending()).map((r) => r.seq));
        app.saveMod("t-acked", ackDue * 1000);
        app.saveMod("nbiot", { lastOkAt: now, lastPositionAckAt: now, coverage: "good" } satisfies LinkHealth);
        app.emit("t-acked");
      } else if (now >= p.failFromS * 1000) {
        app.saveMod("nbiot", { ...h, failingSince: h.failingSince ?? now, coverage: p.coverage ?? "poor" } satisfies LinkHealth);
      }
      app.setDue("t-uplink", now + p.everyS * 1000);
      done();
    },
  };
}

export function rig(o: RigOptions) {
  const trace = validateTrace({
    start: "2026-07-01T06:00:00+08:00",
    duration: o.hours * 3600,
    device: { id: "13800138000", rdss: o.version === "2.1" ? "bds2-2.1" : "bds3-4.0" },
    route: [{ t: 0, lat: 39.9, lon: 116.4 }],
    rdssSky: o.beams ?? [{ t: 0, beams: 3 }],
    faults: o.faults ?? [],
  });
  const sched = new Scheduler();
  const world = new World(trace);
  const meter = new PowerMeter(sched, powerTable());
  const rng = new Rng(trace.seed);
  const id = trace.device.id;
  const server = new FleetServer([], o.secure ? { keys: { crypto: simCrypto, rootKey: () => testRootKey(simCrypto, id) } } : {});
  const centre: { msg: CentreMessage; at: number }[] = [];
  const module = simRdssFor(trace, { sched, world, meter, rng }, (msg, at) => {
    centre.push({ msg, at });
    for (const r of msg.records) server.acceptRecord(r, at, "rdss");
  }, o.card, o.secure ? (bytes) => server.security.openReport(id, bytes) : undefined)!;
  const flash = new SimFlash(4096, 16);
  const key: Record<string, string> = o.secure ? { device_id: id, [ROOT_KEY_SETTING]: toHex(testRootKey(simCrypto, id)) } : {};
  const settings = new SimSettings({ rdss_dest: CENTRE_ID, ...key, ...(o.settings ?? {}) });
  const logs: { t: number; line: string }[] = [];
  const duties: Duty[] = [alarmDuty((o.alarmsAtS ?? []).map((s) => s * 1000)), uplinkDuty(o.uplink ?? { everyS: 300, failFromS: 0 }), rdssDuty];
  const runner = new DeviceRunner({
    sched,
    world,
    meter,
    rng,
    flash,
    retained: new SimRetained(),
    settings,
    gnss: new SimUart(sched, silent),
    modem: new SimUart(sched, silent),
    rdss: o.withoutPort ? undefined : module.uart,
    crypto: o.secure ? simCrypto : undefined,
    boot: (ports: Ports) => new WakeCycle(ports, duties).start(),
    onLog: (t, _level, msg) => logs.push({ t, line: msg }),
  });
  const end = o.hours * 3600_000;
  const lines = (name: string) => logs.filter((l) => l.line.split(" ")[0] === name);
  return {
    trace, sched, meter, server, centre, sim: module.sim, settings, runner, logs, lines,
    /** Undelivered records in the flash as the next boot would find them. */
    pending: () => RecordLog.open(flash).peek(10_000),
    run(until = end) {
      runner.start(end);
      sched.run(until);
    },
  };
}

/** Field value of a structured log line. */
export function field(line: string, key: string): string | undefined {
  for (const part of line.split(" ")) if (part.startsWith(key + "=")) return part.slice(key.length + 1);
  return undefined;
}
