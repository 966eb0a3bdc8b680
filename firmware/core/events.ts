/**
 * Structured log lines: `name key=value key=value`. They read well in xsbug on the device, and the simulator
 * parses the same lines to count fixes, records, alarms and uplinks without reaching into the firmware.
 */
import type { Log, LogLevel } from "../../hal/ports";

export type EventValue = string | number | boolean | undefined;

export function formatEvent(name: string, fields: Record<string, EventValue> = {}): string {
  let s = name;
  for (const k of Object.keys(fields)) {
    const v = fields[k];
    if (v === undefined) continue;
    const text = typeof v === "boolean" ? (v ? "1" : "0") : typeof v === "number" ? fmtNum(v) : v.replace(/\s/g, "_");
    s += ` ${k}=${text}`;
  }
  return s;
}

function fmtNum(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v * 1e6) / 1e6);
}

export function emit(log: Log, name: string, fields: Record<string, EventValue> = {}, level: LogLevel = "info"): void {
  log.log(level, formatEvent(name, fields));
}

/** Inverse of formatEvent; undefined when the line is not an event line. */
export function parseEvent(line: string): { name: string; fields: Record<string, string> } | undefined {
  const parts = line.split(" ");
  if (!/^[a-z][a-z0-9-]*$/.test(parts[0])) return undefined;
  const fields: Record<string, string> = {};
  for (let i = 1; i < parts.length; i++) {
    const eq = parts[i].indexOf("=");
    if (eq <= 0) return undefined;
    fields[parts[i].slice(0, eq)] = parts[i].slice(eq + 1);
  }
  return { name: parts[0], fields };
}
