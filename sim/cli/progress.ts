/**
 * One progress line per item on a terminal: "[2/4] name: what…" while it runs, replaced by its outcome when done.
 * Silent when the output is not a terminal (a pipe, a file, CI logs) or is machine-read (--json), so those stay
 * exactly the figures.
 */
export interface Progress {
  start(i: number, n: number, text: string): void;
  done(text: string): void;
}

export function progress(enabled: boolean, out: { write(s: string): unknown } = process.stdout): Progress {
  let head = "";
  return {
    start(i, n, text) {
      head = `[${i + 1}/${n}] ${text}`;
      if (enabled) out.write(`\r\x1b[K${head} …`);
    },
    done(text) {
      if (enabled) out.write(`\r\x1b[K${head}: ${text}\n`);
    },
  };
}
