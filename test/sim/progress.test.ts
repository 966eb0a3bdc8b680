/** The bench's progress lines: one per trip on a terminal, nothing at all otherwise. */
import { describe, expect, it } from "vitest";
import { progress } from "../../sim/cli/progress";

describe("progress lines", () => {
  const sink = () => {
    const out: string[] = [];
    return { out, w: { write: (s: string) => out.push(s) } };
  };

  it("shows a running line and replaces it with the outcome, one line per item", () => {
    const { out, w } = sink();
    const p = progress(true, w);
    p.start(0, 2, "trip-a: 1.0 d");
    p.done("506 wakes in 2.9 s");
    p.start(1, 2, "trip-b: 7.0 d");
    p.done("2829 wakes in 4.0 s");
    const text = out.join("");
    expect(text.split("\n").filter(Boolean).map((l) => l.slice(l.lastIndexOf("\x1b[K") + 3))).toEqual([
      "[1/2] trip-a: 1.0 d: 506 wakes in 2.9 s",
      "[2/2] trip-b: 7.0 d: 2829 wakes in 4.0 s",
    ]);
    expect(out[0]).toBe("\r\x1b[K[1/2] trip-a: 1.0 d …");
  });

  it("writes nothing when disabled (not a terminal, or --json)", () => {
    const { out, w } = sink();
    const p = progress(false, w);
    p.start(0, 1, "x");
    p.done("y");
    expect(out).toEqual([]);
  });
});
