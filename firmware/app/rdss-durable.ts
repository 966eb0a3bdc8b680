/**
 * The part of the short-message memory that must outlive a power cut, kept in NVS (key `rdss_ledger`): today's
 * energy against rdss_daily_j, the seqs already carried by satellite, the card's last and next allowed send, and
 * the creation time of the newest record a short message carried. RTC memory (rdss-memory.ts) stays the fast
 * path; this copy is read only when RTC memory is empty (a power-on after a cut) and written only when it
 * changes, which is twice per powered try of the module (before, pessimistic; after, what was spent).
 *
 * States: absent (never written, or unreadable: forgotten) | stored `<json>@<mono ms when written>`.
 * Inputs: the memory at the start and end of a try; the monotonic clock at a power-on.
 * Outputs: the NVS value; on load, the stored times moved into the current clock's frame, never earlier than true.
 *
 * Why the times are safe after a cut: the wall clock is lost with the supply, and the monotonic clock may run
 * on (the simulator, a board with a backup domain) or restart from zero (the ESP32's RTC timer). In both cases at
 * least max(0, now - writtenAt) has passed since the write (on a restart, now alone has passed since power-on), so
 * a stored time T is taken as T + min(0, now - writtenAt): the card's interval, a hold and the day's window are
 * then never shorter than they really are, at worst longer by the time the power was off.
 */
import type { Settings } from "../../hal/ports";
import { checkRanges, type SeqRanges } from "../rdss/seq-ranges";
import { LEDGER_RANGES, RDSS_DAY_MS, type RdssLedger } from "../rdss/fallback-policy";

export const RDSS_LEDGER_SETTING = "rdss_ledger";

export interface RdssDurable {
  ledger: RdssLedger;
  lastSendMs?: number;
  nextSendMs?: number;
  posAt?: number;
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** The stored body for these values (0.1 J, rounded up; undefined fields left out), without the write time. */
function body(d: RdssDurable): string {
  const o: Record<string, number | SeqRanges> = {
    day: d.ledger.day,
    usedJ: Math.ceil(d.ledger.usedJ * 10 - 1e-9) / 10,
    sent: d.ledger.sent,
  };
  if (d.lastSendMs !== undefined) o.last = d.lastSendMs;
  if (d.nextSendMs !== undefined) o.next = d.nextSendMs;
  if (d.posAt !== undefined) o.pos = d.posAt;
  return JSON.stringify(o);
}

/** Writes the values when they differ from what NVS holds (the write time alone never causes a write). */
export function storeDurable(settings: Settings, d: RdssDurable, nowMs: number): void {
  const b = body(d);
  const old = settings.get(RDSS_LEDGER_SETTING);
  if (old !== undefined && old.slice(0, old.lastIndexOf("@")) === b) return;
  settings.set(RDSS_LEDGER_SETTING, `${b}@${nowMs}`);
}

/**
 * What NVS holds, in the current clock's frame (see the header), or undefined when nothing usable is stored:
 * a value that does not check out is forgotten (then the module and the card's own refusal are the last guard).
 */
export function loadDurable(settings: Settings, nowMs: number): RdssDurable | undefined {
  const raw = settings.get(RDSS_LEDGER_SETTING);
  if (raw === undefined) return undefined;
  const at = raw.lastIndexOf("@");
  const writtenAt = Number(raw.slice(at + 1));
  let o: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(raw.slice(0, at));
    if (typeof v !== "object" || v === null) return undefined;
    o = v as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (at < 0 || !isNum(writtenAt) || !isNum(o.day) || !isNum(o.usedJ) || !(o.usedJ >= 0)) return undefined;
  const shift = Math.min(0, nowMs - writtenAt);
  const move = (x: unknown): number | undefined => (isNum(x) ? x + shift : undefined);
  // The day's window ended at (day + 1) days on the old frame; it must not end sooner on the new one. The
  // ledger keeps a day index, so it takes the index whose end is at or after the moved end (this one or the next).
  const end = (o.day + 1) * RDSS_DAY_MS + shift;
  const today = Math.floor(nowMs / RDSS_DAY_MS);
  const sent = checkRanges(o.sent, LEDGER_RANGES);
  const ledger = end <= nowMs ? { day: today, usedJ: 0, sent } : { day: Math.max(today, Math.ceil(end / RDSS_DAY_MS) - 1), usedJ: o.usedJ, sent };
  return {
    ledger,
    lastSendMs: move(o.last),
    nextSendMs: move(o.next),
    posAt: move(o.pos),
  };
}
