/**
 * A run's transcript read back as the firmware's structured event lines (`12.345 info name key=value ...`): the
 * public record of what the firmware did, which the campaigns judge alongside what the platform received.
 */
import { parseEvent } from "../../firmware/core/events";
import { splitLine } from "../report/transcript-line";

export interface RunEvent {
  t: number; // s, sim time
  name: string;
  f: Record<string, string>;
  /** The line after its time and level (for the lines that are not events). */
  text: string;
}

export function runEvents(transcript: readonly string[]): RunEvent[] {
  const out: RunEvent[] = [];
  for (const line of transcript) {
    const { t, text } = splitLine(line);
    const ev = parseEvent(text);
    out.push({ t, name: ev ? ev.name : "", f: ev ? ev.fields : {}, text });
  }
  return out;
}
