/**
 * A provisioned session over a loop link to a platform holding the device's key: the device side as the uplink
 * duty builds it (SealedLink around the link, DownlinkGuard in front of the session, counter and floor in a
 * settings store), with hooks to tamper with, capture or replay datagrams in either direction.
 */
import { concat } from "../../firmware/core/bytes";
import { encodeFrame, parseFrame, splitFrames } from "../../firmware/protocol/frame";
import { DownlinkGuard } from "../../firmware/protocol/downlink-guard";
import { SealedLink } from "../../firmware/protocol/sealed-link";
import { UplinkSession } from "../../firmware/protocol/uplink-session";
import type { SessionEvent } from "../../firmware/protocol/uplink-session";
import { deriveKeys } from "../../firmware/security/keys";
import { NonceCounter } from "../../firmware/security/nonce-counter";
import { defaults, type Config } from "../../firmware/config/config";
import type { TrackRecord } from "../../firmware/store/track-record";
import { simCrypto } from "../../sim/devices/crypto-sim";
import { SimSettings } from "../../sim/devices/settings-sim";
import { FleetServer } from "../../sim/world/fleet-server";
import type { Downlink } from "../../sim/world/trace-types";
import { testRootKey } from "../../sim/world/test-keys";
import { FakeClock, LoopLink, MemoryBacklog } from "../protocol/harness";

export const PHONE = "13800138000";

export interface SecureRig {
  clock: FakeClock;
  server: FleetServer;
  link: LoopLink;
  sealed: SealedLink;
  guard: DownlinkGuard;
  backlog: MemoryBacklog;
  events: SessionEvent[];
  session: UplinkSession;
  settings: SimSettings;
  /** Every datagram as it reached the server (after tampering) and every reply as the server sent it. */
  up: Uint8Array[];
  down: Uint8Array[];
}

export interface RigOpts {
  backlog?: TrackRecord[];
  downlinks?: Downlink[];
  /** The platform's root key for the device: the test key by default, null for a platform without keys. */
  platformKey?: Uint8Array | null;
  tamperUp?: (n: number, bytes: Uint8Array) => Uint8Array;
  tamperDown?: (n: number, bytes: Uint8Array) => Uint8Array;
  server?: FleetServer;
  settings?: SimSettings;
}

export function secureRig(o: RigOpts = {}): SecureRig {
  const clock = new FakeClock();
  const root = testRootKey(simCrypto, PHONE);
  const platformKey = o.platformKey === undefined ? root : o.platformKey;
  const server = o.server ?? new FleetServer(o.downlinks ?? [], platformKey ? { keys: { crypto: simCrypto, rootKey: () => platformKey } } : {});
  const up: Uint8Array[] = [];
  const down: Uint8Array[] = [];
  let nd = 0;
  const wire = {
    receive: (bytes: Uint8Array, at: number): Uint8Array[] => {
      const b = o.tamperUp ? o.tamperUp(up.length, bytes) : bytes;
      up.push(b);
      return server.receive(b, at).map((r) => {
        const t = o.tamperDown ? o.tamperDown(nd++, r) : r;
        down.push(t);
        return t;
      });
    },
  };
  const link = new LoopLink(clock, wire, 512);
  const keys = deriveKeys(simCrypto, root, PHONE);
  const settings = o.settings ?? new SimSettings();
  const counter = new NonceCounter(settings, "up_ctr");
  const sealed = new SealedLink(link, { crypto: simCrypto, key: keys.uplink, counter: () => counter.next() });
  const guard = new DownlinkGuard({
    crypto: simCrypto,
    key: keys.downlink,
    floor: Number(settings.get("dl_floor") ?? "0"),
    persist: (f) => settings.set("dl_floor", String(f)),
  });
  const backlog = new MemoryBacklog(o.backlog ?? []);
  const events: SessionEvent[] = [];
  const config = { ...defaults(), device_id: PHONE } as Config;
  const session = new UplinkSession({
    clock, link: sealed, guard, backlog, config,
    identity: {
      phone: PHONE,
      registration: { province: 11, city: 0, maker: "RFTRK", model: "CC-1", terminalId: "0000001", plateColor: 1, plate: Uint8Array.of(0x41) },
      imei: "860000000000001",
      software: "1.0.0",
    },
    emit: (e) => events.push(e),
    current: () => undefined,
  });
  link.session = session;
  return { clock, server, link, sealed, guard, backlog, events, session, settings, up, down };
}

/** Starts the session (when not yet started) and runs it to its end and past, until nothing is armed. */
export function run(r: SecureRig, limit = 10_000): void {
  if (r.session.state === "idle") r.session.start([]);
  for (let i = 0; i < limit && r.session.state !== "done"; i++) if (!r.clock.fireNext()) break;
  for (let i = 0; i < limit && r.session.state === "done"; i++) if (!r.clock.fireNext()) break;
}

/**
 * An attacker's edit: one bit of the last body byte of the last frame flipped and the BCC recomputed (the
 * checksum protects against noise, not against someone who rewrites it).
 */
export function flipNearEnd(bytes: Uint8Array): Uint8Array {
  const frames = splitFrames(bytes).frames;
  const last = parseFrame(frames[frames.length - 1]);
  if (!("frame" in last)) throw new Error("not a frame");
  const body = last.frame.body.slice();
  body[body.length - 1] ^= 0x01;
  frames[frames.length - 1] = encodeFrame(last.frame.header, body);
  return concat(frames);
}
