/**
 * What hal/moddable/crypto.ts uses of Moddable's crypt modules beyond the SDK's own typings: the block cipher and
 * mode classes of `crypt` (modules/crypt/digest/crypt.js, native modCrypt.c over the KCL implementations) and the
 * `hmac` module (modules/crypt/etc/hmac.js, which ships without a declaration). crypto.ts references this file, so
 * the SDK's per-module tsc (mcconfig) sees it too; there it merges with the SDK's typings/crypt.d.ts, which
 * declares Digest. Buffers go in and come out as ArrayBuffers, as the SDK's signatures have them.
 */
declare module "crypt" {
  export class BlockCipher {
    /** "AES" (16, 24 or 32-byte key), "DES", "TDES" */
    constructor(cipher: string, key: ArrayBuffer);
    encrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    decrypt(data: ArrayBuffer, result?: ArrayBuffer): ArrayBuffer;
    readonly keySize: number;
    readonly blockSize: number;
  }
  export class Mode {
    /** "ECB", "CTR" or "CBC" over a BlockCipher; `pad` adds PKCS#7 padding (ECB, CBC). */
    constructor(mode: string, cipher: BlockCipher, iv?: ArrayBuffer, pad?: boolean);
    encrypt(data: ArrayBuffer, result?: ArrayBuffer, count?: number): ArrayBuffer;
    decrypt(data: ArrayBuffer, result?: ArrayBuffer, count?: number): ArrayBuffer;
    setIV(iv: ArrayBuffer): void;
  }
}

declare module "hmac" {
  import type { Digest } from "crypt";
  export default class HMAC {
    constructor(h: Digest, key: ArrayBuffer, bitlen?: number);
    process(...items: ArrayBuffer[]): ArrayBuffer;
  }
}
