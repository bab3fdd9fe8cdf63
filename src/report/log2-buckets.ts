import type { Histogram } from './comparison.js';

/**
 * The report's view of log2 histograms (comparison.ts: `counts[i]` events took
 * [2^i, 2^(i+1)) ns). Bounds are named the binary way, 2^10 ns as "1 µs", so each bucket
 * reads as a doubling: "512 ns–1 µs", "1–2 µs".
 */

const UNITS = ['ns', 'µs', 'ms', 's'] as const;

/** 2^k ns, named with the binary unit: [1, 512] of ns, µs, ms, then seconds from 2^30 on. */
function bound(k: number): { value: number; unit: string } {
  const u = Math.min(Math.floor(k / 10), UNITS.length - 1);
  return { value: 2 ** (k - 10 * u), unit: UNITS[u]! };
}

/** "< 2 ns" for bucket 0 (it also holds < 1 ns), else "1–2 µs" or "512 ns–1 µs". */
export function bucketLabel(i: number): string {
  const hi = bound(i + 1);
  if (i === 0) return `< ${hi.value} ${hi.unit}`;
  const lo = bound(i);
  return lo.unit === hi.unit ? `${lo.value}–${hi.value} ${hi.unit}` : `${lo.value} ${lo.unit}–${hi.value} ${hi.unit}`;
}

/** The buckets from the first to the last non-zero one of any histogram; undefined when all are empty. */
export function occupiedBuckets(hists: readonly Histogram[]): { first: number; last: number } | undefined {
  let first = Infinity;
  let last = -1;
  for (const h of hists) {
    h.counts.forEach((n, i) => {
      if (n > 0) {
        first = Math.min(first, i);
        last = Math.max(last, i);
      }
    });
  }
  return last < 0 ? undefined : { first, last };
}

/**
 * Where `ns` falls on a category axis whose index 0 is bucket `first`: bucket i spans
 * [i - first - 0.5, i - first + 0.5) around its bar, and the value's place inside it is its
 * log2 fraction (a p50 of 1.4 µs sits halfway across the "1–2 µs" bar).
 */
export function bucketPosition(ns: number, first: number): number {
  return Math.log2(Math.max(ns, 1)) - first - 0.5;
}
