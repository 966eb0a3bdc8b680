/**
 * What the fuzzer feeds, each target the real firmware code on the path bytes take from outside the device:
 *
 * - gnss: the receiver stream (NMEA sentences, CASIC and UBX binary frames) into GnssParser, as one long stream;
 * - at: modem output into the AT receiver of each model, every item into that model's reply and URC parsers;
 * - rdss: short-message module output into the line framer and the 2.1/4.0 sentence parser;
 * - jt808: platform datagrams through frame splitting, unescaping, BCC and sub-package joining into the downlink
 *   handler; 0x8103 sets are built with random TLVs (known and unknown ids, every length) and what the handler
 *   accepts must pass the configuration's validation again;
 * - set: the `SET key=value` text command, whose accepted changes must validate again;
 * - trace: the trace loader, which may only ever answer with a TraceError.
 *
 * Seeds come from the firmware's own encoders, a few literal replies from the modem manuals and what the caller
 * adds (vector files, the reference traces).
 */
import { ascii, fromAscii } from "../../firmware/core/bytes";
import { validate, defaults } from "../../firmware/config/config";
import { PARAMS } from "../../firmware/config/param-ids";
import { GnssParser } from "../../firmware/gnss/gnss-parser";
import { casic, ubxRestart, ubxSetup, ubxBackup, ubx } from "../../firmware/gnss/receiver-commands";
import { AtReceiver, type AtItem } from "../../firmware/modem/at-digester";
import { parseCereg } from "../../firmware/modem/models/at-parse";
import { MODELS } from "../../firmware/modem/models/model-table";
import { MAX_AREAS, type Area } from "../../firmware/config/area";
import { AREA_MSG, encodeAreaItem, encodeDeleteAreas, encodeSetAreas } from "../../firmware/protocol/area-messages";
import { handleDownlink } from "../../firmware/protocol/downlink";
import { MAX_BODY, encodeFrame } from "../../firmware/protocol/frame";
import { MSG } from "../../firmware/protocol/messages";
import { encodeItems, encodeQueryIds } from "../../firmware/protocol/params";
import { readMessages, type RxCounters } from "../../firmware/protocol/rx-frames";
import { Reassembler } from "../../firmware/protocol/subpackage";
import { RdssLineFramer, MAX_RDSS_LINE } from "../../firmware/rdss/line-framer";
import { frame as rdssFrame, newSentenceCounters, parseSentence as parseRdss } from "../../firmware/rdss/sentences";
import { parseTextCommand } from "../../firmware/rdss/text-command";
import type { TrackRecord } from "../../firmware/store/track-record";
import { TraceError, loadTrace } from "../world/trace-loader";
import type { Rng } from "../world/rng";
import type { FuzzTarget } from "./fuzz";

export interface Corpus {
  gnss?: readonly Uint8Array[];
  at?: readonly Uint8Array[];
  rdss?: readonly Uint8Array[];
  jt808?: readonly Uint8Array[];
  set?: readonly Uint8Array[];
  trace?: readonly Uint8Array[];
}

const lines = (xs: readonly string[]) => xs.map((x) => ascii(x));
const MAX_GNSS_LINE = 120;

function gnssTarget(extra: readonly Uint8Array[]): FuzzTarget {
  const c = { fixes: 0, texts: 0 };
  const p = new GnssParser({ fix: () => c.fixes++, text: () => c.texts++ }, MAX_GNSS_LINE);
  const seeds = [
    ...lines([
      "$GNGGA,023417.000,3954.7890,N,11624.1234,E,1,12,0.8,45.2,M,-8.0,M,,*55\r\n",
      "$GNRMC,023417.000,A,3954.7890,N,11624.1234,E,12.30,87.50,010726,,,A,V*0B\r\n",
      "$GPGSV,3,1,12,01,45,120,38,03,30,200,35,07,60,045,40,08,10,300,22*7A\r\n",
      "$GPTXT,01,01,01,ANTENNA OPEN*25\r\n",
      "$GPTXT,01,01,02,IC=AT6558R-5N-32-1C580901*13\r\n",
    ]),
    casic("PCAS03,1,0,1,5,1,0,0,1,0,0,,,0,0,,,,0"),
    ubxSetup(),
    ubxRestart("hot"),
    ubxBackup(60_000),
    ubx(0x01, 0x07, new Uint8Array(92)),
    Uint8Array.of(0xba, 0xce, 0x08, 0x00, 0x01, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0),
    ...extra,
  ];
  return {
    name: "NMEA/CASIC/UBX framer and parser",
    seeds,
    tokens: [0x24, 0x2a, 0x2c, 0x0d, 0x0a, 0xb5, 0x62, 0xba, 0xce],
    run: (input) => {
      p.push(input);
      return undefined;
    },
    buffers: () => ({ line_bytes: { now: p.pending, max: MAX_GNSS_LINE } }),
    counts: () => {
      const k = p.counters;
      return { fixes: c.fixes, sentences: k.sentences, checksum_rejects: k.checksum, junk_bytes: k.junkBytes };
    },
  };
}

