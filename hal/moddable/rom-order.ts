/**
 * 1-Wire ROM ids in wire order (family code first, CRC last). Moddable's ESP32 onewire module returns them
 * byte-reversed and its desktop stand-in in wire order, so the order is recognised by where the CRC matches.
 * Pure, so it is tested on Node.
 */
import { crc8Maxim } from "../../firmware/core/crc";

export function toWireOrder(id: Uint8Array): Uint8Array {
  const rom = id.slice();
  if (rom.length !== 8 || crc8Maxim(rom, 0, 7) === rom[7]) return rom;
  const reversed = rom.slice().reverse();
  // Neither order checks out: hand it on unchanged, the probe driver counts the CRC rejection.
  return crc8Maxim(reversed, 0, 7) === reversed[7] ? reversed : rom;
}
