/**
 * How each simulated modem model spells its answers: Quectel's Neul firmware (BC95/BC28) writes `+CSQ:20,99` with
 * no space, BC660K and SIM7020 write `+CSQ: 20,99`; boot banners, the model name and identity commands differ.
 */
import type { ModemModel } from "../world/trace-types";

export interface Dialect {
  readonly model: ModemModel;
  /** Between `+NAME:` and the value. */
  readonly sp: "" | " ";
  /** AT+CGMM answer line. */
  readonly cgmm: string;
  /** Lines printed after power-on or reboot (each sent as CRLF line). */
  readonly boot: readonly string[];
  /** The ICCID command, and whether its answer carries a prefix. */
  readonly iccidCmd: string;
  readonly iccidPrefix: string;
  /** "n" = Quectel N sockets (NSOCR/NSOST), "cso" = SIMCom CSOC/CSOSEND. */
  readonly sockets: "n" | "cso";
  readonly cmeOnError: boolean;
}

export const DIALECTS: Readonly<Record<ModemModel, Dialect>> = Object.freeze({
  bc95: Object.freeze({
    model: "bc95",
    sp: "",
    cgmm: "BC95HB-02-STD_850",
    boot: Object.freeze(["REBOOT_CAUSE_APPLICATION_AT", "Neul ", "OK"]),
    iccidCmd: "AT+NCCID",
    iccidPrefix: "+NCCID:",
    sockets: "n",
    cmeOnError: false,
  }),
  bc660k: Object.freeze({
    model: "bc660k",
    sp: " ",
    cgmm: "BC660K-GL",
    boot: Object.freeze(["RDY"]),
    iccidCmd: "AT+QCCID",
    iccidPrefix: "+QCCID: ",
    sockets: "n",
    cmeOnError: true,
  }),
  sim7020: Object.freeze({
    model: "sim7020",
    sp: " ",
    cgmm: "SIM7020E",
    boot: Object.freeze(["RDY", "+CFUN: 1", "+CPIN: READY"]),
    iccidCmd: "AT+CCID",
    iccidPrefix: "",
    sockets: "cso",
    cmeOnError: true,
  }),
});

/** Identity of the simulated unit (fixed: the sim models one device). */
export const SIM_IMEI = "866818039921444";
export const SIM_ICCID = "89860425102180000123";
export const SIM_TAC = "1A2B";
export const SIM_CI = "0C3D4E5F";

export function crlf(line: string): string {
  return `\r\n${line}\r\n`;
}