/** Every item of each model's receiver goes to that model's parsers, as the engine and the link use them. */
function atTarget(extra: readonly Uint8Array[]): FuzzTarget {
  const models = Object.values(MODELS);
  const rx = models.map((m) => new AtReceiver(m.urcPrefixes, 4096));
  const held: string[][] = models.map(() => []);
  const c = { items: 0, urcs: 0, finals: 0 };
  const seeds = lines([
    "\r\nOK\r\n",
    "\r\n+CME ERROR: 50\r\n",
    "\r\n+CEREG: 5,1,\"1A2B\",\"0C3D4E5F\",9,,,\"00100011\",\"01000011\"\r\nOK\r\n",
    "\r\n+CEREG:1,\"1A2B\",\"0C3D4E5F\",9\r\n",
    "\r\n+CSQ: 20,99\r\nOK\r\n",
    "\r\n+CESQ: 99,99,255,255,20,45\r\nOK\r\n",
    "\r\nNUESTATS:SIGNAL POWER,-750\r\nNUESTATS:TOTAL POWER,-680\r\nOK\r\n",
    "\r\n+CGSN:863716049970731\r\nOK\r\n",
    "\r\n+QCCID: 89860317452047123456\r\nOK\r\n",
    "\r\n1\r\nOK\r\n",
    "\r\n+CSOC: 1\r\nOK\r\n",
    "\r\n1,24\r\nOK\r\n",
    "\r\n+NSOSTR:1,7,1\r\n",
    "\r\n+NSONMI:1,203.0.113.10,6808,4,7E80017E\r\n",
    "\r\n+CSONMI: 1,8,7E80017E\r\n",
    "\r\n+NSOCLI: 1\r\n+CSOERR: 1,4\r\n",
    "\r\nREBOOT_CAUSE_APPLICATION_AT\r\nNeul \r\nOK\r\n",
    "\r\nRDY\r\n+CPIN: READY\r\n",
    "AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n",
    "\r\n> ",
  ]).concat(extra);
  const sink = (m: number) => (item: AtItem) => {
    const model = models[m];
    c.items++;
    if (item.kind === "urc") {
      c.urcs++;
      model.received(item.text);
      model.sendStatus(item.text);
      model.socketClosed(item.text);
      parseCereg(item.text, false);
    } else if (item.kind === "line" || item.kind === "echo") {
      if (held[m].length < 64) held[m].push(item.text);
    } else if (item.kind === "ok" || item.kind === "error") {
      c.finals++;
      const ls = held[m];
      model.socketId(ls);
      model.imei(ls);
      model.iccid(ls);
      model.parseSignal(ls);
      model.sendTaken(ls, 1, 24);
      for (const l of ls) parseCereg(l, true);
      held[m] = [];
    }
  };
  const sinks = models.map((_, m) => sink(m));
  return {
    name: "AT digester with every model's parsers",
    seeds,
    tokens: [0x0d, 0x0a, 0x2c, 0x22, 0x3a, 0x3e, 0x2b, 0x20],
    run: (input, rng) => {
      // split the input at a random point: items cross chunk boundaries as they do on the UART
      const cut = rng.int(0, input.length);
      for (let m = 0; m < models.length; m++) {
        rx[m].push(input.subarray(0, cut), sinks[m]);
        rx[m].push(input.subarray(cut), sinks[m]);
      }
      return undefined;
    },
    buffers: () => ({ rx_bytes: { now: Math.max(...rx.map((r) => r.pending().length)), max: 4096 } }),
    counts: () => ({ items: c.items, urcs: c.urcs, finals: c.finals, garbage_bytes: rx[0].counters.garbage }),
  };
}

