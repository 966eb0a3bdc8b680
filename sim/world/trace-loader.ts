/**
 * Reads and validates a trip trace (../shared/TRACE-FORMAT.md). Every problem is reported as one line naming the
 * field path (`faults[2].kind: ...`); nothing runs on a bad trace. Unknown extra fields are ignored, not rejected.
 */
import { checkValue } from "../../firmware/config/config";
import { POWER_TABLE } from "../report/power-table";
import { readAreaDownlink } from "./trace-areas";
import {
  COVERAGES,
  DOWNLINK_KINDS,
  FAULT_KINDS,
  GNSS_MODELS,
  MODEM_MODELS,
  RDSS_MODELS,
  SKY_STATES,
  type Downlink,
  type Fault,
  type Step,
  type Trace,
} from "./trace-types";

export class TraceError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "TraceError";
  }
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function obj(v: unknown, path: string): Obj {
  if (!isObj(v)) throw new TraceError(path, "must be an object");
  return v;
}
function num(v: unknown, path: string, min = -Infinity, max = Infinity): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new TraceError(path, "must be a number");
  if (v < min || v > max) throw new TraceError(path, `must be within ${min}..${max}`);
  return v;
}
function str(v: unknown, path: string): string {
  if (typeof v !== "string") throw new TraceError(path, "must be a string");
  return v;
}
function oneOf<T extends string>(v: unknown, list: readonly T[], path: string): T {
  if (typeof v !== "string" || !(list as readonly string[]).includes(v))
    throw new TraceError(path, `must be one of ${list.join(", ")}`);
  return v as T;
}
function arr(v: unknown, path: string): unknown[] {
  if (!Array.isArray(v)) throw new TraceError(path, "must be an array");
  return v;
}

/** ISO 8601 with an explicit offset or Z: 2026-07-01T06:00:00+08:00. Parsed by hand: engines differ on Date.parse. */
export function parseIsoUtc(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):?(\d{2}))$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const s = m[6] ? Number(m[6]) : 0;
  const ms = m[7] ? Number(m[7].padEnd(3, "0")) : 0;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined;
  let t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (new Date(t).getUTCDate() !== d) return undefined;
  if (m[8] !== "Z") t -= (m[9] === "-" ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11])) * 60000;
  return t;
}

/** A sorted step series of objects; `read` turns one entry into its value. */
function series<V>(raw: unknown, path: string, read: (e: Obj, p: string) => V, duration: number): Step<V>[] {
  if (raw === undefined) return [];
  const out: Step<V>[] = [];
  arr(raw, path).forEach((e, i) => {
    const p = `${path}[${i}]`;
    const o = obj(e, p);
    const t = num(o.t, `${p}.t`, 0, duration);
    if (out.length && t < out[out.length - 1].t) throw new TraceError(`${p}.t`, "series must be sorted by t");
    out.push({ t, v: read(o, p) });
  });
  return out;
}

