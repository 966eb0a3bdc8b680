/**
 * SIMCom SIM7020: sockets are created (AT+CSOC) then bound to the peer (AT+CSOCON); AT+CSOSEND's length counts hex
 * characters; downlink arrives as +CSONMI with the same hex length. RAI is set before each send with AT+CNBIOTRAI
 * (1: no further traffic, 2: one downlink expected). OK to AT+CSOSEND is the only verdict this model gives.
 *
 * Sources: SIMCom SIM7020 Series AT Command Manual V1.05 (AT+CSOC, AT+CSOCON, AT+CSOSEND, +CSONMI, AT+CSOCL,
 * AT+CNBIOTRAI; ../shared/reference/PROTOCOLS.md §5 for the hex-character lengths). The stored public SIM7020E
 * drivers send AT+CNBIOTRAI=1; the value 2 follows the 3GPP RAI values as Quectel documents them (BG95 TCP/IP
 * application note, AT+QISENDEX <RAI_info>: 0 none, 1 no further uplink or downlink, 2 only one downlink).
 */
import { fromHex, toHex } from "../../core/bytes";
import type { AtCommand } from "../at-engine";
import { digits, fields, parseCsq } from "./at-parse";
import type { ConfigureParams, ModemScripts, Release, ScriptStep } from "./model-types";
import { T } from "./model-types";

const cmd = (text: string, timeoutMs: number = T.quick, attempts = 3, claims?: readonly string[]): AtCommand =>
  Object.freeze({ text, timeoutMs, attempts, claims });

const RAI: Readonly<Record<Release, number>> = Object.freeze({ none: 0, release: 1, "after-reply": 2 });
const BOOT = Object.freeze(["RDY"]);

export const SIM7020: ModemScripts = Object.freeze({
  name: "sim7020",
  // 512 bytes = 1024 hex characters, the longest AT+CSOSEND data the manual allows.
  maxDatagram: 512,
  urcPrefixes: Object.freeze(["+CEREG:", "+CSCON:", "+CSONMI:", "+CSOERR:", "+CEDRXP:", "+CPIN:", ...BOOT]),
  bootPrefixes: BOOT,
  sync: cmd("AT", T.sync, 8),
  configure: (p: ConfigureParams): readonly ScriptStep[] =>
    Object.freeze([
      { cmd: cmd("ATE0"), optional: true },
      { cmd: cmd("AT+CEREG=5") },
      { cmd: cmd("AT+CSCON=1"), optional: true },
      { cmd: cmd(`AT+CPSMS=1,,,"${p.tauBits}","${p.activeBits}"`, T.nv) },
      { cmd: cmd(p.edrx ? 'AT+CEDRXS=1,5,"0101"' : "AT+CEDRXS=0", T.nv), optional: true },
    ]),
  identify: Object.freeze([
    { cmd: cmd("AT+CGSN=1"), capture: "imei" },
    { cmd: cmd("AT+CCID"), capture: "iccid", optional: true },
  ] as ScriptStep[]),
  simCheck: Object.freeze({ cmd: cmd("AT+CCID", T.quick, 2), capture: "iccid" }) as ScriptStep,
  signal: Object.freeze({ cmd: cmd("AT+CSQ", T.quick, 2), capture: "signal", optional: true }) as ScriptStep,
  queryRegistration: Object.freeze({ cmd: cmd("AT+CEREG?", T.quick, 3, ["+CEREG:"]), capture: "cereg" }) as ScriptStep,
  openSocket: () => cmd("AT+CSOC=1,2,1", T.nv, 2),
  connectSocket: (s: number, ip: string, port: number) => cmd(`AT+CSOCON=${s},${port},"${ip}"`, T.nv, 2),
  socketId: (lines: readonly string[]) => {
    for (const l of lines) {
      const f = fields(l, "+CSOC:");
      if (f && /^\d$/.test(f[0] ?? "")) return Number(f[0]);
    }
    return undefined;
  },
  send: (s: number, _ip: string, _port: number, bytes: Uint8Array, release: Release) => {
    const hex = toHex(bytes, true);
    return [cmd(`AT+CNBIOTRAI=${RAI[release]}`, T.quick, 2), cmd(`AT+CSOSEND=${s},${hex.length},${hex}`, T.send, 2)];
  },
  confirmsByUrc: false,
  sendTaken: () => true,
  sendStatus: () => undefined,
  received: (urc: string) => {
    const f = fields(urc, "+CSONMI:");
    if (!f || f.length < 3 || !/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1])) return undefined;
    const bytes = fromHex(f[2]);
    if (!bytes || f[2].length !== Number(f[1])) return undefined;
    return { socket: Number(f[0]), bytes };
  },
  socketClosed: (urc: string) => {
    const f = fields(urc, "+CSOERR:");
    return f && /^\d+$/.test(f[0] ?? "") ? Number(f[0]) : undefined;
  },
  closeSocket: (s: number) => cmd(`AT+CSOCL=${s}`),
  imei: (lines: readonly string[]) => digits(lines, ["+CGSN:"], 15, 15),
  iccid: (lines: readonly string[]) => digits(lines, ["+CCID:"], 19, 20),
  parseSignal: (lines: readonly string[]) => ({ rssi: parseCsq(lines) }),
});
