/**
 * lock_stat-style figures per lock class (the kernel's /proc/lock_stat, by class): how
 * often a class was acquired, how often the acquirer found it held (contentions), how long
 * it waited and how long locks of the class were held — total, worst, and as log2
 * histograms (for percentiles). The RCU row counts read-side sections entered as
 * acquisitions and grace periods waited for as contentions, with their wait: its wait
 * histogram is the grace-period latency histogram. A read-side section's length is not
 * timed (it is the hot path). Hold times are over `holdSamples` acquisitions: every one in
 * the sim, one in eight on workers, where reading the clock twice would double the cost of
 * an uncontended lock/unlock pair.
 *
 * Each thread keeps its own figures in a private Float64Array (plain stores on the
 * acquisition path, no atomics, no sharing); a hw thread hands its rows to the coordinator
 * in its final report (engine/messages.ts `ThreadReport`), which sums them. Units are the
 * driver's: ns on workers, virtual ns in the sim.
 */
import { LOCKDEP_CLASSES, NCLASSES, RCU_CLASS as RCU, type LockdepClass } from './lockdep.js';

/** Buckets of a wait or hold histogram: bucket i counts [2^i, 2^(i+1)) ns; the last one also holds longer (≥ 2^39 ns, 9 minutes). */
export const HISTOGRAM_BUCKETS = 40;

const ACQ = 0;
const CONT = 1;
const WAIT = 2;
const WAIT_MAX = 3;
const HOLD = 4;
const HOLD_MAX = 5;
const HOLD_SAMPLES = 6;
const WAIT_HIST = 7;
const HOLD_HIST = WAIT_HIST + HISTOGRAM_BUCKETS;
const FIELDS = HOLD_HIST + HISTOGRAM_BUCKETS;

export interface LockStatRow {
  readonly class: LockdepClass;
  readonly acquisitions: number;
  readonly contentions: number;
  readonly waitTotal: number;
  readonly waitMax: number;
  /** Over the holdSamples acquisitions whose hold was timed. */
  readonly holdTotal: number;
  readonly holdMax: number;
  readonly holdSamples: number;
  /**
   * The contended acquisitions' waits, log2: `waitHistogram[i]` waited [2^i, 2^(i+1)) ns
   * (bucket 0 also holds < 1 ns), up to the last non-empty bucket. The RCU row's is the
   * grace-period latency histogram.
   */
  readonly waitHistogram: number[];
  /** The timed holds (holdSamples of them), log2 like waitHistogram. */
  readonly holdHistogram: number[];
}

/**
 * The log2 bucket of `ns` (≥ 0). Below 2^32 ns (4.3 s) Math.clz32 gives it in one step (it
 * truncates a fraction, and 0.x ns lands in bucket 0); longer times take the float log2.
 */
function bucketOf(ns: number): number {
  const b = ns < 4294967296 ? 31 - Math.clz32(ns) : Math.floor(Math.log2(ns));
  return b < 0 ? 0 : b < HISTOGRAM_BUCKETS ? b : HISTOGRAM_BUCKETS - 1;
}

export class LockStats {
  /** One writer: the thread (or the sim's one thread) that owns this object. */
  private readonly f = new Float64Array(NCLASSES * FIELDS);

  /** An acquisition of class `cls`; `waited` < 0: it was free (no contention). */
  acquired(cls: number, waited: number): void {
    const f = this.f;
    const i = cls * FIELDS;
    f[i + ACQ]!++;
    if (waited < 0) return;
    f[i + CONT]!++;
    this.wait(i, waited);
  }

  /** A grace period waited for (the RCU row's contentions). */
  gracePeriod(waited: number): void {
    const i = RCU * FIELDS;
    this.f[i + CONT]!++;
    if (waited >= 0) this.wait(i, waited);
  }

  private wait(i: number, waited: number): void {
    const f = this.f;
    f[i + WAIT] += waited;
    if (waited > f[i + WAIT_MAX]!) f[i + WAIT_MAX] = waited;
    f[i + WAIT_HIST + bucketOf(waited)]!++;
  }

