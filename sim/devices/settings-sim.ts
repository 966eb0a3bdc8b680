/**
 * The simulated NVS settings: a map that persists across wakes and power cuts. The NVS limits (key 1..15
 * characters, value at most 4000 characters) are enforced: breaking them is a firmware bug, so set() throws.
 */
import type { Settings } from "../../hal/ports";

export const SETTINGS_KEY_MAX = 15;
export const SETTINGS_VALUE_MAX = 4000;

export class SimSettings implements Settings {
  private map = new Map<string, string>();
  writes = 0;

  constructor(initial?: Readonly<Record<string, string>>) {
    if (initial) for (const k of Object.keys(initial)) this.set(k, initial[k]);
  }

  get(key: string): string | undefined {
    return this.map.get(key);
  }

  set(key: string, value: string): void {
    if (typeof key !== "string" || key.length === 0 || key.length > SETTINGS_KEY_MAX) {
      throw new Error(`settings key "${key}" must be 1..${SETTINGS_KEY_MAX} characters`);
    }
    if (typeof value !== "string" || value.length > SETTINGS_VALUE_MAX) {
      throw new Error(`settings value for "${key}" must be text of at most ${SETTINGS_VALUE_MAX} characters`);
    }
    this.map.set(key, value);
    this.writes++;
  }

  remove(key: string): void {
    if (this.map.delete(key)) this.writes++;
  }

  /** Every stored entry (for traces and tests). */
  entries(): [string, string][] {
    return Array.from(this.map.entries());
  }
}
