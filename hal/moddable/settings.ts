/** Settings in NVS through Moddable's Preference (one domain; keys <= 15 characters, values <= 4000 bytes). */
import Preference from "preference";
import type { Settings } from "../ports";

export class NvsSettings implements Settings {
  constructor(private readonly domain: string) {}

  get(key: string): string | undefined {
    const v = Preference.get(this.domain, key);
    if (typeof v === "string") return v;
    // Only strings are stored here; numbers or booleans come from a hand-flashed NVS image.
    return typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
  }

  set(key: string, value: string): void {
    Preference.set(this.domain, key, value);
  }

  remove(key: string): void {
    Preference.delete(this.domain, key);
  }
}
