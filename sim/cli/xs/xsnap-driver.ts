/**
 * Drives the XS engine (the xsnap worker binary built by @agoric/xsnap on install) directly over its netstring
 * pipes: fd 3 host → XS, fd 4 XS → host. `e` evaluates script text, `?` calls the guest's
 * globalThis.handleCommand(ArrayBuffer). Replies `.` carry `<meter JSON>\x01<bytes>`; `!` carries an error.
 * No SES or lockdown is needed on the host side.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Readable, Writable } from "node:stream";

export interface Meter {
  compute: number | null;
  allocate: number | null;
  currentHeapCount: number | null;
}

export function workerPath(): string {
  const require = createRequire(import.meta.url);
  const pkg = dirname(require.resolve("@agoric/xsnap/package.json"));
  return join(pkg, "xsnap-native/xsnap/build/bin/lin/release/xsnap-worker");
}

export class XsWorker {
  private proc: ChildProcess;
  private buf = Buffer.alloc(0);
  private waiting: ((msg: Buffer) => void) | undefined;
  private exited: string | undefined;

  /** The worker reads the limit with atoi() into a 32-bit meter: anything above 2^31 - 1 wraps to a small limit. */
  constructor(computronLimit = 2_147_483_647) {
    const bin = workerPath();
    if (!existsSync(bin)) throw new Error(`xsnap worker not built at ${bin}: run npm ci with install scripts enabled`);
    this.proc = spawn(bin, ["tracker-sim", "-l", String(Math.min(computronLimit, 2_147_483_647))], {
      stdio: ["ignore", "inherit", "inherit", "pipe", "pipe"],
    });
    const from = this.proc.stdio[4] as Readable;
    from.on("data", (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      this.pump();
    });
    this.proc.on("exit", (code, signal) => {
      this.exited = `xsnap exited (code ${code}, signal ${signal})`;
      const w = this.waiting;
      this.waiting = undefined;
      w?.(Buffer.from("!" + this.exited));
    });
  }

  private pump(): void {
    const colon = this.buf.indexOf(0x3a);
    if (colon < 0 || !this.waiting) return;
    const len = Number(this.buf.subarray(0, colon).toString());
    if (this.buf.length < colon + 1 + len + 1) return;
    const msg = this.buf.subarray(colon + 1, colon + 1 + len);
    this.buf = this.buf.subarray(colon + 2 + len);
    const w = this.waiting;
    this.waiting = undefined;
    w(Buffer.from(msg));
  }

  private send(kind: string, body: Uint8Array): Promise<{ meter: Meter; reply: Buffer }> {
    if (this.exited) return Promise.reject(new Error(this.exited));
    const payload = Buffer.concat([Buffer.from(kind), Buffer.from(body)]);
    const to = this.proc.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.waiting = (msg) => {
        if (msg[0] === 0x2e) {
          const sep = msg.indexOf(1, 1);
          const meter = sep > 0 ? (JSON.parse(msg.subarray(1, sep).toString()) as Meter) : ({} as Meter);
          resolve({ meter, reply: sep > 0 ? msg.subarray(sep + 1) : msg.subarray(1) });
        } else reject(new Error(`xsnap: ${msg.subarray(1).toString()}`));
      };
      to.write(`${payload.length}:`);
      to.write(payload);
      to.write(",");
      this.pump();
    });
  }

  evaluate(script: string): Promise<{ meter: Meter; reply: Buffer }> {
    return this.send("e", Buffer.from(script, "utf8"));
  }

  command(bytes: Uint8Array): Promise<{ meter: Meter; reply: Buffer }> {
    return this.send("?", bytes);
  }

  close(): void {
    this.proc.kill();
  }
}
