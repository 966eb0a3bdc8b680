/**
 * A record stamped with the time something happened rather than the time it was written: a door edge is seen
 * first as a raw input edge (or a wake) and written once it has settled, up to a second later, but the quality
 * team wants the moment the door moved. Same bookkeeping as App.record (fresh list, `record` event).
 */
import type { RecordKind, TrackRecord } from "../store/track-record";
import type { App } from "./app";

/** UTC ms at monotonic time `at`, or 0 while wall time is unknown (as App.utc()). */
export function utcAt(app: App, at: number): number {
  const utc = app.utc();
  return utc === 0 ? 0 : utc - (app.now() - at);
}

/** Appends a record of what the device knows now, stamped at `at`, with the fields in `patch` as they were then. */
export function recordAt(app: App, kind: RecordKind, at: number, patch: Partial<TrackRecord> = {}): number {
  const rec: TrackRecord = { ...app.current(kind), ...patch, mono: at, utc: utcAt(app, at) };
  const seq = app.records.append(rec);
  if (seq > 0) app.fresh.push({ ...rec, seq });
  app.emit("record", { seq, kind, mono: rec.mono });
  return seq;
}
