/** Medians and spreads over repetitions: how every figure of a comparison or a benchmark is summarised (compare, bench). */
import type { Spread } from './comparison.js';

/** The median (the mean of the middle two for an even count); NaN for no values. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median with min and max; all NaN for no values. */
export function spreadOf(xs: readonly number[]): Spread {
  return xs.length === 0 ? { median: NaN, min: NaN, max: NaN } : { median: median(xs), min: Math.min(...xs), max: Math.max(...xs) };
}
