/**
 * Sets of completion indexes of an Indexed Job as ordered, disjoint, non-adjacent
 * intervals, and their text form in `status.completedIndexes` ("1,3-5,7": three or more
 * consecutive numbers become a range, two stay a list). Parsing drops indexes at or above
 * `completions` and skips malformed parts. Pure.
 */

export interface Interval {
  first: number;
  last: number;
}

export type Intervals = readonly Interval[];

/** Parses `status.completedIndexes`, keeping only indexes below `completions`. */
export function parseIntervals(text: string | undefined, completions: number): Interval[] {
  const out: Interval[] = [];
  if (!text) return out;
  for (const part of text.split(',')) {
    const [a, b, ...rest] = part.split('-');
    if (rest.length > 0) continue;
    const first = toIndex(a);
    if (first === undefined) continue;
    if (first >= completions) break;
    let last = first;
    if (b !== undefined) {
      const l = toIndex(b);
      if (l === undefined || l < first) continue;
      last = Math.min(l, completions - 1);
    }
    const prev = out[out.length - 1];
    if (prev && first <= prev.last + 1) prev.last = Math.max(prev.last, last);
    else out.push({ first, last });
  }
  return out;
}

function toIndex(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** The text form: "0-2,4,6,7". */
export function formatIntervals(iv: Intervals): string {
  const parts: string[] = [];
  for (const { first, last } of iv) {
    if (last === first) parts.push(String(first));
    else if (last === first + 1) parts.push(`${first},${last}`);
    else parts.push(`${first}-${last}`);
  }
  return parts.join(',');
}

/** The union of two interval lists. */
export function mergeIntervals(a: Intervals, b: Intervals): Interval[] {
  const all = [...a, ...b].sort((x, y) => x.first - y.first);
  const out: Interval[] = [];
  for (const iv of all) {
    const prev = out[out.length - 1];
    if (prev && iv.first <= prev.last + 1) prev.last = Math.max(prev.last, iv.last);
    else out.push({ first: iv.first, last: iv.last });
  }
  return out;
}

/** `iv` plus the given indexes (any order, duplicates allowed). */
export function withIndexes(iv: Intervals, indexes: Iterable<number>): Interval[] {
  return mergeIntervals(
    iv,
    [...indexes].map((i) => ({ first: i, last: i })),
  );
}

export function countIndexes(iv: Intervals): number {
  let n = 0;
  for (const { first, last } of iv) n += last - first + 1;
  return n;
}

export function hasIndex(iv: Intervals, ix: number): boolean {
  let lo = 0;
  let hi = iv.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (iv[mid]!.last >= ix) hi = mid;
    else lo = mid + 1;
  }
  return hi < iv.length && iv[hi]!.first <= ix;
}

/** Up to `count` indexes below `completions` that are not in `taken`, lowest first. */
export function firstPendingIndexes(taken: Intervals, count: number, completions: number): number[] {
  const out: number[] = [];
  let candidate = 0;
  for (const iv of taken) {
    for (; candidate < completions && out.length < count && candidate < iv.first; candidate++) {
      out.push(candidate);
    }
    candidate = Math.max(candidate, iv.last + 1);
  }
  for (; candidate < completions && out.length < count; candidate++) out.push(candidate);
  return out;
}
