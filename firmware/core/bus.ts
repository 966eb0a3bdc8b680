/**
 * The message bus the modules talk through. Messages are plain objects with a string-literal `type`.
 * post() only queues; messages are delivered in order after the current handler returns, so a module never
 * re-enters itself. A handler that throws is a bug: the bus catches it, counts it, logs it and goes on; the app
 * reboots the device when the count passes its limit.
 */
export interface Message {
  readonly type: string;
}

type Handler<M> = (msg: M) => void;

export class Bus<M extends Message> {
  private queue: M[] = [];
  private handlers = new Map<string, Handler<M>[]>();
  private draining = false;
  faults = 0;
  lastFault = "";

  constructor(private readonly onFault: (error: string) => void = () => {}) {}

  /** Subscribes to one message type, or "*" for every message. */
  on<T extends M["type"]>(type: T | "*", fn: (msg: Extract<M, { type: T }>) => void): void {
    const list = this.handlers.get(type) ?? [];
    list.push(fn as Handler<M>);
    this.handlers.set(type, list);
  }

  post(msg: M): void {
    this.queue.push(msg);
    if (!this.draining) this.drain();
  }

  private drain(): void {
    this.draining = true;
    try {
      for (let i = 0; i < this.queue.length; i++) {
        const msg = this.queue[i];
        for (const fn of this.handlers.get(msg.type) ?? []) this.guard(fn, msg);
        for (const fn of this.handlers.get("*") ?? []) this.guard(fn, msg);
      }
    } finally {
      this.queue.length = 0;
      this.draining = false;
    }
  }

  /** Runs any callback (timer, port receive) under the same fault accounting as message handlers. */
  guard<A>(fn: (a: A) => void, arg: A): void {
    try {
      fn(arg);
    } catch (e) {
      this.faults++;
      this.lastFault = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      this.onFault(this.lastFault);
    }
  }
}
