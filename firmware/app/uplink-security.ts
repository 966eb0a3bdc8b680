/**
 * Puts a provisioned device's session behind its seal and verify layers: uplink datagrams sealed with the uplink
 * key and counter (SealedLink), downlinks checked by the guard with the downlink key and the persisted floor.
 * Unprovisioned, the session gets the modem's link as it is.
 *
 * Outputs: the link and guard for the session, and settle(), which keeps the floor in RTC memory for the next
 * wake (the guard wrote NVS as it went) and logs `downlink-refused` with the reasons when anything was refused.
 */
import { DownlinkGuard } from "../protocol/downlink-guard";
import type { DatagramLink } from "../protocol/outbox";
import { SealedLink } from "../protocol/sealed-link";
import type { App } from "./app";
import { DOWNLINK_FLOOR_SETTING, loadFloor, saveFloor } from "./security-context";

export interface SecuredUplink {
  link: DatagramLink;
  guard?: DownlinkGuard;
  sealed?: SealedLink;
  settle(): void;
}

export function secureUplink(app: App, link: DatagramLink): SecuredUplink {
  const sec = app.security;
  if (!sec) return { link, settle: () => {} };
  const sealed = new SealedLink(link, { crypto: sec.crypto, key: sec.keys.uplink, counter: () => sec.uplink.next() });
  const guard = new DownlinkGuard({
    crypto: sec.crypto,
    key: sec.keys.downlink,
    floor: loadFloor(sec, DOWNLINK_FLOOR_SETTING, app.mod<number>("dl-floor")),
    persist: (floor) => saveFloor(sec, DOWNLINK_FLOOR_SETTING, floor),
  });
  const settle = () => {
    app.saveMod("dl-floor", guard.floor);
    if (guard.refusals() > 0) app.emit("downlink-refused", { ...guard.rejected });
  };
  return { link: sealed, guard, sealed, settle };
}
