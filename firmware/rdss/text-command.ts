/**
 * Configuration changes sent to the tracker by short message, e.g. `SET rep_moving_s=600 rdss_stale_s=7200`.
 * Pairs are separated by spaces or commas (band lists use `;` and `:` inside a value). The whole set goes through
 * the configuration table's validate(): all of it applies or none, exactly like a platform 0x8103.
 */
import { validate, type Config } from "../config/config";

export type TextCommand = { ok: Partial<Config> } | { error: string };

export function parseTextCommand(text: string): TextCommand {
  const words = text.trim().split(/[\s,]+/).filter((w) => w !== "");
  if (words.length === 0) return { error: "empty command" };
  if (words[0].toUpperCase() !== "SET") return { error: `unknown command "${words[0]}"` };
  if (words.length === 1) return { error: "SET needs key=value" };
  const changes: Record<string, string> = {};
  for (const w of words.slice(1)) {
    const eq = w.indexOf("=");
    if (eq <= 0) return { error: `"${w}" is not key=value` };
    const key = w.slice(0, eq);
    if (Object.prototype.hasOwnProperty.call(changes, key)) return { error: `"${key}" given twice` };
    changes[key] = w.slice(eq + 1);
  }
  return validate(changes);
}
