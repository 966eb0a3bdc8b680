/**
 * Reads the transcript's lines back (`12.345 info name key=value ...`): the time and the text after the level,
 * and the firmware's event lines up to a time. One parser for the report, its HTML page and the fault campaigns,
 * so they all agree on what a line says.
 */
import { parseEvent } from "../../firmware/core/events";

/** One transcript line split into its time (s, sim time) and the text after its time and level. */
export function splitLine(line: string): { t: number; text: string } {
  const sp1 = line.indexOf(" ");
  return { t: Number(line.slice(0, sp1)), text: line.slice(line.indexOf(" ", sp1 + 1) + 1) };
}

export interface EventLine {
  t: number; // s
  name: string;
  fields: Record<string, string>;
}

/** The firmware's event lines up to `endS` (the lines that are not events are left out). */
export function eventsUntil(transcript: readonly string[], endS: number): EventLine[] {
  const out: EventLine[] = [];
  for (const line of transcript) {
    const { t, text } = splitLine(line);
    if (t > endS) break;
    const ev = parseEvent(text);
    if (ev) out.push({ t, name: ev.name, fields: ev.fields });
  }
  return out;
}
