/** Quectel BC95 / BC28 (Neul firmware): ICCID via AT+NCCID, radio figures via AT+NUESTATS, boot lines REBOOT_… / Neul. */
import { parseNuestats } from "./at-parse";
import { T } from "./model-types";
import { quectelCommand, quectelN } from "./quectel-n";

export const BC95 = quectelN({
  name: "bc95",
  iccid: quectelCommand("AT+NCCID"),
  iccidPrefixes: Object.freeze(["+NCCID:"]),
  signal: quectelCommand("AT+NUESTATS", T.quick, 2),
  parseSignal: parseNuestats,
  bootPrefixes: Object.freeze(["REBOOT_", "Neul"]),
});
