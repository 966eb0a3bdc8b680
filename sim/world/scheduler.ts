/**
 * The virtual clock and event queue of the simulated world. Time is ms since the trace start. Events at the same
 * time run in the order they were scheduled, so a run is deterministic. run() jumps straight to the next event.
 */
interface Ev {
  t: number;
  seq: number;
  fn: () => void;
}

export class Scheduler {
  now = 0;
  private heap: Ev[] = [];
  private seq = 0;
  private cancelled = new Set<number>();
  events = 0;

  /** Schedules fn at absolute time t (clamped to now). Returns an id for cancel(). */
  at(t: number, fn: () => void): number {
    const ev = { t: Math.max(t, this.now), seq: ++this.seq, fn };
    this.push(ev);
    return ev.seq;
  }

  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** Time of the next pending event, or Infinity. */
  peek(): number {
    while (this.heap.length && this.cancelled.has(this.heap[0].seq)) this.cancelled.delete(this.pop().seq);
    return this.heap.length ? this.heap[0].t : Infinity;
  }

  /** Runs events up to and including time `until`, then leaves the clock at `until`. */
  run(until: number): void {
    while (this.peek() <= until) {
      const ev = this.pop();
      this.now = ev.t;
      this.events++;
      ev.fn();
    }
    if (until > this.now) this.now = until;
  }

  /** Runs the single next event (if any at or before `until`). Returns false when none was due. */
  step(until: number): boolean {
    if (this.peek() > until) return false;
    const ev = this.pop();
    this.now = ev.t;
    this.events++;
    ev.fn();
    return true;
  }

  private less(a: Ev, b: Ev): boolean {
    return a.t < b.t || (a.t === b.t && a.seq < b.seq);
  }
  private push(ev: Ev): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  private pop(): Ev {
    const h = this.heap;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l], h[m])) m = l;
        if (r < h.length && this.less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
}
