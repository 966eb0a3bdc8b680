/**
 * What the energy policy must not forget at a power cut, kept in NVS (key `cut_memory`): how long an attach takes
 * here and whether the unit is in a coverage gap, since when the ignition has been off and where, and how fresh
 * the position the platform holds is. RTC memory (app.mods) stays the working copy; this one is read once, at the
 * first fix after a power-on, when the wall time is known again.
 *
 * Without it, a unit whose supply drops while it stands parked in a coverage gap wakes as a new one: the first
 * search waits the link's full 120 s (nothing learned), the ignition seems to have gone off at the power-on (so the
 * unit is "stopped", retries every half hour instead of with its parked reports) and the platform seems never to
 * have had a position (a short message at once, and again before the parked day's limit). Each of those is a
 * search at attach current or a 20 J message.
 *
 * States: absent (never written, or unreadable: forgotten, the old behaviour) | stored JSON
 *   { attach?: ms, gap?: true while searches find no network, off?: UTC ms the ignition went off, lat?, lon?:
 *   where the unit stood then, pos?: UTC ms }.
 * Times are UTC because the monotonic clock may restart at a power-on (the ESP32's RTC timer); they are taken
 * back into the monotonic frame only once the wall time is known, by its difference from now.
 * Writes: only when a value changes — the learned attach by a second or more, the gap flag at a gap's first failed
 * search and at the next delivery, the ignition at its edges (and at the first fix with it off), the place when a
 * fix with the ignition off moves it by 1e-4°, the platform's position when it is an hour newer than the stored
 * one (so after a cut the position counts at most an hour older than it is: a short message can only come
 * earlier, never later).
 */
import type { FixSummary } from "../store/track-record";
import type { MotionState } from "../gnss/motion";
import { MOVING_DISPLACEMENT_M } from "../gnss/motion";
import { distanceM } from "../gnss/geo";
import type { App } from "./app";
import type { LinkHealth } from "./duty";

export const CUT_MEMORY_SETTING = "cut_memory";
/** The platform's position is written again once it is this much newer than the stored one. */
export const POS_STEP_MS = 3600_000;
/** The learned attach (and the ignition-off time) is written again when it moved by at least this much. */
const ATTACH_STEP_MS = 1000;
/** The mod that marks this power-on's recall as done (gone with RTC memory at the next cut). */
const RECALLED = "cut-recalled";

export interface CutMemory {
  attach?: number;
  /** A search found no network and no session has delivered since: the unit was in a coverage gap. */
  gap?: boolean;
  off?: number;
  lat?: number;
  lon?: number;
  pos?: number;
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);

/** What NVS holds; a value that does not parse, or a field of the wrong type, is left out. */
export function loadCutMemory(app: App): CutMemory {
  const raw = app.ports.settings.get(CUT_MEMORY_SETTING);
  if (raw === undefined) return {};
  let o: unknown;
  try {
    o = JSON.parse(raw);
  } catch {
    return {};
  }
  if (typeof o !== "object" || o === null) return {};
  const r = o as Record<string, unknown>;
  const out: CutMemory = {};
  if (isNum(r.attach) && r.attach >= 0) out.attach = r.attach;
  if (r.gap === true) out.gap = true;
  if (isNum(r.off)) out.off = r.off;
  if (isNum(r.lat) && isNum(r.lon) && Math.abs(r.lat) <= 90 && Math.abs(r.lon) <= 180) {
    out.lat = r.lat;
    out.lon = r.lon;
  }
  if (isNum(r.pos)) out.pos = r.pos;
  return out;
}

/** Writes the memory (fields in one fixed order, so the same values are the same text) when it changed. */
function store(app: App, m: CutMemory): void {
  const o: CutMemory = {};
  if (m.attach !== undefined) o.attach = m.attach;
  if (m.gap === true) o.gap = true;
  if (m.off !== undefined) o.off = m.off;
  if (m.lat !== undefined && m.lon !== undefined) {
    o.lat = m.lat;
    o.lon = m.lon;
  }
  if (m.pos !== undefined) o.pos = m.pos;
  const text = JSON.stringify(o);
  if (app.ports.settings.get(CUT_MEMORY_SETTING) !== text) app.ports.settings.set(CUT_MEMORY_SETTING, text);
}