export function validateTrace(raw: unknown): Trace {
  const root = obj(raw, "trace");
  const start = str(root.start, "start");
  const startUtcMs = parseIsoUtc(start);
  if (startUtcMs === undefined) throw new TraceError("start", "must be ISO 8601 with an offset, e.g. 2026-07-01T06:00:00+08:00");
  const duration = num(root.duration, "duration", 1, 366 * 86400);
  const seed = root.seed === undefined ? 1 : num(root.seed, "seed", 0, 2 ** 32 - 1);
  const dev = obj(root.device, "device");
  const id = str(dev.id, "device.id");
  if (!/^[0-9]{1,20}$/.test(id)) throw new TraceError("device.id", "must be 1-20 digits (terminal phone number)");
  const probes =
    dev.probes === undefined
      ? ["front"]
      : arr(dev.probes, "device.probes").map((p, i) => {
          const s = str(p, `device.probes[${i}]`);
          if (!/^[A-Za-z0-9_-]{1,16}$/.test(s)) throw new TraceError(`device.probes[${i}]`, "must be 1-16 letters, digits, _ or -");
          return s;
        });
  if (probes.length > 8) throw new TraceError("device.probes", "at most 8 probes");
  const bat = dev.battery === undefined ? {} : obj(dev.battery, "device.battery");
  const battery = {
    chemistry: bat.chemistry === undefined ? "li-socl2" : str(bat.chemistry, "device.battery.chemistry"),
    capacity_mAh: bat.capacity_mAh === undefined ? 19000 : num(bat.capacity_mAh, "device.battery.capacity_mAh", 1, 1e6),
  };

  const config = root.config === undefined ? {} : obj(root.config, "config");
  for (const k of Object.keys(config)) {
    const err = checkValue(k, config[k]);
    if (err) throw new TraceError(`config.${k}`, err);
  }
  const power = root.power === undefined ? {} : obj(root.power, "power");
  for (const k of Object.keys(power)) {
    if (!(k in POWER_TABLE)) throw new TraceError(`power.${k}`, "unknown power-table entry");
    num(power[k], `power.${k}`, 0);
  }

  const route = arr(root.route, "route").map((e, i) => {
    const p = `route[${i}]`;
    const o = obj(e, p);
    return {
      t: num(o.t, `${p}.t`, 0, duration),
      lat: num(o.lat, `${p}.lat`, -90, 90),
      lon: num(o.lon, `${p}.lon`, -180, 180),
      alt: o.alt === undefined ? 0 : num(o.alt, `${p}.alt`, -500, 9000),
    };
  });
  if (route.length === 0) throw new TraceError("route", "needs at least one point");
  route.forEach((r, i) => {
    if (i && r.t < route[i - 1].t) throw new TraceError(`route[${i}].t`, "series must be sorted by t");
  });

  const temperature: Trace["temperature"] = {};
  if (root.temperature !== undefined) {
    const t = obj(root.temperature, "temperature");
    for (const name of Object.keys(t)) {
      if (!probes.includes(name)) throw new TraceError(`temperature.${name}`, "is not one of device.probes");
      temperature[name] = series(t[name], `temperature.${name}`, (o, p) => num(o.c, `${p}.c`, -80, 100), duration).map(
        (s) => ({ t: s.t, c: s.v }),
      );
    }
  }

  const faults: Fault[] = series(
    root.faults,
    "faults",
    (o, p) => {
      const kind = oneOf(o.kind, FAULT_KINDS, `${p}.kind`);
      const f: Omit<Fault, "t"> = { kind, for: o.for === undefined ? (kind === "power-cut" ? 1 : 60) : num(o.for, `${p}.for`, 0, duration) };
      if (kind === "probe-open") {
        f.probe = str(o.probe, `${p}.probe`);
        if (!probes.includes(f.probe)) throw new TraceError(`${p}.probe`, "is not one of device.probes");
      }
      return f;
    },
    duration,
  ).map((s) => ({ t: s.t, ...s.v }));

  const downlinks: Downlink[] = series(
    root.downlinks,
    "downlinks",
    (o, p) => {
      const message = oneOf(o.message, DOWNLINK_KINDS, `${p}.message`);
      const d: Omit<Downlink, "t"> = { message };
      if (message === "set-params") {
        const params = obj(o.params, `${p}.params`);
        if (Object.keys(params).length === 0) throw new TraceError(`${p}.params`, "needs at least one parameter");
        for (const k of Object.keys(params)) {
          if (!/^0x[0-9a-fA-F]{1,8}$/.test(k)) throw new TraceError(`${p}.params.${k}`, 'ids are hex like "0x0029"');
          const v = params[k];
          if (typeof v !== "number" && typeof v !== "string") throw new TraceError(`${p}.params.${k}`, "must be a number or a string");
        }
        d.params = params as Record<string, number | string>;
      }
      if (message === "query-params" && o.ids !== undefined)
        d.ids = arr(o.ids, `${p}.ids`).map((x, i) => str(x, `${p}.ids[${i}]`));
      if (message === "set-areas" || message === "delete-areas") {
        d.area = readAreaDownlink(o, message, p, (path, problem) => {
          throw new TraceError(path, problem);
        }, parseIsoUtc);
      }
      if (message === "raw") {
        d.hex = str(o.hex, `${p}.hex`);
        if (!/^([0-9a-fA-F]{2})+$/.test(d.hex)) throw new TraceError(`${p}.hex`, "must be whole bytes of hex");
      }
      return d;
    },
    duration,
  ).map((s) => ({ t: s.t, ...s.v }));

  return {
    name: root.name === undefined ? "trace" : str(root.name, "name"),
    start,
    startUtcMs,
    duration,
    seed,
    device: {
      id,
      gnss: dev.gnss === undefined ? "atgm336h" : oneOf(dev.gnss, GNSS_MODELS, "device.gnss"),
      modem: dev.modem === undefined ? "bc660k" : oneOf(dev.modem, MODEM_MODELS, "device.modem"),
      rdss: dev.rdss === undefined ? "none" : oneOf(dev.rdss, RDSS_MODELS, "device.rdss"),
      probes,
      battery,
    },
    config,
    power: power as Record<string, number>,
    route,
    sky: series(root.sky, "sky", (o, p) => oneOf(o.state, SKY_STATES, `${p}.state`), duration),
    network: series(root.network, "network", (o, p) => oneOf(o.nbiot, COVERAGES, `${p}.nbiot`), duration),
    rdssSky: series(root.rdssSky, "rdssSky", (o, p) => num(o.beams, `${p}.beams`, 0, 20), duration),
    temperature,
    door: series(root.door, "door", (o, p) => oneOf(o.state, ["open", "closed"] as const, `${p}.state`) === "open", duration),
    ignition: series(
      root.ignition,
      "ignition",
      (o, p) => {
        if (typeof o.on !== "boolean") throw new TraceError(`${p}.on`, "must be true or false");
        return o.on;
      },
      duration,
    ),
    supply: series(root.supply, "supply", (o, p) => oneOf(o.source, ["battery", "external"] as const, `${p}.source`), duration),
    faults,
    downlinks,
  };
}

/** Parses JSON text and validates it. JSON syntax errors are reported with the path "trace". */
export function loadTrace(text: string): Trace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new TraceError("trace", `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return validateTrace(raw);
}
