/** UBX framing on the simulated u-blox's side: frames the host wrote, and replies. Independent of the firmware. */

export interface UbxIn {
  cls: number;
  id: number;
  payload: Uint8Array;
}

/** Appends bytes to `buf` (the module's RX buffer, kept bounded) and takes out every complete valid frame. */
export function parseUbx(buf: number[], bytes: Uint8Array): UbxIn[] {
  for (let i = 0; i < bytes.length; i++) buf.push(bytes[i]);
  const out: UbxIn[] = [];
  for (;;) {
    let s = 0;
    while (s + 1 < buf.length && !(buf[s] === 0xb5 && buf[s + 1] === 0x62)) s++;
    buf.splice(0, s);
    if (buf.length < 8) break;
    const len = buf[4] | (buf[5] << 8);
    if (len > 1024) {
      buf.splice(0, 2);
      continue;
    }
    if (buf.length < len + 8) break;
    let a = 0;
    let b = 0;
    for (let i = 2; i < len + 6; i++) {
      a = (a + buf[i]) & 0xff;
      b = (b + a) & 0xff;
    }
    if (a === buf[len + 6] && b === buf[len + 7]) {
      out.push({ cls: buf[2], id: buf[3], payload: Uint8Array.from(buf.slice(6, 6 + len)) });
      buf.splice(0, len + 8);
    } else buf.splice(0, 2);
  }
  if (buf.length > 2048) buf.splice(0, buf.length - 2048);
  return out;
}

export function ubxFrame(cls: number, id: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 8);
  out.set([0xb5, 0x62, cls, id, payload.length & 0xff, payload.length >> 8]);
  out.set(payload, 6);
  let a = 0;
  let b = 0;
  for (let i = 2; i < payload.length + 6; i++) {
    a = (a + out[i]) & 0xff;
    b = (b + a) & 0xff;
  }
  out[payload.length + 6] = a;
  out[payload.length + 7] = b;
  return out;
}
