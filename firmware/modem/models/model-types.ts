/**
 * What a modem model is to the link: tables of commands (Zephyr modem_chat style scripts) and the parsers of its
 * answers. The link never spells an AT command itself.
 */
import type { AtCommand } from "../at-engine";
import type { Signal } from "./at-parse";

export type ModemName = "bc660k" | "bc95" | "sim7020";
export const MODEM_NAMES: readonly ModemName[] = Object.freeze(["bc660k", "bc95", "sim7020"]);

/** What the radio should do after an uplink: stay connected, release at once (RAI), or after one downlink. */
export type Release = "none" | "release" | "after-reply";

/** What the link keeps from a step's answer. */
export type Capture = "imei" | "iccid" | "signal" | "cereg";

export interface ScriptStep {
  readonly cmd: AtCommand;
  /** A failure of an optional step (e.g. eDRX not supported) does not stop the script. */
  readonly optional?: boolean;
  readonly capture?: Capture;
}

export interface ConfigureParams {
  readonly tauBits: string;
  readonly activeBits: string;
  readonly edrx: boolean;
}

export interface SendStatus {
  socket: number;
  seq: number;
  ok: boolean;
}

export interface ModemScripts {
  readonly name: ModemName;
  /** Largest UDP payload one send command carries. */
  readonly maxDatagram: number;
  /** Line prefixes that are always unsolicited for this model (boot lines included). */
  readonly urcPrefixes: readonly string[];
  /** Lines a modem prints when it has just (re)booted. */
  readonly bootPrefixes: readonly string[];
  readonly sync: AtCommand;
  /** Echo off, URCs on, PSM and eDRX: run after every power-on or wake. */
  configure(p: ConfigureParams): readonly ScriptStep[];
  /** IMEI and ICCID: read once per power-on. */
  readonly identify: readonly ScriptStep[];
  /** Reads the ICCID: an ERROR (twice) to it means no SIM, and no search can succeed without one. */
  readonly simCheck: ScriptStep;
  readonly signal: ScriptStep;
  readonly queryRegistration: ScriptStep;
  openSocket(localPort: number): AtCommand;
  /** Second step for models whose sockets are bound to the peer (SIMCom); undefined when sends name the peer. */
  connectSocket(socket: number, ip: string, port: number): AtCommand | undefined;
  socketId(lines: readonly string[]): number | undefined;
  /** Commands that hand one datagram to the modem; the last one's answer says whether it was taken. */
  send(socket: number, ip: string, port: number, bytes: Uint8Array, release: Release, seq: number): readonly AtCommand[];
  /** True when the model reports the radio's verdict later by URC (then sendStatus() reads it). */
  readonly confirmsByUrc: boolean;
  /** Whether the send command's answer lines acknowledge the datagram. */
  sendTaken(lines: readonly string[], socket: number, length: number): boolean;
  sendStatus(urc: string): SendStatus | undefined;
  received(urc: string): { socket: number; bytes: Uint8Array } | undefined;
  /** Socket id from a "socket closed" URC. */
  socketClosed(urc: string): number | undefined;
  closeSocket(socket: number): AtCommand;
  imei(lines: readonly string[]): string | undefined;
  iccid(lines: readonly string[]): string | undefined;
  parseSignal(lines: readonly string[]): Signal;
}

/** Timeouts (ms) the scripts share; CE2 sends take several seconds, sockets and PSM settings touch NV memory. */
export const T = Object.freeze({ quick: 1000, nv: 3000, send: 10000, sync: 600 });
