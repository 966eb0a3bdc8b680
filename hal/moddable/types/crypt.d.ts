/**
 * Moddable's crypt modules, absent from @moddable/typings 5.6.0: `crypt` (modules/crypt/digest/crypt.js, native
 * modCrypt.c over the KCL implementations) and `hmac` (modules/crypt/etc/hmac.js). Only what hal/moddable/crypto.ts
 * uses, with the SDK's own signatures: buffers go in and come out as ArrayBuffers.
 */
declare module "crypt" {
  export class Digest {
    /** "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512" */
    constructor(type: string);
    write(data: ArrayBuffer | string): void;
    close(): ArrayBuffer;
    reset(): void;
    readonly blockSize: number;
    readonly outputSize: number;
    process(...items: (ArrayBuffer | string)[]): ArrayBuffer;
  }
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