function rdssTarget(extra: readonly Uint8Array[]): FuzzTarget {
  const counters = newSentenceCounters();
  let longest = 0;
  let parsed = 0;
  const framer = new RdssLineFramer((line) => {
    longest = Math.max(longest, line.length);
    if (parseRdss(line, counters)) parsed++;
  });
  const body = (b: string) => ascii(`${rdssFrame(b)}\r\n`);
  const seeds = [
    body("BDTXR,1,0179773,2,,A468656C6C6F"),
    body("BDFKI,TXA,Y,Y,0,0040"),
    body("BDBSI,01,03,3,2,2,0,3,0,0,3,0,0"),
    body("BDICI,0138000,00000000,0247718,1,60,2,N,22"),
    body("BDPWI,123456.00,10,01,2,3,02,1,0,03,3,3"),
    body("BDFKI,hhmmss,TCQ,N,1,0050"),
    body("BDICP,0138000,0,0,0,3,60,0,0"),
    ...extra,
  ];
  return {
    name: "RDSS line framer and sentence parser",
    seeds,
    tokens: [0x24, 0x2a, 0x2c, 0x0d, 0x0a],
    run: (input) => {
      framer.push(input);
      return undefined;
    },
    buffers: () => ({ line_bytes: { now: longest, max: MAX_RDSS_LINE } }),
    counts: () => ({ sentences: parsed, bad_checksum: counters.badChecksum, malformed: counters.malformed }),
  };
}

const RECORD: TrackRecord = { seq: 7, kind: "position", utc: 1_782_867_336_000, mono: 1000, temps: [40], doorOpen: false, acc: true, external: false, batteryMv: 3600, alarms: 0 };

/** A 0x8103 of random items: ids known and unknown, lengths right and wrong, values in and out of range. */
function randomSetParams(rng: Rng): Uint8Array {
  const items = [];
  const n = rng.int(0, 6);
  let bytes = 1;
  for (let i = 0; i < n; i++) {
    const spec = PARAMS[rng.int(0, PARAMS.length - 1)];
    const id = rng.chance(0.8) ? spec.id : rng.int(0, 0xffffffff);
    const len = rng.chance(0.7) ? (spec.type === "u8" ? 1 : spec.type === "u16" ? 2 : spec.type === "u32" ? 4 : rng.int(0, 40)) : rng.int(0, 255);
    const value = new Uint8Array(len);
    for (let k = 0; k < len; k++) value[k] = spec.type === "string" && rng.chance(0.8) ? rng.int(0x20, 0x7e) : rng.chance(0.5) ? 0 : rng.int(0, 255);
    // one frame carries at most MAX_BODY bytes of body (a longer set would come sub-packaged)
    if (bytes + 5 + len > MAX_BODY) break;
    bytes += 5 + len;
    items.push({ id, value });
  }
  return encodeItems(items);
}

