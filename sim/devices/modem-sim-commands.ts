/**
 * The simulated modem's AT command set: one command line in, the answer text out (CRLF-framed as the parts print
 * it). Side effects (sockets, PSM settings, uplinks) go through the SimModemCore the modem implements.
 */
import { crlf, SIM_CI, SIM_ICCID, SIM_IMEI, SIM_TAC, type Dialect } from "./modem-sim-dialect";
import type { UplinkRelease } from "./modem-sim-radio";
import type { Coverage } from "../world/trace-types";

export interface SimSocket {
  localPort: number;
  peer?: { ip: string; port: number };
}

/** What the command set needs from the modem. */
export interface SimModemCore {
  readonly dialect: Dialect;
  echo: boolean;
  ceregMode: number;
  nsonmi: number;
  rai: number;
  tauBits: string;
  activeBits: string;
  readonly sockets: Map<number, SimSocket>;
  stat(): number;
  coverage(): Coverage;
  setPsm(enabled: boolean, tauBits: string, activeBits: string): void;
  canSend(): boolean;
  /** Puts a datagram on the air; `seq` > 0 asks for a +NSOSTR verdict. */
  uplink(socket: number, peer: { ip: string; port: number }, bytes: Uint8Array, release: UplinkRelease, seq: number): void;
  reboot(): void;
}

const OK = crlf("OK");
const MAX_N_PAYLOAD = 1358;
const MAX_CSO_HEX = 1024;

function fail(m: SimModemCore, cme: number): string {
  return m.dialect.cmeOnError ? crlf(`+CME ERROR: ${cme}`) : crlf("ERROR");
}

