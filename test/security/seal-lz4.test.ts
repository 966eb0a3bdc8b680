/**
 * Uplink bodies compressed inside the seal (encryption field 6, SEALED_LZ4): the opened frame is the same plain
 * JT/T 808 body, a short body stays plainly sealed (field 2), the field itself is authenticated, and an
 * authentic frame whose inside is not a valid block is refused as "bad-body" without advancing the counter floor.
 */
import { describe, expect, it } from "vitest";
import { encodeFrame, parseFrame } from "../../firmware/protocol/frame";
import { DOWN, SEALED, SEALED_LZ4, UP, openFrame, sealFrame, sealPlain } from "../../firmware/protocol/frame-seal";
import { DownlinkGuard } from "../../firmware/protocol/downlink-guard";
import { encodeBatch, encodeLocation } from "../../firmware/protocol/location";
import { MSG } from "../../firmware/protocol/messages";
import { recordToLocation } from "../../firmware/protocol/record-location";
import { deriveKeys } from "../../firmware/security/keys";
import { simCrypto as c } from "../../sim/devices/crypto-sim";
import { testRootKey } from "../../sim/world/test-keys";
import { record } from "../protocol/harness";
import { PHONE, run, secureRig } from "./rig";

const keys = deriveKeys(c, testRootKey(c, PHONE), PHONE);
const head = (msgId: number) => ({ msgId, edition: 2019 as const, protoVersion: 1, phone: PHONE, serial: 9 });
const frameOf = (bytes: Uint8Array) => {
  const p = parseFrame(bytes);
  if ("error" in p) throw new Error(p.error);
  return p.frame;
};
const batch = encodeBatch(1, Array.from({ length: 12 }, (_, i) => encodeLocation(recordToLocation(record(i + 1)))));

describe("sealed and compressed uplink bodies", () => {
  it("a batch goes as field 6, a third of its sealed size or less, and opens to the same body", () => {
    const plain = sealFrame(c, keys.uplink, UP, 5, head(MSG.batch), batch);
    const packed = sealFrame(c, keys.uplink, UP, 5, head(MSG.batch), batch, true);
    const f = frameOf(packed);
    expect(f.header.encrypt).toBe(SEALED_LZ4);
    expect(packed.length).toBeLessThan(plain.length * 0.5);
    const o = openFrame(c, keys.uplink, UP, f);
    expect("body" in o && o.body).toEqual(batch);
  });

  it("a body that does not shrink stays field 2", () => {
    const auth = Uint8Array.of(11, 0x31, 0x33, 0x38, 0x30, 0x30, 0x31, 0x33, 0x38, 0x30, 0x30, 0x30);
    const f = frameOf(sealFrame(c, keys.uplink, UP, 6, head(MSG.auth), auth, true));
    expect(f.header.encrypt).toBe(SEALED);
    const o = openFrame(c, keys.uplink, UP, f);
    expect("body" in o && o.body).toEqual(auth);
  });

  it("the field is authenticated: turning 6 into 2 on the way is a bad MAC", () => {
    const f = frameOf(sealFrame(c, keys.uplink, UP, 7, head(MSG.batch), batch, true));
    const forged = frameOf(encodeFrame({ ...f.header, encrypt: SEALED }, f.body));
    expect(openFrame(c, keys.uplink, UP, forged)).toEqual({ refused: "bad-mac" });
  });

  it("an authentic frame that is not a valid block inside is refused as bad-body, and the floor stays", () => {
    const junk = { plain: Uint8Array.of(0x01, 0x00, 0xf0, 0xff), encrypt: SEALED_LZ4 }; // claims 256 bytes, runs out
    const down = sealPlain(c, keys.downlink, DOWN, 40, head(MSG.setParams), junk);
    expect(openFrame(c, keys.downlink, DOWN, frameOf(down))).toEqual({ refused: "bad-body" });
    let floor = 3;
    const guard = new DownlinkGuard({ crypto: c, key: keys.downlink, floor, persist: (f) => (floor = f) });
    const reasons: string[] = [];
    expect(guard.open(down, (_h, why) => reasons.push(why)).length).toBe(0);
    expect(reasons).toEqual(["bad-body"]);
    expect(guard.rejected["bad-body"]).toBe(1);
    expect(floor).toBe(3);
  });
});

describe("a sealed session with a 512-byte datagram", () => {
  it("packs a 48-record backlog by its compressed size: fewer bytes and datagrams, each record once", () => {
    const r = secureRig({ backlog: Array.from({ length: 48 }, (_, i) => record(i + 1)) });
    run(r);
    expect(r.server.records().map((s) => s.rec.seq)).toEqual(Array.from({ length: 48 }, (_, i) => i + 1));
    expect(r.server.counters.duplicates).toBe(0);
    const { plainBytes, sealedBytes } = r.sealed.counters;
    expect(sealedBytes).toBeLessThan(plainBytes * 0.6);
    for (const d of r.up) expect(d.length).toBeLessThanOrEqual(512);
    // full datagrams: no more than one beyond what the bytes need
    expect(r.up.length).toBeLessThanOrEqual(Math.ceil(sealedBytes / 512) + 1);
    console.log(`48 records: ${plainBytes} B plain -> ${sealedBytes} B sealed, ${r.up.length} datagrams`);
  });
});
