/**
 * Assembles one simulated trip: the world from the trace, the device's parts (GNSS, modem, short-message module,
 * probes, flash, RTC memory, settings), the fleet server, and the runner that boots the firmware at every wake.
 * After the trace ends the device keeps running for a drain period so records still in flight can land; energy
 * figures are taken at the end of the trace, delivery figures after the drain. Besides the summary it hands back
 * the time series the trip report draws (charge per component over time, short-message sends): observed during
 * the same run, never by a second one.
 */
import type { Ports } from "../hal/ports";
import { boot as firmwareBoot } from "../firmware/app/main";
import { type CuttableFlash, DeviceRunner } from "./devices/device-runner";
import { SimFlash } from "./devices/flash-sim";
import { FleetServer } from "./world/fleet-server";
import { SimGnss, type SimGnssOptions } from "./devices/gnss-sim";
import { type ModemFaults, SimModem } from "./devices/modem-sim";
import { PowerMeter } from "./report/power-meter";
import { powerTable } from "./report/power-table";
import { CENTRE_ID, simRdssFor } from "./devices/rdss-sim";
import { SimRetained } from "./devices/retained-sim";
import { Rng } from "./world/rng";
import { Scheduler } from "./world/scheduler";
import { SimI2C, SimOneWire } from "./devices/sensors-sim";
import { SimSettings } from "./devices/settings-sim";
import { simCrypto } from "./devices/crypto-sim";
import { toHex } from "../firmware/core/bytes";
import { ROOT_KEY_SETTING, keyId } from "../firmware/security/keys";
import { testRootKey } from "./world/test-keys";
import { summarize, type Observed } from "./report/observe";
import type { Summary } from "./report/summary";
import type { Trace } from "./world/trace-types";
import { SimUart } from "./devices/uart";
import { World } from "./world/world";
import { sampleStepMs } from "./report/charge-series";
import type { RdssSend, TripSeries } from "./report/trip-series";

/** After the trace: time for the backlog to drain before a record still undelivered counts as lost. */
export const DRAIN_S = 6 * 3600;
/** The record-log partition of the reference board (hal/moddable/esp32/partitions.csv, `records`): 256 × 4 KB sectors. */
export const FLASH_PAGES = 256;

export interface SimResult {
  summary: Summary;
  transcript: string[];
  serverLog: string[];
  server: FleetServer;
  series: TripSeries;
}

export interface SimOptions {
  boot?: (ports: Ports) => void;
  drainS?: number;
  /** The record partition (default: a fresh SimFlash of the reference geometry); fault campaigns wrap it. */
  flash?: CuttableFlash;
  /** Modem misbehaviour for fault campaigns. */
  modemFaults?: ModemFaults;
  /** Clock faults: the device's RTC error (ppm) and windows of wrong GNSS time. */
  rtcPpm?: number;
  gnssTimeFaults?: SimGnssOptions["timeFaults"];
  /** false: an unprovisioned device (no root key) and a platform without keys — nothing sealed. Default true. */
  security?: boolean;
}

/** Settings as the factory provisions them: identity and parts, then the trace's configuration overrides. */
function provision(trace: Trace, secure: boolean): SimSettings {
  const s = new SimSettings();
  s.set("device_id", trace.device.id);
  if (secure) s.set(ROOT_KEY_SETTING, toHex(testRootKey(simCrypto, trace.device.id)));
  s.set("modem_model", trace.device.modem);
  s.set("gnss_model", trace.device.gnss);
  s.set("probes", trace.device.probes.join(","));
  s.set("rdss_dest", CENTRE_ID);
  for (const k of Object.keys(trace.config)) s.set(k, String(trace.config[k]));
  return s;
}

