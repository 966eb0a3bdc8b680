import { describe, expect, it } from "vitest";
import { Debouncer, debounceFeed, debounceInit, debouncePoll } from "../../firmware/sensors/debounce";

describe("debounce", () => {
  it("reports a bouncing change once, at its first edge", () => {
    const d = new Debouncer(50, false, 0);
    expect(d.edge(true, 1000)).toBeUndefined();
    expect(d.edge(false, 1008)).toBeUndefined();
    expect(d.edge(true, 1021)).toBeUndefined();
    expect(d.nextCheck()).toBe(1071);
    expect(d.poll(1070)).toBeUndefined();
    expect(d.poll(1071)).toEqual({ level: true, at: 1000 });
    expect(d.level()).toBe(true);
    expect(d.nextCheck()).toBeUndefined();
  });

  it("a glitch that returns to the old level is counted, not reported", () => {
    const d = new Debouncer(50, false, 0);
    d.edge(true, 100);
    d.edge(false, 103);
    expect(d.poll(200)).toBeUndefined();
    expect(d.level()).toBe(false);
    expect(d.glitches).toBe(1);
  });

  it("a new edge after a quiet spell settles the earlier change first", () => {
    let s = debounceInit(false, 0);
    s = debounceFeed(s, true, 100, 50).state;
    const r = debounceFeed(s, false, 5000, 50);
    expect(r.edge).toEqual({ level: true, at: 100 });
    expect(debouncePoll(r.state, 5050, 50).edge).toEqual({ level: false, at: 5000 });
  });

  it("a wake from deep sleep on an edge carries the wake time, across a snapshot", () => {
    const before = new Debouncer(50, false, 0);
    const snap = JSON.parse(JSON.stringify(before.snapshot()));
    const d = new Debouncer(50, false, 0, snap);
    expect(d.wake(true, 7_200_000)).toBeUndefined();
    expect(d.poll(7_200_050)).toEqual({ level: true, at: 7_200_000 });
    // Woken, but the level is back where it was: nothing to report.
    expect(d.wake(true, 7_300_000)).toBeUndefined();
    expect(d.nextCheck()).toBeUndefined();
  });
});
