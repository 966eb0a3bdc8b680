/**
 * AT command engine: one command in flight, each with its own timeout and attempt count; URCs go to every
 * subscriber whenever they arrive, also between the lines of a response.
 *
 * States: idle (nothing in flight) | waiting (command written, armed: its timeout) | holding (after a modem boot:
 *   stray finals are dropped until the hold deadline).
 * Inputs: run(cmd, done), bytes from the Serial port, deadlines.
 * Outputs: done(AtResult) once per command; URC lines to onUrc subscribers; bytes to the Serial port.
 */
import type { Clock, Serial } from "../../hal/ports";
import { ascii } from "../core/bytes";
import { AtReceiver, type AtItem } from "./at-digester";

export interface AtCommand {
  /** Command text without the trailing CR, e.g. "AT+CSQ". */
  readonly text: string;
  readonly timeoutMs: number;
  /** Total tries (1 = no retry) on timeout or error. */
  readonly attempts: number;
  /** URC-looking prefixes that are this command's own response lines (e.g. "+CEREG:" for AT+CEREG?). */
  readonly claims?: readonly string[];
  /** Written after the `>` prompt. */
  readonly data?: Uint8Array;
}

export type AtFailure = "error" | "timeout" | "aborted";
export type AtResult =
  | { readonly ok: true; readonly lines: readonly string[] }
  | { readonly ok: false; readonly reason: AtFailure; readonly cme?: number; readonly lines: readonly string[] };

export interface EngineCounters {
  commands: number;
  writes: number; // including retries
  ok: number;
  errors: number;
  timeouts: number;
  urcs: number;
  echoes: number;
  strays: number; // finals, lines or prompts with no command in flight
}

interface Job {
  cmd: AtCommand;
  done: (r: AtResult) => void;
  left: number;
}

/** Pause before retrying after ERROR: a busy modem answers ERROR at once, a retry right away would too. */
const ERROR_RETRY_MS = 300;

export class AtEngine {
  private readonly rx: AtReceiver;
  private readonly queue: Job[] = [];
  private job: Job | undefined;
  private lines: string[] = [];
  private timer = -1;
  private holdUntil = 0;
  private readonly subscribers: ((line: string) => void)[] = [];
  readonly counters: EngineCounters = { commands: 0, writes: 0, ok: 0, errors: 0, timeouts: 0, urcs: 0, echoes: 0, strays: 0 };

  constructor(
    private readonly serial: Serial,
    private readonly clock: Clock,
    urcPrefixes: readonly string[],
  ) {
    this.rx = new AtReceiver(urcPrefixes);
    serial.onReceive((chunk) => this.rx.push(chunk, (item) => this.onItem(item)));
  }

  get receiver(): AtReceiver {
    return this.rx;
  }

  onUrc(fn: (line: string) => void): void {
    this.subscribers.push(fn);
  }

  busy(): boolean {
    return this.job !== undefined || this.queue.length > 0;
  }

  /** Queues a command; `done` is called exactly once, never from inside run(). */
  run(cmd: AtCommand, done: (r: AtResult) => void): void {
    this.counters.commands++;
    this.queue.push({ cmd, done, left: Math.max(1, cmd.attempts) });
    if (!this.job) this.arm(this.clock.now());
  }

  /** Fails the command in flight and everything queued (the modem rebooted or is being power-cycled). */
  abort(): void {
    const jobs = this.job ? [this.job, ...this.queue] : this.queue.slice();
    this.job = undefined;
    this.queue.length = 0;
    this.clock.cancel(this.timer);
    this.timer = -1;
    for (const j of jobs) j.done({ ok: false, reason: "aborted", lines: [] });
  }

  /** Starts no command before `until` and drops finals meanwhile (a booting modem prints a stray OK). */
  hold(until: number): void {
    this.holdUntil = Math.max(this.holdUntil, until);
  }

  private arm(at: number): void {
    this.clock.cancel(this.timer);
    this.timer = this.clock.at(Math.max(at, this.holdUntil), () => this.next());
  }

  private next(): void {
    this.timer = -1;
    if (this.job || this.queue.length === 0) return;
    if (this.clock.now() < this.holdUntil) return this.arm(this.holdUntil);
    this.job = this.queue.shift()!;
    this.write();
  }

  private write(): void {
    const job = this.job!;
    job.left--;
    this.lines = [];
    this.counters.writes++;
    this.serial.write(ascii(job.cmd.text + "\r"));
    this.timer = this.clock.at(this.clock.now() + job.cmd.timeoutMs, () => this.onTimeout());
  }

  private onTimeout(): void {
    this.timer = -1;
    this.counters.timeouts++;
    this.finishOrRetry({ ok: false, reason: "timeout", lines: this.lines }, 0);
  }

  private finishOrRetry(r: AtResult, retryDelay: number): void {
    const job = this.job!;
    this.clock.cancel(this.timer);
    if (!r.ok && job.left > 0) {
      this.timer = this.clock.at(this.clock.now() + retryDelay, () => {
        this.timer = -1;
        if (this.job === job) this.write();
      });
      return;
    }
    this.job = undefined;
    this.timer = -1;
    job.done(r);
    if (!this.job && this.queue.length > 0) this.arm(this.clock.now());
  }

  private onItem(item: AtItem): void {
    if (item.kind === "urc") {
      const claims = this.job?.cmd.claims;
      if (!claims || !claims.some((p) => item.text.startsWith(p))) return this.urc(item.text);
      return this.answer({ kind: "line", text: item.text });
    }
    if (item.kind === "echo") {
      this.counters.echoes++;
      return;
    }
    this.answer(item);
  }

  private answer(item: AtItem): void {
    const job = this.job;
    if (!job || this.timer === -1 || this.clock.now() < this.holdUntil) {
      this.counters.strays++;
      return;
    }
    switch (item.kind) {
      case "line":
        this.lines.push(item.text);
        return;
      case "prompt":
        if (job.cmd.data) this.serial.write(job.cmd.data);
        else this.counters.strays++;
        return;
      case "ok":
        this.counters.ok++;
        return this.finishOrRetry({ ok: true, lines: this.lines }, 0);
      case "error":
        this.counters.errors++;
        return this.finishOrRetry({ ok: false, reason: "error", cme: item.cme, lines: this.lines }, ERROR_RETRY_MS);
      default:
        return;
    }
  }

  private urc(text: string): void {
    this.counters.urcs++;
    for (const fn of this.subscribers) fn(text);
  }
}
