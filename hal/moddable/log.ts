/** Log lines go to trace(): the xsbug console in debug builds, the serial console in release builds. */
import type { Log, LogLevel } from "../ports";

export class TraceLog implements Log {
  constructor(private readonly minLevel: LogLevel = "debug") {}
  log(level: LogLevel, msg: string): void {
    if (RANK[level] < RANK[this.minLevel]) return;
    trace(`${level} ${msg}\n`);
  }
}

const RANK: Readonly<Record<LogLevel, number>> = Object.freeze({ debug: 0, info: 1, warn: 2, error: 3 });