function jt808Target(extra: readonly Uint8Array[]): FuzzTarget {
  const reasm = new Reassembler();
  const rx: RxCounters = { framesIn: 0, badFrames: 0, badBcc: 0, badLength: 0, junkBytes: 0 };
  // the areas held: what accepted area messages change (0x8600-0x8605 go through the same handler)
  let held: readonly Area[] = [];
  const ctx = { config: defaults(), current: () => RECORD, areas: () => held };
  const ed = ctx.config.proto === 2013 ? 2013 : 2019; // the edition the handler reads area bodies in
  const circle: Area = { type: 1, id: 7, attr: 0, center: { lat: 39.9, lon: 116.4 }, radiusM: 500 };
  const rect: Area = { type: 2, id: 8, attr: 0, nw: { lat: 40, lon: 116 }, se: { lat: 39, lon: 117 } };
  const poly: Area = { type: 3, id: 9, attr: 0, points: [{ lat: 39, lon: 116 }, { lat: 39.5, lon: 116.5 }, { lat: 39, lon: 117 }] };
  const c = { messages: 0, accepted_sets: 0, area_changes: 0, refused: 0 };
  let problem: string | undefined;
  const phone = "013800138001";
  const fr = (msgId: number, body: Uint8Array, serial = 1) => encodeFrame({ msgId, edition: 2013, phone, serial }, body);
  const seeds = [
    fr(MSG.setParams, encodeItems([{ id: 0x0029, value: Uint8Array.of(0, 0, 0, 120) }])),
    fr(MSG.queryParams, new Uint8Array(0)),
    fr(MSG.querySomeParams, encodeQueryIds([0x0029, 0x0030])),
    fr(MSG.queryLocation, new Uint8Array(0)),
    fr(MSG.control, Uint8Array.of(4)),
    fr(MSG.ackAlarm, Uint8Array.of(0, 1, 0, 0, 0, 0)),
    encodeFrame({ msgId: MSG.setParams, edition: 2019, protoVersion: 1, phone, serial: 9 }, encodeItems([{ id: 0xf013, value: ascii("*:2:8:600:300:0.5:0") }])),
    encodeFrame({ msgId: MSG.setParams, edition: 2013, phone, serial: 3, packet: { total: 2, index: 1 } }, Uint8Array.of(1, 0, 0)),
    fr(AREA_MSG.setCircles, encodeSetAreas(0, [circle], ed)),
    fr(AREA_MSG.setRectangles, encodeSetAreas(1, [rect], ed)),
    fr(AREA_MSG.setPolygon, encodeAreaItem(poly, ed)),
    fr(AREA_MSG.deleteCircles, encodeDeleteAreas([7])),
    ...extra,
  ];
  /** A well-framed area message of random areas: shapes, counts, coordinates and vertex counts in and out of range. */
  const randomAreaMessage = (rng: Rng): Uint8Array => {
    const coord = () => ({ lat: rng.chance(0.9) ? rng.next() * 90 : rng.next() * 400 - 200, lon: rng.chance(0.9) ? rng.next() * 180 : -rng.next() * 999 });
    const area = (type: 1 | 2 | 3): Area => {
      const base = { id: rng.int(0, 40), attr: rng.chance(0.8) ? 0 : rng.int(0, 0xffff) };
      if (type === 1) return { ...base, type, center: coord(), radiusM: rng.int(0, 2_000_000) };
      if (type === 2) return { ...base, type, nw: coord(), se: coord() };
      return { ...base, type, points: Array.from({ length: rng.int(0, 40) }, coord) };
    };
    const kind = rng.int(0, 3);
    if (kind === 3) return fr([AREA_MSG.deleteCircles, AREA_MSG.deleteRectangles, AREA_MSG.deletePolygons][rng.int(0, 2)], encodeDeleteAreas(Array.from({ length: rng.int(0, 5) }, () => rng.int(0, 40))));
    if (kind === 2) return fr(AREA_MSG.setPolygon, encodeAreaItem(area(3), ed));
    const type = kind === 0 ? 1 : 2;
    const list = Array.from({ length: rng.int(0, 10) }, () => area(type));
    return fr(type === 1 ? AREA_MSG.setCircles : AREA_MSG.setRectangles, encodeSetAreas(rng.int(0, 2) as 0 | 1 | 2, list, ed));
  };
  const each = (msgId: number, serial: number, body: Uint8Array) => {
    c.messages++;
    const out = handleDownlink(msgId, serial, body, ctx);
    for (const a of out.actions) {
      if (a.type === "areas-change") {
        held = a.areas;
        c.area_changes++;
      }
      if (a.type !== "config-change") continue;
      c.accepted_sets++;
      const again = validate(a.changes as Record<string, unknown>);
      if ("error" in again) problem = `accepted a parameter set validation refuses: ${again.error}`;
    }
    if (out.refused) c.refused++;
  };
  return {
    name: "JT/T 808 frames and downlink handler",
    seeds,
    tokens: [0x7e, 0x7d, 0x01, 0x02, 0x81, 0x03],
    // a well-framed 0x8103 whose TLVs are random, so the handler itself is reached; or one part of a sub-packaged
    // message (one of a few, so parts of the same message meet), as a platform or a corrupted stream may send
    generate: (rng) => {
      if (rng.chance(0.25)) return randomAreaMessage(rng);
      if (rng.chance(0.6)) return fr(MSG.setParams, randomSetParams(rng), rng.int(0, 0xffff));
      const total = rng.chance(0.5) ? 3 : 40_000;
      const index = rng.int(1, total);
      const body = new Uint8Array(rng.int(0, MAX_BODY));
      const base = rng.int(1, 2) * 1000;
      return encodeFrame({ msgId: MSG.setParams, edition: 2013, phone, serial: (base + index - 1) & 0xffff, packet: { total, index } }, body);
    },
    run: (input) => {
      problem = undefined;
      readMessages(input, reasm, rx, each);
      return problem;
    },
    // the device's heap is ~100 KB: what sub-packages may make it hold must stay a small part of it
    buffers: () => ({ reassembly_bytes: { now: reasm.heldBytes, max: 16 * 1024 }, areas_held: { now: held.length, max: MAX_AREAS } }),
    counts: () => ({ ...c, bad_frames: rx.badFrames, bad_bcc: rx.badBcc }),
  };
}

