/** Checksums used by the parts: Dallas/Maxim 1-Wire, Sensirion, and the record log's CRC-32. */

/** CRC-8 Dallas/Maxim (poly 0x31 reflected = 0x8C, init 0): DS18B20 ROM ids and scratchpads. */
export function crc8Maxim(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) {
    let b = bytes[i];
    for (let k = 0; k < 8; k++) {
      const mix = (crc ^ b) & 1;
      crc >>= 1;
      if (mix) crc ^= 0x8c;
      b >>= 1;
    }
  }
  return crc;
}

/** CRC-8 Sensirion (poly 0x31, init 0xFF, not reflected): one per 16-bit word of an SHT4x reading. */
export function crc8Sensirion(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xff;
  for (let i = start; i < end; i++) {
    crc ^= bytes[i];
    for (let k = 0; k < 8; k++) crc = crc & 0x80 ? ((crc << 1) ^ 0x31) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function makeTable32(): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

/** Read-only after construction; the same on every wake, so it is not state. */
const TABLE32 = makeTable32();

/** CRC-32 (IEEE 802.3, reflected, as zlib). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE32[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
