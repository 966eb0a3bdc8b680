/**
 * What the terminal does with the six area messages: a pure function from (message, the areas held) to the
 * result code and the new set of areas. All-or-nothing like 0x8103: a malformed message, one bad area, a modify of
 * an area not held or a set that would exceed MAX_AREAS is refused whole (result 2) and changes nothing.
 *
 * Semantics: update (0) replaces every area of the message's shape; append (1) adds, replacing an area of the same
 * shape and id; modify (2) replaces areas that must already be held. A polygon (0x8604) replaces one of the same
 * id or is added. Deletes remove the listed ids of that shape (ids not held are ignored) or, with none listed,
 * every area of the shape. Areas of other shapes are never touched.
 */
import { AREA_TYPE_NAMES, MAX_AREAS, sameArea, type Area } from "../config/area";
import { areaMessageType, decodeDeleteAreas, decodeSetAreas, isDeleteMessage } from "./area-messages";
import type { Edition } from "./frame";

export type AreaOutcome = { ok: true; areas: Area[] } | { ok: false; error: string };

export function applyAreaMessage(msgId: number, body: Uint8Array, edition: Edition, held: readonly Area[]): AreaOutcome {
  const type = areaMessageType(msgId);
  if (type === undefined) return { ok: false, error: "not an area message" };
  if (isDeleteMessage(msgId)) {
    const ids = decodeDeleteAreas(body);
    if (!ids) return { ok: false, error: "malformed area id list" };
    const keep = held.filter((a) => a.type !== type || (ids.length > 0 && ids.indexOf(a.id) < 0));
    return { ok: true, areas: keep };
  }
  const set = decodeSetAreas(msgId, body, edition);
  if ("error" in set) return { ok: false, error: set.error };
  let next: Area[];
  if (type !== 3 && set.action === 0) next = held.filter((a) => a.type !== type).concat(set.areas);
  else {
    next = held.slice();
    for (const a of set.areas) {
      const i = next.findIndex((b) => sameArea(a, b));
      if (i >= 0) next[i] = a;
      else if (type !== 3 && set.action === 2) return { ok: false, error: `${AREA_TYPE_NAMES[type]} ${a.id} is not held: nothing to modify` };
      else next.push(a);
    }
  }
  if (next.length > MAX_AREAS) return { ok: false, error: `${next.length} areas: at most ${MAX_AREAS} are held` };
  return { ok: true, areas: next };
}