export function simulate(trace: Trace, opts: SimOptions = {}): SimResult {
  const endMs = trace.duration * 1000;
  const drainMs = (opts.drainS ?? DRAIN_S) * 1000;
  const sched = new Scheduler();
  const world = new World(trace);
  const rng = new Rng(trace.seed);
  const meter = new PowerMeter(sched, powerTable(trace.power), sampleStepMs(trace.duration));
  const secure = opts.security !== false;
  const keys = secure ? { crypto: simCrypto, rootKey: (phone: string) => (keyId(phone) === keyId(trace.device.id) ? testRootKey(simCrypto, phone) : undefined) } : undefined;
  const server = new FleetServer(trace.downlinks, { keys });
  const transcript: string[] = [];
  const rdssSends: RdssSend[] = [];

  const gnss = new SimGnss({ sched, world, meter, rng: rng.fork("gnss"), model: trace.device.gnss, timeFaults: opts.gnssTimeFaults });
  const gnssUart = new SimUart(sched, gnss);
  gnss.attach(gnssUart);
  const modem = new SimModem({ sched, world, meter, rng: rng.fork("modem"), model: trace.device.modem, server, faults: opts.modemFaults });
  const modemUart = new SimUart(sched, modem);
  modem.attach(modemUart);

  const rdss = simRdssFor(
    trace,
    { sched, world, meter, rng: rng.fork("rdss") },
    (msg, atMs) => {
      rdssSends.push({ atMs, seqs: msg.records.map((r) => r.seq) });
      for (const rec of msg.records) server.acceptRecord(rec, atMs, "rdss");
    },
    undefined,
    keys ? (bytes) => server.security.openReport(trace.device.id, bytes) : undefined,
  );

  const sensors = { sched, world, meter, rng: rng.fork("probes"), probes: trace.device.probes };
  const oneWire = new SimOneWire(sensors);
  const i2c = trace.device.probes.some((p) => p.toLowerCase().startsWith("sht")) ? new SimI2C(sensors) : undefined;

  const runner = new DeviceRunner({
    sched,
    world,
    meter,
    rng: rng.fork("runner"),
    flash: opts.flash ?? new SimFlash(4096, FLASH_PAGES),
    retained: new SimRetained(4096),
    settings: provision(trace, secure),
    crypto: simCrypto,
    gnss: gnssUart,
    modem: modemUart,
    rdss: rdss?.uart,
    oneWire,
    i2c,
    boot: opts.boot ?? firmwareBoot,
    rtcPpm: opts.rtcPpm,
    onPowerCut: () => {
      gnss.cut();
      modem.cut();
    },
    onLog: (t, level, msg) => transcript.push(`${(t / 1000).toFixed(3)} ${level} ${msg}`),
  });

  runner.start(endMs + drainMs);
  sched.run(endMs);
  const atEnd: Observed = {
    energy: meter.byComponent(),
    batteryMah: meter.batteryMah(),
    wakes: runner.wakes.length + (runner.isAwake() ? 1 : 0),
    awakeMs: runner.awakeMs(),
    transcriptLines: transcript.length,
    uplinks: modem.counters.uplinks,
    modemResets: modem.counters.resets,
    rdssSent: rdss?.sim.counters.sent ?? 0,
    modemSearchS: meter.secondsIn("modem", "searching") + meter.secondsIn("modem", "attaching"),
    modemGapSearchS: meter.secondsIn("modem", "searching"),
    modemIdleNoPsmS: meter.secondsIn("modem", "idle-no-psm"),
    gnssNoBackupS: meter.secondsIn("gnss", "on-no-backup"),
    gnssNoBackupFixes: gnss.counters.noBackupFixes,
  };
  const charge = meter.series!.samples();
  sched.run(endMs + drainMs);
  const summary = summarize({ trace, world, table: meter.table, server, runner, transcript, atEnd });
  const serverLog = server.transcript.map((e) => JSON.stringify({ t: e.atMs / 1000, dir: e.dir, msgId: e.msgId, serial: e.serial, body: e.body }));
  return { summary, transcript, serverLog, server, series: { charge, rdssSends } };
}
