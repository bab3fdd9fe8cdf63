/** Numbers as the HTML report prints them: three significant digits and a unit. */

/** Rounds to three significant digits first, so 999 950 becomes "1.00 M", not "1.00e+3 k". */
function scaled(value: number, steps: readonly (readonly [number, string])[], small: (v: number) => string): string {
  const r = Number(value.toPrecision(3));
  for (const [size, unit] of steps) if (Math.abs(r) >= size) return `${(r / size).toPrecision(3)} ${unit}`;
  return small(r);
}

const COUNT_STEPS = [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const;
const NS_STEPS = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs']] as const;

/** 12, 0.400, 12.3 k, 1.52 M — a count or a rate. */
export function formatCount(n: number): string {
  return scaled(n, COUNT_STEPS, (r) => (Number.isInteger(r) ? String(r) : r.toPrecision(3)));
}

/** 87 ns, 12.3 µs, 1.52 ms, 2.00 s. */
export function formatNs(ns: number): string {
  return scaled(ns, NS_STEPS, (r) => `${r} ns`);
}

/** A ratio readable at a glance: ×1.05, ×0.360, ×1030, ×<0.01. */
export function formatRatio(r: number): string {
  if (r === 0) return '×0';
  if (r < 0.01) return '×<0.01';
  return r >= 100 ? `×${r.toFixed(0)}` : `×${r.toPrecision(3)}`;
}
