/**
 * The SDK's own declaration of `crypt` (Moddable's typings/crypt.d.ts: the Digest class), which @moddable/typings
 * 5.6.0 lacks; mcconfig builds use the SDK's file instead. The cipher classes are in crypt-native.d.ts.
 */
declare module "crypt" {
  export class Digest {
    /** "MD5", "SHA1", "SHA224", "SHA256", "SHA384", "SHA512" */
    constructor(type: "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512");
    write(message: string | ArrayBuffer): void;
    close(): ArrayBuffer;
    reset(): void;
    get blockSize(): number;
    get outputSize(): number;
    update(message: string | ArrayBuffer): void;
  }
}
