/**
 * `tracker jt808 decode --key HEX` opens sealed frames (uplink or downlink) with the device's root key; without
 * the key it says the body is encrypted instead of misreading it; with the wrong key it says it does not open.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { toHex } from "../../firmware/core/bytes";
import { UP, sealFrame } from "../../firmware/protocol/frame-seal";
import { encodeBatch, encodeLocation } from "../../firmware/protocol/location";
import { MSG } from "../../firmware/protocol/messages";
import { recordToLocation } from "../../firmware/protocol/record-location";
import { deriveKeys } from "../../firmware/security/keys";
import { simCrypto } from "../../sim/devices/crypto-sim";
import { testRootKey } from "../../sim/world/test-keys";
import { record } from "../protocol/harness";
import { PHONE } from "./rig";

const CLI = new URL("../../sim/cli/tracker.js", import.meta.url).pathname;
const tracker = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 60_000 });

describe("tracker jt808 decode --key", () => {
  const root = testRootKey(simCrypto, PHONE);
  const keys = deriveKeys(simCrypto, root, PHONE);
  const head = { msgId: MSG.location, edition: 2019 as const, protoVersion: 1, phone: PHONE, serial: 5 };
  const frame = toHex(sealFrame(simCrypto, keys.uplink, UP, 77, head, encodeLocation(recordToLocation(record(3)))));

  it("decrypts a sealed location with the root key, says 'encrypted' without it, refuses a wrong key", () => {
    const withKey = JSON.parse(tracker(["jt808", "decode", "--key", toHex(root), frame]).stdout);
    expect(withKey.body).toMatchObject({ sealed: "uplink", counter: 77 });
    expect(withKey.body.lat).toBeCloseTo(39.9045, 4);
    const without = JSON.parse(tracker(["jt808", "decode", frame]).stdout);
    expect(without.body.encrypted).toMatch(/AES-128-CCM/);
    expect(without.body.lat).toBeUndefined();
    const wrong = JSON.parse(tracker(["jt808", "decode", "--key", "00".repeat(16), frame]).stdout);
    expect(wrong.body.error).toMatch(/does not open/);
  });

  it("opens a batch compressed inside the seal (field 6) to the same entries", () => {
    const body = encodeBatch(1, [1, 2, 3, 4].map((i) => encodeLocation(recordToLocation(record(i)))));
    const packed = toHex(sealFrame(simCrypto, keys.uplink, UP, 78, { ...head, msgId: MSG.batch }, body, true));
    const withKey = JSON.parse(tracker(["jt808", "decode", "--key", toHex(root), packed]).stdout);
    expect(withKey.body).toMatchObject({ sealed: "uplink", counter: 78, type: 1 });
    expect(withKey.body.items.map((x: { items: { "0xE7": { seq: number } } }) => x.items["0xE7"].seq)).toEqual([1, 2, 3, 4]);
    const without = JSON.parse(tracker(["jt808", "decode", packed]).stdout);
    expect(without.body.encrypted).toMatch(/field 6, LZ4/);
  });

  it("rejects a malformed key with exit status 2", () => {
    const r = tracker(["jt808", "decode", "--key", "abc", frame]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/32 hex digits/);
  });
});