function hexBytes(hex: string): Uint8Array | undefined {
  if (!/^([0-9A-Fa-f]{2})*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The +CEREG body (after the colon) for the current state, URC form unless `n` is given (query form). */
export function ceregBody(m: SimModemCore, n?: number): string {
  const mode = n ?? m.ceregMode;
  const head = n === undefined ? `${m.stat()}` : `${n},${m.stat()}`;
  if (m.stat() !== 1 || mode < 2) return head;
  const base = `${head},"${SIM_TAC}","${SIM_CI}",9`;
  if (mode < 4) return base;
  return `${base},${mode === 5 ? "0,0" : ","},"${m.activeBits}","${m.tauBits}"`;
}

function signal(m: SimModemCore, cmd: string): string {
  const c = m.coverage();
  const reg = m.stat() === 1;
  const sp = m.dialect.sp;
  if (cmd === "AT+CSQ") return crlf(`+CSQ:${sp}${!reg ? 99 : c === "good" ? 20 : 6},99`) + OK;
  if (cmd === "AT+CESQ") return crlf(`+CESQ:${sp}99,99,255,255,${reg ? 20 : 255},${!reg ? 255 : c === "good" ? 56 : 16}`) + OK;
  const power = !reg ? -32768 : c === "good" ? -850 : -1250;
  const ecl = !reg ? 255 : c === "good" ? 0 : 2;
  const lines = [`Signal power:${power}`, "Total power:-700", "TX power:230", "TX time:1204", "RX time:7620",
    "Cell ID:203902564", `ECL:${ecl}`, "SNR:120", "EARFCN:2506", "PCI:302", "RSRQ:-108"];
  return lines.map(crlf).join("") + OK;
}

function nSockets(m: SimModemCore, cmd: string): string | undefined {
  const sp = m.dialect.sp;
  let r = /^AT\+NSOCR=DGRAM,17,(\d+),([01])$/.exec(cmd);
  if (r) {
    const port = Number(r[1]);
    for (const s of m.sockets.values()) if (port !== 0 && s.localPort === port) return fail(m, 4);
    for (let id = 0; id < 7; id++) {
      if (m.sockets.has(id)) continue;
      m.sockets.set(id, { localPort: port });
      return crlf(`${id}`) + OK;
    }
    return fail(m, 4);
  }
  r = /^AT\+NSOSTF?=(\d),([0-9.]+),(\d+),(?:(0x[0-9A-Fa-f]+),)?(\d+),([0-9A-Fa-f]*)(?:,(\d+))?$/.exec(cmd);
  if (r) {
    const flagged = cmd.startsWith("AT+NSOSTF=");
    if (flagged !== (r[4] !== undefined)) return fail(m, 50);
    const s = Number(r[1]);
    const len = Number(r[5]);
    const bytes = hexBytes(r[6]);
    const seq = r[7] === undefined ? 0 : Number(r[7]);
    if (!m.sockets.has(s) || !bytes || bytes.length !== len || len > MAX_N_PAYLOAD || seq > 255) return fail(m, 50);
    if (!m.canSend()) return fail(m, 159);
    const flag = flagged ? parseInt(r[4], 16) : 0;
    const release: UplinkRelease = flag & 0x200 ? "release" : flag & 0x400 ? "after-reply" : "none";
    m.uplink(s, { ip: r[2], port: Number(r[3]) }, bytes, release, seq);
    return crlf(`${s},${len}`) + OK;
  }
  r = /^AT\+NSOCL=(\d)$/.exec(cmd);
  if (r) return m.sockets.delete(Number(r[1])) ? OK : fail(m, 4);
  r = /^AT\+NSONMI=([0-3])$/.exec(cmd);
  if (r) {
    m.nsonmi = Number(r[1]);
    return OK;
  }
  if (cmd === "AT+NSONMI?") return crlf(`+NSONMI:${sp}${m.nsonmi}`) + OK;
  return undefined;
}

function csoSockets(m: SimModemCore, cmd: string): string | undefined {
  let r = /^AT\+CSOC=1,2,1$/.exec(cmd);
  if (r) {
    for (let id = 0; id < 5; id++) {
      if (m.sockets.has(id)) continue;
      m.sockets.set(id, { localPort: 0 });
      return crlf(`+CSOC: ${id}`) + OK;
    }
    return fail(m, 4);
  }
  r = /^AT\+CSOCON=(\d),(\d+),"([0-9.]+)"$/.exec(cmd);
  if (r) {
    const s = m.sockets.get(Number(r[1]));
    if (!s) return fail(m, 4);
    s.peer = { ip: r[3], port: Number(r[2]) };
    return OK;
  }
  r = /^AT\+CNBIOTRAI=([0-2])$/.exec(cmd);
  if (r) {
    m.rai = Number(r[1]);
    return OK;
  }
  r = /^AT\+CSOSEND=(\d),(\d+),([0-9A-Fa-f]*)$/.exec(cmd);
  if (r) {
    const id = Number(r[1]);
    const s = m.sockets.get(id);
    const bytes = hexBytes(r[3]);
    if (!s?.peer || !bytes || Number(r[2]) !== r[3].length || r[3].length > MAX_CSO_HEX) return fail(m, 4);
    if (!m.canSend()) return fail(m, 4);
    const release: UplinkRelease = m.rai === 1 ? "release" : m.rai === 2 ? "after-reply" : "none";
    m.uplink(id, s.peer, bytes, release, 0);
    return OK;
  }
  r = /^AT\+CSOCL=(\d)$/.exec(cmd);
  if (r) return m.sockets.delete(Number(r[1])) ? OK : fail(m, 4);
  return undefined;
}

/** Answers one command line (without CR). Unknown commands get ERROR, as on the parts. */
export function answer(m: SimModemCore, line: string): string {
  const cmd = line.trim();
  const u = cmd.toUpperCase();
  const d = m.dialect;
  const sp = d.sp;
  if (u === "AT") return OK;
  if (u === "ATE0" || u === "ATE1") {
    m.echo = u === "ATE1";
    return OK;
  }
  if (u === "ATI") return [d.model === "sim7020" ? "SIMCOM_Ltd" : "Quectel", d.cgmm, "Revision: SIM-1.0"].map(crlf).join("") + OK;
  if (u === "AT+CGMM") return crlf(d.cgmm) + OK;
  if (u === "AT+CGSN=1") return crlf(`+CGSN:${sp}${SIM_IMEI}`) + OK;
  if (u === d.iccidCmd) return crlf(`${d.iccidPrefix}${SIM_ICCID}`) + OK;
  if (u === "AT+CFUN?") return crlf(`+CFUN:${sp}1`) + OK;
  if (u === "AT+CGATT?") return crlf(`+CGATT:${sp}${m.stat() === 1 ? 1 : 0}`) + OK;
  if (u === "AT+CSQ" || u === "AT+CESQ" || (u === "AT+NUESTATS" && d.model === "bc95")) return signal(m, u);
  let r = /^AT\+CEREG=([0-5])$/.exec(u);
  if (r) {
    m.ceregMode = Number(r[1]);
    return OK;
  }
  if (u === "AT+CEREG?") return crlf(`+CEREG:${sp}${ceregBody(m, m.ceregMode)}`) + OK;
  if (/^AT\+CSCON=[01]$/.test(u) || /^AT\+CEDRXS=(0|1,5,"[01]{4}")$/.test(cmd)) return OK;
  r = /^AT\+CPSMS=([01])(?:,,,"([01]{8})","([01]{8})")?$/.exec(cmd);
  if (r) {
    m.setPsm(r[1] === "1", r[2] ?? m.tauBits, r[3] ?? m.activeBits);
    return OK;
  }
  if (u === "AT+CPSMS?") return crlf(`+CPSMS:${sp}1,,,"${m.tauBits}","${m.activeBits}"`) + OK;
  if (u === "AT+NRB" && d.sockets === "n") {
    m.reboot();
    return crlf("REBOOTING");
  }
  const s = d.sockets === "n" ? nSockets(m, cmd) : csoSockets(m, cmd);
  return s ?? crlf("ERROR");
}