  /** A release; `held` < 0: this acquisition's hold was not timed. */
  released(cls: number, held: number): void {
    if (held < 0) return;
    const f = this.f;
    const i = cls * FIELDS;
    f[i + HOLD_SAMPLES]!++;
    f[i + HOLD] += held;
    if (held > f[i + HOLD_MAX]!) f[i + HOLD_MAX] = held;
    f[i + HOLD_HIST + bucketOf(held)]!++;
  }

  /** The figures of the classes that were acquired (or waited for) at least once. */
  rows(): LockStatRow[] {
    const f = this.f;
    const rows: LockStatRow[] = [];
    for (let c = 0; c < NCLASSES; c++) {
      const i = c * FIELDS;
      if (f[i + ACQ]! === 0 && f[i + CONT]! === 0) continue;
      rows.push({
        class: LOCKDEP_CLASSES[c]!,
        acquisitions: f[i + ACQ]!,
        contentions: f[i + CONT]!,
        waitTotal: f[i + WAIT]!,
        waitMax: f[i + WAIT_MAX]!,
        holdTotal: f[i + HOLD]!,
        holdMax: f[i + HOLD_MAX]!,
        holdSamples: f[i + HOLD_SAMPLES]!,
        waitHistogram: occupied(f.subarray(i + WAIT_HIST, i + WAIT_HIST + HISTOGRAM_BUCKETS)),
        holdHistogram: occupied(f.subarray(i + HOLD_HIST, i + HOLD_HIST + HISTOGRAM_BUCKETS)),
      });
    }
    return rows;
  }
}

/** The buckets up to the last non-empty one (reports stay short: most classes never wait long). */
function occupied(h: Float64Array): number[] {
  let n = h.length;
  while (n > 0 && h[n - 1] === 0) n--;
  return Array.from(h.subarray(0, n));
}

function addHistograms(a: readonly number[], b: readonly number[]): number[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
}

/**
 * A percentile of a log2 histogram, in ns, with `q` the fraction of events at or below it
 * (0.5: p50, 0.99: p99; 0 < q ≤ 1): the geometric middle 2^(i + ½) of the bucket i that
 * holds it, so within a factor √2 of the true value (the bucket is all the histogram
 * knows). `max`, when known (a row's waitMax or holdMax), caps it: the middle of the top
 * bucket can lie past the largest event. 0 when the histogram is empty.
 */
export function histogramPercentile(counts: readonly number[], q: number, max = Infinity): number {
  let total = 0;
  for (const n of counts) total += n;
  if (total === 0) return 0;
  // The rank-th shortest event; the epsilon keeps 0.07 × 100 = 7.000000000000001 at rank 7.
  const rank = Math.max(1, Math.ceil(q * total - 1e-9));
  let seen = 0;
  let i = 0;
  while (i < counts.length - 1 && (seen += counts[i]!) < rank) i++;
  return Math.min(2 ** (i + 0.5), max);
}

/** Sums two reports' rows per class (maxima: the worst of them): a campaign over its executions. */
export function addLockStatRows(a: readonly LockStatRow[], b: readonly LockStatRow[]): LockStatRow[] {
  return LOCKDEP_CLASSES.flatMap((cls) => {
    const x = a.find((r) => r.class === cls);
    const y = b.find((r) => r.class === cls);
    if (!x || !y) return x ?? y ? [(x ?? y)!] : [];
    return [
      {
        class: cls,
        acquisitions: x.acquisitions + y.acquisitions,
        contentions: x.contentions + y.contentions,
        waitTotal: x.waitTotal + y.waitTotal,
        waitMax: Math.max(x.waitMax, y.waitMax),
        holdTotal: x.holdTotal + y.holdTotal,
        holdMax: Math.max(x.holdMax, y.holdMax),
        holdSamples: x.holdSamples + y.holdSamples,
        waitHistogram: addHistograms(x.waitHistogram, y.waitHistogram),
        holdHistogram: addHistograms(x.holdHistogram, y.holdHistogram),
      },
    ];
  });
}

/** Sums several threads' rows per class (maxima: the worst of them). */
export function sumRows(rows: readonly (readonly LockStatRow[])[]): LockStatRow[] {
  return rows.reduce<LockStatRow[]>((sum, r) => addLockStatRows(sum, r), []);
}
