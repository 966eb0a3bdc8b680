/**
 * Writes the settings a build carries (manifest config.provision: server, port, device identity...) into NVS.
 * Only absent keys are written unless the build forces it, so values changed later by the platform survive a
 * reboot. Values the configuration table knows are validated; a bad one is logged and skipped.
 */
import type { Log, Settings } from "../ports";
import { CONFIG_SPEC, checkValue } from "../../firmware/config/config";

export function provision(settings: Settings, entries: Readonly<Record<string, string>>, force: boolean, log: Log): number {
  let written = 0;
  for (const key of Object.keys(entries)) {
    const value = entries[key];
    if (key.length > 15 || value.length > 4000) {
      log.log("error", `provision: ${key} exceeds the NVS key or value size`);
      continue;
    }
    const err = key in CONFIG_SPEC ? checkValue(key, value) : undefined;
    if (err !== undefined) {
      log.log("error", `provision: ${err}`);
      continue;
    }
    if (!force && settings.get(key) !== undefined) continue;
    settings.set(key, value);
    written++;
  }
  return written;
}