/** The link learned how long an attach takes here (LinkSnapshot.attachMs). */
export function rememberAttach(app: App, ms: number | undefined): void {
  if (!isNum(ms) || ms < 0) return;
  const m = loadCutMemory(app);
  if (m.attach !== undefined && Math.abs(m.attach - ms) < ATTACH_STEP_MS) return;
  store(app, { ...m, attach: Math.round(ms) });
}

/** A search found no network (true), or a session delivered (false). */
export function rememberGap(app: App, gap: boolean): void {
  const m = loadCutMemory(app);
  if ((m.gap === true) === gap) return;
  const next = { ...m };
  if (gap) next.gap = true;
  else delete next.gap;
  store(app, next);
}

/**
 * How long an attach took here before the last power cut (ms), when the cut came in a coverage gap: there the
 * next search most likely finds no network, and the learned wait bounds what it costs. Undefined otherwise: a
 * power-on elsewhere may meet a network in CE2, whose attach (~40 s) the learned wait would cut short, so the
 * link's own wait stands.
 */
export function attachInGap(app: App): number | undefined {
  const m = loadCutMemory(app);
  return m.gap ? m.attach : undefined;
}

/**
 * The ignition as the app knows it now (state.acc, state.accOffAt) and, while it is off, the last fix as the
 * place (to 1e-4°, about 10 m, so the jitter of parked fixes writes nothing): written when it differs from the
 * stored one. Needs the wall time; without it nothing changes.
 */
export function rememberIgnition(app: App): void {
  const utc = app.utc();
  if (utc === 0) return;
  const m = loadCutMemory(app);
  const next: CutMemory = { ...m };
  delete next.off;
  delete next.lat;
  delete next.lon;
  if (!app.state.acc) {
    const off = Math.round(utc - (app.now() - app.state.accOffAt));
    // The same edge read again a little later (the wall clock steps by its own rounding) changes nothing.
    next.off = m.off !== undefined && Math.abs(m.off - off) < ATTACH_STEP_MS ? m.off : off;
    const f = app.state.lastFix;
    if (f) {
      next.lat = Math.round(f.lat * 1e4) / 1e4;
      next.lon = Math.round(f.lon * 1e4) / 1e4;
    }
  }
  store(app, next);
}

/** The platform acknowledged a position now. */
export function rememberPosition(app: App): void {
  const utc = app.utc();
  if (utc === 0) return;
  const m = loadCutMemory(app);
  if (m.pos !== undefined && utc - m.pos < POS_STEP_MS && utc >= m.pos) return;
  store(app, { ...m, pos: utc });
}

/**
 * At the first fix after a power-on (wall time known again, `fix` the new position): the ignition-off time, the
 * motion it implies and the platform's position come back in the monotonic frame. Nothing is recalled when the
 * ignition is on now, or when the unit stands more than MOVING_DISPLACEMENT_M from where it was parked (it was
 * moved while the power was off: it starts afresh). Returns the motion to continue from, or undefined.
 */
export function recallAfterCut(app: App, fix: FixSummary | undefined, parkAfterS: number): MotionState | undefined {
  if (app.mod(RECALLED) !== undefined) return undefined;
  const utc = app.utc();
  if (utc === 0) return undefined;
  app.saveMod(RECALLED, 1);
  const m = loadCutMemory(app);
  const now = app.now();
  const toMono = (t: number) => now - Math.max(0, utc - t);
  const health = app.mod<LinkHealth>("nbiot");
  if (m.pos !== undefined && !isNum(health?.lastPositionAckAt)) app.saveMod("nbiot", { ...(health ?? {}), lastPositionAckAt: toMono(m.pos) });
  if (app.state.acc || m.off === undefined || m.off > utc) return undefined;
  if (fix && m.lat !== undefined && m.lon !== undefined && distanceM(m.lat, m.lon, fix.lat, fix.lon) >= MOVING_DISPLACEMENT_M) {
    return undefined;
  }
  const offAt = toMono(m.off);
  app.state.accOffAt = offAt;
  const parkedAt = offAt + parkAfterS * 1000;
  const motion: MotionState = now > parkedAt ? { kind: "parked", since: parkedAt, accOffAt: offAt } : { kind: "stopped", since: offAt, accOffAt: offAt };
  if (m.lat !== undefined && m.lon !== undefined) {
    motion.lat = m.lat;
    motion.lon = m.lon;
  }
  return motion;
}
