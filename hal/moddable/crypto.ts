/**
 * The crypto port on the ESP32: Moddable's native crypt module. AES-128 comes from its BlockCipher("AES") (the
 * KCL implementation in C: the XS side only moves buffers), CBC and CTR from its native Mode, HMAC-SHA-256 from its
 * hmac module over the native SHA-256 Digest. The firmware builds CCM and HKDF on these (firmware/security), the
 * same code the simulator runs over @noble.
 */
/// <reference path="./types/crypt-native.d.ts" />
import { BlockCipher, Digest, Mode } from "crypt";
import HMAC from "hmac";
import type { Crypto } from "../ports";

/** An ArrayBuffer holding exactly the bytes of `b` (the native calls take whole buffers). */
function buf(b: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(b.length);
  new Uint8Array(out).set(b);
  return out;
}

export class NativeCrypto implements Crypto {
  aesCbc(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
    const mode = new Mode("CBC", new BlockCipher("AES", buf(key)), buf(iv), false);
    return new Uint8Array(mode.encrypt(buf(data)));
  }

  aesCtr(key: Uint8Array, counter: Uint8Array, data: Uint8Array): Uint8Array {
    // Moddable's CTR counts the whole 16-byte block up big-endian, as the port promises
    const mode = new Mode("CTR", new BlockCipher("AES", buf(key)), buf(counter));
    return new Uint8Array(mode.encrypt(buf(data)));
  }

  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
    return new Uint8Array(new HMAC(new Digest("SHA256"), buf(key)).process(buf(data)));
  }
}
