// The ledger's set of sent seqs as ranges: merging, splitting on acks, the bound, and checking what RTC memory held.
import { describe, expect, it } from "vitest";
import { addSeqs, checkRanges, dropBelow, hasSeq, removeSeqs } from "../../firmware/rdss/seq-ranges";

describe("seq ranges", () => {
  it("merges adjacent and overlapping seqs into ranges, in any order", () => {
    expect(addSeqs([], [5, 3, 4, 9, 10, 1], 8)).toEqual([1, 1, 3, 5, 9, 10]);
    expect(addSeqs([1, 1, 3, 5], [2, 6], 8)).toEqual([1, 6]);
    expect(addSeqs([10, 20], [15, 15, 21], 8)).toEqual([10, 21]);
  });

  it("a BDS-3 batch of 127 consecutive records is one range", () => {
    const seqs = Array.from({ length: 127 }, (_, i) => 1000 + i);
    const r = addSeqs([], seqs, 32);
    expect(r).toEqual([1000, 1126]);
    expect(seqs.every((s) => hasSeq(r, s))).toBe(true);
    expect(hasSeq(r, 999) || hasSeq(r, 1127)).toBe(false);
  });

  it("forgets the lowest ranges past the bound", () => {
    const r = addSeqs([], [1, 3, 5, 7, 9], 3);
    expect(r).toEqual([5, 5, 7, 7, 9, 9]);
  });

  it("splits a range around acknowledged seqs and drops everything below the oldest pending", () => {
    expect(removeSeqs([1, 10], [1, 5, 10, 42])).toEqual([2, 4, 6, 9]);
    expect(dropBelow([1, 4, 6, 9, 20, 20], 7)).toEqual([7, 9, 20, 20]);
    expect(dropBelow([1, 4], 5)).toEqual([]);
  });

  it.each([
    [[1, 4, 6, 9], [1, 4, 6, 9]],
    [[1, 4, 5, 9], []], // adjacent ranges are never saved unmerged
    [[4, 1], []],
    [[1, 2, 3], []],
    [[1, "2"], []],
    ["1-2", []],
    [[1.5, 2], []],
  ])("checks a saved set %j", (x, want) => {
    expect(checkRanges(x, 32)).toEqual(want);
  });
});
