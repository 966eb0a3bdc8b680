/**
 * The platform's side of the areas: it encodes the trace's area commands as 0x8600-0x8605 and keeps what the
 * terminal holds, changed only when the terminal answers a command with result 0 (a refused command changes
 * nothing, as on the device). Written apart from the firmware's own bookkeeping so each checks the other.
 */
import { sameArea, type Area } from "../../firmware/config/area";
import { AREA_MSG, encodeDeleteAreas, encodeAreaItem, encodeSetAreas, type AreaAction } from "../../firmware/protocol/area-messages";
import type { Edition } from "../../firmware/protocol/frame";
import { AREA_ACTIONS, AREA_SHAPES, type AreaDownlink } from "./trace-areas";

interface Sent {
  msgId: number;
  d: AreaDownlink;
}

export interface AreaChange {
  atMs: number;
  msgId: number;
  result: number;
  held: number; // areas the terminal holds after it
}

const SET_IDS = [AREA_MSG.setCircles, AREA_MSG.setRectangles, AREA_MSG.setPolygon];
const DELETE_IDS = [AREA_MSG.deleteCircles, AREA_MSG.deleteRectangles, AREA_MSG.deletePolygons];

export class FleetAreas {
  /** What the terminal holds, as far as its answers tell. */
  held: Area[] = [];
  readonly changes: AreaChange[] = [];
  /** Every area definition the terminal accepted, by "type:id", with when it first held it (ms). */
  readonly known = new Map<string, { area: Area; sinceMs: number }>();
  private readonly sent = new Map<number, Sent>();

  message(d: AreaDownlink, edition: Edition): { msgId: number; body: Uint8Array } {
    const shape = AREA_SHAPES.indexOf(d.shape);
    if (d.areaIds) return { msgId: DELETE_IDS[shape], body: encodeDeleteAreas(d.areaIds) };
    const areas = d.areas ?? [];
    if (shape === 2) return { msgId: SET_IDS[2], body: encodeAreaItem(areas[0], edition) };
    return { msgId: SET_IDS[shape], body: encodeSetAreas(AREA_ACTIONS.indexOf(d.action) as AreaAction, areas, edition) };
  }

  /** The frame carrying `d` went out with this serial. */
  noteSent(serial: number, msgId: number, d: AreaDownlink): void {
    this.sent.set(serial, { msgId, d });
  }

  /** The terminal's 0x0001 to one of our frames. */
  answer(replySerial: number, replyId: number, result: number, atMs: number): void {
    const s = this.sent.get(replySerial);
    if (!s || s.msgId !== replyId) return;
    this.sent.delete(replySerial);
    if (result === 0) {
      this.held = apply(this.held, s.d);
      for (const a of s.d.areas ?? []) {
        const k = `${a.type}:${a.id}`;
        this.known.set(k, { area: a, sinceMs: this.known.get(k)?.sinceMs ?? atMs });
      }
    }
    this.changes.push({ atMs, msgId: replyId, result, held: this.held.length });
  }
}

function apply(held: readonly Area[], d: AreaDownlink): Area[] {
  const type = AREA_SHAPES.indexOf(d.shape) + 1;
  if (d.areaIds) return held.filter((a) => a.type !== type || (d.areaIds!.length > 0 && !d.areaIds!.includes(a.id)));
  const incoming = d.areas ?? [];
  if (d.action === "update" && type !== 3) return held.filter((a) => a.type !== type).concat(incoming);
  const out = held.filter((a) => !incoming.some((b) => sameArea(a, b)));
  return out.concat(incoming);
}
