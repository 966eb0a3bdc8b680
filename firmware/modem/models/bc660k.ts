/** Quectel BC660K-GL: ICCID via AT+QCCID, signal via AT+CESQ (RSRP gives the coverage class), boot line RDY. */
import { parseCesq } from "./at-parse";
import { T } from "./model-types";
import { quectelCommand, quectelN } from "./quectel-n";

export const BC660K = quectelN({
  name: "bc660k",
  iccid: quectelCommand("AT+QCCID"),
  iccidPrefixes: Object.freeze(["+QCCID:"]),
  signal: quectelCommand("AT+CESQ", T.quick, 2),
  parseSignal: parseCesq,
  bootPrefixes: Object.freeze(["RDY"]),
});
