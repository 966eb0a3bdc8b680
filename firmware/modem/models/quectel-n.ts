/**
 * Quectel's "N" command family (BC95, BC28, BC35, BC660K): UDP through AT+NSOCR / AT+NSOST(F), downlink as
 * +NSONMI with the payload inline (AT+NSONMI=2), the radio's verdict on each numbered send as +NSOSTR.
 * The models differ in ICCID and signal commands and boot lines: those come from a small table per model.
 */
import { fromHex, toHex } from "../../core/bytes";
import type { AtCommand } from "../at-engine";
import { digits, fields } from "./at-parse";
import type { ConfigureParams, ModemName, ModemScripts, Release, ScriptStep } from "./model-types";
import { T } from "./model-types";
import type { Signal } from "./at-parse";

export interface QuectelNVariant {
  readonly name: ModemName;
  readonly iccid: AtCommand;
  readonly iccidPrefixes: readonly string[];
  readonly signal: AtCommand;
  readonly parseSignal: (lines: readonly string[]) => Signal;
  readonly bootPrefixes: readonly string[];
}

const cmd = (text: string, timeoutMs: number = T.quick, attempts = 3, claims?: readonly string[]): AtCommand =>
  Object.freeze({ text, timeoutMs, attempts, claims });

/**
 * NSOSTF flags (Quectel BC95 / BC660K AT Commands Manual, AT+NSOSTF; ../shared/reference/PROTOCOLS.md §5): 0x200
 * release right after this uplink (RAI), 0x400 release after the next downlink.
 */
const FLAGS: Readonly<Record<Release, string>> = Object.freeze({ none: "0x0", release: "0x200", "after-reply": "0x400" });

const URCS = Object.freeze(["+CEREG:", "+CSCON:", "+NSONMI:", "+NSOSTR:", "+NSOCLI:", "+NPSMR:", "+QATWAKEUP", "+CEDRXP:"]);

export function quectelN(v: QuectelNVariant): ModemScripts {
  const configure = (p: ConfigureParams): readonly ScriptStep[] =>
    Object.freeze([
      { cmd: cmd("ATE0"), optional: true },
      { cmd: cmd("AT+CEREG=5") },
      { cmd: cmd("AT+CSCON=1"), optional: true },
      { cmd: cmd("AT+NSONMI=2") },
      { cmd: cmd(`AT+CPSMS=1,,,"${p.tauBits}","${p.activeBits}"`, T.nv) },
      { cmd: cmd(p.edrx ? 'AT+CEDRXS=1,5,"0101"' : "AT+CEDRXS=0", T.nv), optional: true },
    ]);
  return Object.freeze({
    name: v.name,
    maxDatagram: 1358,
    urcPrefixes: Object.freeze([...URCS, ...v.bootPrefixes]),
    bootPrefixes: v.bootPrefixes,
    sync: cmd("AT", T.sync, 8),
    configure,
    identify: Object.freeze([
      { cmd: cmd("AT+CGSN=1"), capture: "imei" },
      { cmd: v.iccid, capture: "iccid", optional: true },
    ] as ScriptStep[]),
    simCheck: Object.freeze({ cmd: cmd(v.iccid.text, T.quick, 2), capture: "iccid" }) as ScriptStep,
    signal: Object.freeze({ cmd: v.signal, capture: "signal", optional: true }) as ScriptStep,
    queryRegistration: Object.freeze({ cmd: cmd("AT+CEREG?", T.quick, 3, ["+CEREG:"]), capture: "cereg" }) as ScriptStep,
    openSocket: (localPort: number) => cmd(`AT+NSOCR=DGRAM,17,${localPort},1`, T.nv, 2),
    connectSocket: () => undefined,
    socketId: (lines: readonly string[]) => {
      for (const l of lines) if (/^\d$/.test(l)) return Number(l);
      return undefined;
    },
    send: (s: number, ip: string, port: number, bytes: Uint8Array, release: Release, seq: number) => {
      const hex = toHex(bytes, true);
      const text =
        release === "none"
          ? `AT+NSOST=${s},${ip},${port},${bytes.length},${hex},${seq}`
          : `AT+NSOSTF=${s},${ip},${port},${FLAGS[release]},${bytes.length},${hex},${seq}`;
      return [cmd(text, T.send, 2)];
    },
    confirmsByUrc: true,
    sendTaken: (lines: readonly string[], s: number, length: number) => lines.some((l) => l === `${s},${length}`),
    sendStatus: (urc: string) => {
      const f = fields(urc, "+NSOSTR:");
      if (!f || f.length < 3 || !f.every((x) => /^\d+$/.test(x))) return undefined;
      return { socket: Number(f[0]), seq: Number(f[1]), ok: f[2] === "1" };
    },
    received: (urc: string) => {
      const f = fields(urc, "+NSONMI:");
      if (!f || f.length < 5 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[3])) return undefined;
      const bytes = fromHex(f[4]);
      if (!bytes || bytes.length !== Number(f[3])) return undefined;
      return { socket: Number(f[0]), bytes };
    },
    socketClosed: (urc: string) => {
      const f = fields(urc, "+NSOCLI:");
      return f && /^\d+$/.test(f[0] ?? "") ? Number(f[0]) : undefined;
    },
    closeSocket: (s: number) => cmd(`AT+NSOCL=${s}`),
    imei: (lines: readonly string[]) => digits(lines, ["+CGSN:"], 15, 15),
    iccid: (lines: readonly string[]) => digits(lines, v.iccidPrefixes, 19, 20),
    parseSignal: v.parseSignal,
  });
}

export { cmd as quectelCommand };
