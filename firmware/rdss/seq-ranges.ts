/**
 * A set of record seqs kept as inclusive ranges, flat and ascending: [from0, to0, from1, to1, ...]. The short-
 * message ledger uses it because a message often carries a run of consecutive records (a BDS-3 message up to
 * 127): a list of seqs would overflow retained memory or forget whole messages, ranges stay a few numbers.
 * Bounded: past maxRanges the lowest ranges are forgotten (the oldest records; forgetting one only means it may
 * go by short message once more, and the server dedupes). All functions are pure.
 */

export type SeqRanges = number[];

export function hasSeq(r: readonly number[], seq: number): boolean {
  for (let i = 0; i + 1 < r.length; i += 2) if (seq >= r[i] && seq <= r[i + 1]) return true;
  return false;
}

/** How many seqs the set holds. */
export function countSeqs(r: readonly number[]): number {
  let n = 0;
  for (let i = 0; i + 1 < r.length; i += 2) n += r[i + 1] - r[i] + 1;
  return n;
}

/** The set with these seqs added; adjacent and overlapping ranges merge. */
export function addSeqs(r: readonly number[], seqs: readonly number[], maxRanges: number): SeqRanges {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < r.length; i += 2) pairs.push([r[i], r[i + 1]]);
  for (const s of seqs) if (Number.isInteger(s)) pairs.push([s, s]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const p of pairs) {
    const last = out[out.length - 1];
    if (last && p[0] <= last[1] + 1) last[1] = Math.max(last[1], p[1]);
    else out.push([p[0], p[1]]);
  }
  return flat(out.slice(Math.max(0, out.length - maxRanges)));
}

/** The set without these seqs (a range split around each). */
export function removeSeqs(r: readonly number[], seqs: readonly number[]): SeqRanges {
  let pairs: [number, number][] = [];
  for (let i = 0; i + 1 < r.length; i += 2) pairs.push([r[i], r[i + 1]]);
  for (const s of seqs) {
    const next: [number, number][] = [];
    for (const [a, b] of pairs) {
      if (s < a || s > b) next.push([a, b]);
      else {
        if (a <= s - 1) next.push([a, s - 1]);
        if (s + 1 <= b) next.push([s + 1, b]);
      }
    }
    pairs = next;
  }
  return flat(pairs);
}

/** The set without every seq below `seq`. */
export function dropBelow(r: readonly number[], seq: number): SeqRanges {
  const out: SeqRanges = [];
  for (let i = 0; i + 1 < r.length; i += 2) {
    if (r[i + 1] < seq) continue;
    out.push(Math.max(r[i], seq), r[i + 1]);
  }
  return out;
}

/** A saved set, checked: ascending disjoint integer pairs, else empty (forgetting is safe, misreading is not). */
export function checkRanges(x: unknown, maxRanges: number): SeqRanges {
  if (!Array.isArray(x) || x.length % 2 !== 0 || x.length > 2 * maxRanges) return [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isInteger(x[i])) return [];
    if (i > 0 && !(x[i] >= x[i - 1] + (i % 2 === 0 ? 2 : 0))) return [];
  }
  return x.slice() as number[];
}

function flat(pairs: readonly [number, number][]): SeqRanges {
  const out: SeqRanges = [];
  for (const [a, b] of pairs) out.push(a, b);
  return out;
}
