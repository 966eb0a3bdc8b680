/**
 * The crypto port and the constructions on it against published vectors: FIPS-197 (AES-128), RFC 4231 (HMAC-SHA-256),
 * RFC 5869 (HKDF), RFC 3610 and NIST SP 800-38C (CCM); and CCM against Node's OpenSSL as an independent second
 * implementation over random inputs.
 */
import { createCipheriv } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../../firmware/core/bytes";
import { ccmOpen, ccmSeal } from "../../firmware/security/ccm";
import { hkdf, hkdfExtract } from "../../firmware/security/hkdf";
import { deriveKey, deriveKeys } from "../../firmware/security/keys";
import { simCrypto as c } from "../../sim/devices/crypto-sim";

const h = (s: string): Uint8Array => fromHex(s.replace(/\s/g, ""))!;
const range = (a: number, b: number): Uint8Array => Uint8Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe("crypto port primitives", () => {
  it("AES-128 (FIPS-197 appendix C.1, one block of CBC from a zero IV)", () => {
    const out = c.aesCbc(range(0, 15), new Uint8Array(16), h("00112233445566778899aabbccddeeff"));
    expect(toHex(out)).toBe("69c4e0d86a7b0430d8cdb78070b4c55a");
  });
  it("HMAC-SHA-256 (RFC 4231 test case 1)", () => {
    const out = c.hmacSha256(new Uint8Array(20).fill(0x0b), Uint8Array.from("Hi There", (ch) => ch.charCodeAt(0)));
    expect(toHex(out)).toBe("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  });
});

describe("HKDF-SHA-256 (RFC 5869 test case 1)", () => {
  const ikm = new Uint8Array(22).fill(0x0b);
  const salt = range(0, 12);
  const info = range(0xf0, 0xf9);
  it("extract", () => {
    expect(toHex(hkdfExtract(c, salt, ikm))).toBe("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  });
  it("expand to 42 bytes", () => {
    expect(toHex(hkdf(c, ikm, salt, info, 42))).toBe(
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
    );
  });
});

describe("AES-CCM", () => {
  it("RFC 3610 packet vector #1 (13-byte nonce, 8 bytes AAD, 8-byte tag)", () => {
    const key = range(0xc0, 0xcf);
    const nonce = h("00000003020100a0a1a2a3a4a5");
    const aad = range(0, 7);
    const msg = range(8, 0x1e);
    const sealed = ccmSeal(c, key, nonce, aad, msg, 8);
    expect(toHex(sealed)).toBe("588c979a61c663d2f066d0c2c0f989806d5f6b61dac38417e8d12cfdf926e0");
    expect(ccmOpen(c, key, nonce, aad, sealed, 8)).toEqual(msg);
  });
  it("NIST SP 800-38C examples 1 and 2", () => {
    const key = range(0x40, 0x4f);
    expect(toHex(ccmSeal(c, key, range(0x10, 0x16), range(0, 7), range(0x20, 0x23), 4))).toBe("7162015b4dac255d");
    expect(toHex(ccmSeal(c, key, range(0x10, 0x17), range(0, 15), range(0x20, 0x2f), 6))).toBe(
      "d2a1f0e051ea5f62081a7792073d593d1fc64fbfaccd",
    );
  });
  it("agrees with OpenSSL on random sizes, and refuses any flipped bit", () => {
    let seed = 7;
    const rnd = (n: number) => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
    for (let n = 0; n < 70; n += 3) {
      const key = rnd(16);
      const nonce = rnd(13);
      const aad = rnd(n % 23);
      const msg = rnd(n);
      const ours = ccmSeal(c, key, nonce, aad, msg, 8);
      const ossl = createCipheriv("aes-128-ccm", key, nonce, { authTagLength: 8 });
      if (aad.length) ossl.setAAD(aad, { plaintextLength: msg.length });
      const ct = Buffer.concat([ossl.update(msg), ossl.final()]);
      expect(toHex(ours)).toBe(toHex(Buffer.concat([ct, ossl.getAuthTag()])));
      const bad = ours.slice();
      bad[(n * 7) % bad.length] ^= 1 << (n % 8);
      expect(ccmOpen(c, key, nonce, aad, bad, 8)).toBeUndefined();
      expect(ccmOpen(c, key, nonce, aad, ours, 8)).toEqual(msg);
    }
  });
});

describe("key hierarchy", () => {
  it("derives four distinct keys per device, lazily and as HKDF does in one go, bound to the terminal id", () => {
    const root = range(0x10, 0x1f);
    const k = deriveKeys(c, root, "013800138000");
    const all = [k.uplink, k.downlink, k.storage, k.sms].map((x) => toHex(x));
    expect(new Set(all).size).toBe(4);
    expect(toHex(k.uplink)).toBe(toHex(deriveKey(c, root, "13800138000", "uplink")));
    expect(toHex(k.sms)).toBe(toHex(hkdf(c, root, Uint8Array.from("reefer-tracker key hierarchy v1", (ch) => ch.charCodeAt(0)), Uint8Array.from("sms|13800138000", (ch) => ch.charCodeAt(0)), 16)));
    expect(toHex(deriveKeys(c, root, "13800138001").uplink)).not.toBe(all[0]);
  });
});