function setTarget(extra: readonly Uint8Array[]): FuzzTarget {
  const c = { applied: 0, refused: 0 };
  const seeds = lines([
    "SET rep_moving_s=600 rdss_stale_s=7200",
    "SET bands=*:2:8:600:300:0.5:0;front:-25:-15:900:600:1:1",
    "set temp_log_s=300,temp_fast_s=60",
    "SET server=203.0.113.10 port=6808",
    "SET fix_hdop_max=2.5",
    "SET",
  ]).concat(extra);
  return {
    name: "SET text command",
    seeds,
    tokens: [0x20, 0x2c, 0x3d, 0x3a, 0x3b, 0x2e, 0x2d],
    run: (input) => {
      const r = parseTextCommand(fromAscii(input));
      if ("error" in r) {
        c.refused++;
        return undefined;
      }
      c.applied++;
      const again = validate(r.ok as Record<string, unknown>);
      return "error" in again ? `accepted a command validation refuses: ${again.error}` : undefined;
    },
    buffers: () => ({}),
    counts: () => c,
  };
}

const ODD: readonly unknown[] = [null, -1, 0, 1e308, -1e-9, 2 ** 53, "", "x", "2026-13-45T99:00:00Z", true, [], {}, [null], { t: "0" }];

/** A copy of a parsed JSON value with one node (chosen at random, depth first) replaced by an odd value. */
function reshape(v: unknown, rng: Rng, depth = 0): unknown {
  if (depth > 0 && rng.chance(0.25)) return ODD[rng.int(0, ODD.length - 1)];
  if (Array.isArray(v)) {
    if (v.length === 0) return v;
    const out = v.slice();
    const i = rng.int(0, out.length - 1);
    out[i] = reshape(out[i], rng, depth + 1);
    return out;
  }
  if (v !== null && typeof v === "object") {
    const o = { ...(v as Record<string, unknown>) };
    const keys = Object.keys(o);
    if (keys.length === 0) return o;
    const k = keys[rng.int(0, keys.length - 1)];
    if (rng.chance(0.1)) delete o[k];
    else o[k] = reshape(o[k], rng, depth + 1);
    return o;
  }
  return depth > 0 ? ODD[rng.int(0, ODD.length - 1)] : v;
}

function traceTarget(extra: readonly Uint8Array[]): FuzzTarget {
  const c = { loaded: 0, refused: 0 };
  return {
    name: "trace loader",
    seeds: extra,
    tokens: [0x7b, 0x7d, 0x5b, 0x5d, 0x22, 0x3a, 0x2c, 0x2d, 0x30, 0x6e],
    // the seed with one value anywhere in it replaced by a value of another shape
    generate: (rng) => ascii(JSON.stringify(reshape(JSON.parse(fromAscii(extra[rng.int(0, extra.length - 1)])), rng))),
    run: (input) => {
      try {
        loadTrace(fromAscii(input));
        c.loaded++;
      } catch (e) {
        if (!(e instanceof TraceError)) throw e;
        c.refused++;
      }
      return undefined;
    },
    buffers: () => ({}),
    counts: () => c,
  };
}

export function fuzzTargets(corpus: Corpus = {}): FuzzTarget[] {
  return [
    gnssTarget(corpus.gnss ?? []),
    atTarget(corpus.at ?? []),
    rdssTarget(corpus.rdss ?? []),
    jt808Target(corpus.jt808 ?? []),
    setTarget(corpus.set ?? []),
    traceTarget(corpus.trace ?? []),
  ];
}
