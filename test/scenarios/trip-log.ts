/**
 * Reading a whole simulated trip back: the firmware's event lines (records created, wakes, cuts, config changes)
 * and the fleet server's side (record arrivals in order, the messages it exchanged).
 */
import { readFileSync } from "node:fs";
import { parseEvent } from "../../firmware/core/events";
import type { Arrival, FleetServer } from "../../sim/world/fleet-server";
import type { SimResult } from "../../sim/simulation";
import { loadTrace } from "../../sim/world/trace-loader";
import type { Trace } from "../../sim/world/trace-types";

export function referenceTrace(name: string): Trace {
  return loadTrace(readFileSync(new URL(`../../sim/traces/${name}.json`, import.meta.url), "utf8"));
}

export interface Event {
  t: number; // s
  name: string;
  f: Record<string, string>;
}

/** The transcript's event lines (`12.345 info name key=value ...`); other lines are left out. */
export function events(transcript: readonly string[]): Event[] {
  const out: Event[] = [];
  for (const line of transcript) {
    const sp1 = line.indexOf(" ");
    const sp2 = line.indexOf(" ", sp1 + 1);
    const ev = parseEvent(line.slice(sp2 + 1));
    if (ev) out.push({ t: Number(line.slice(0, sp1)), name: ev.name, f: ev.fields });
  }
  return out;
}

export interface Created {
  seq: number;
  kind: string;
  t: number; // s
  code?: string;
}

/** Records the device stored (seq > 0), in the order it logged them. */
export function created(evs: readonly Event[]): Created[] {
  return evs
    .filter((e) => e.name === "record" && Number(e.f.seq) > 0)
    .map((e) => ({ seq: Number(e.f.seq), kind: e.f.kind, t: e.t, code: e.f.code }));
}

export interface ServerEntry {
  t: number; // s
  dir: "up" | "down";
  msgId: number;
  serial: number;
  body: Record<string, unknown>;
}

export function serverEntries(r: SimResult): ServerEntry[] {
  return r.serverLog.map((l) => JSON.parse(l) as ServerEntry);
}

export const MSG_LOCATION = 0x0200;
export const MSG_LOCATION_REPLY = 0x0201;
export const MSG_BATCH = 0x0704;

/** The location bodies of one uplink entry (a batch holds several). */
export function locationBodies(e: ServerEntry): Record<string, unknown>[] {
  if (e.dir !== "up") return [];
  if (e.msgId === MSG_LOCATION || e.msgId === MSG_LOCATION_REPLY) return [e.body];
  if (e.msgId === MSG_BATCH) {
    const items = e.body.items;
    return Array.isArray(items) ? (items as Record<string, unknown>[]) : [e.body];
  }
  return [];
}

/** The product's vendor item (0xE7) of a decoded location body, when it decoded. */
export function vendorOf(body: Record<string, unknown>): { seq: number; kind: string } | undefined {
  const items = body.items as Record<string, unknown> | undefined;
  const v = items?.["0xE7"];
  return typeof v === "object" && v !== null && typeof (v as { seq?: unknown }).seq === "number"
    ? (v as { seq: number; kind: string })
    : undefined;
}

/**
 * What simulate() should return besides the summary and the logs: the fleet server itself, whose `arrivals` hold
 * both routes in order. Until it does, arrivals are read from serverLog, which only holds the JT/T 808 route.
 */
export type SimResultWithServer = SimResult & { server?: FleetServer };

export function arrivals(r: SimResult): { list: Arrival[]; withShortMessages: boolean } {
  const server = (r as SimResultWithServer).server;
  if (server) return { list: server.arrivals.slice(), withShortMessages: true };
  const list: Arrival[] = [];
  const copies = new Map<number, number>();
  for (const e of serverEntries(r)) {
    for (const b of locationBodies(e)) {
      const v = vendorOf(b);
      if (!v || v.seq === 0) continue; // seq 0 answers a location query: not a logged record
      const copy = (copies.get(v.seq) ?? 0) + 1;
      copies.set(v.seq, copy);
      list.push({ atMs: Math.round(e.t * 1000), seq: v.seq, kind: v.kind as Arrival["kind"], via: "jt808", copy });
    }
  }
  return { list, withShortMessages: false };
}
