/** The supported models by name, the URC prefixes of all of them, and detection from the AT+CGMM / ATI answer. */
import type { AtCommand } from "../at-engine";
import { BC660K } from "./bc660k";
import { BC95 } from "./bc95";
import type { ModemName, ModemScripts } from "./model-types";
import { T } from "./model-types";
import { SIM7020 } from "./sim7020";

export const MODELS: Readonly<Record<ModemName, ModemScripts>> = Object.freeze({ bc660k: BC660K, bc95: BC95, sim7020: SIM7020 });

/** Every model's URCs: the engine must route them before the model is known (detection, a mis-set config). */
export const ALL_URC_PREFIXES: readonly string[] = Object.freeze(
  Object.keys(MODELS).reduce<string[]>((acc, k) => {
    for (const p of MODELS[k as ModemName].urcPrefixes) if (acc.indexOf(p) < 0) acc.push(p);
    return acc;
  }, []),
);

export const IDENTIFY_MODEL: AtCommand = Object.freeze({ text: "AT+CGMM", timeoutMs: T.quick, attempts: 3 });

/** The model named in an AT+CGMM or ATI answer; undefined when none is recognised. */
export function detectModel(lines: readonly string[]): ModemName | undefined {
  for (const l of lines) {
    const u = l.toUpperCase();
    if (u.indexOf("BC660") >= 0) return "bc660k";
    if (u.indexOf("BC95") >= 0 || u.indexOf("BC28") >= 0 || u.indexOf("BC35") >= 0) return "bc95";
    if (u.indexOf("SIM7020") >= 0) return "sim7020";
  }
  return undefined;
}
