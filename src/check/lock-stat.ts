/**
 * lock_stat-style figures per lock class (the kernel's /proc/lock_stat, by class): how
 * often a class was acquired, how often the acquirer found it held (contentions), how long
 * it waited and how long locks of the class were held — total and worst. The RCU row counts
 * read-side sections entered as acquisitions and grace periods waited for as contentions,
 * with their wait; a read-side section's length is not timed (it is the hot path). Hold
 * times are over `holdSamples` acquisitions: every one in the sim, one in eight on workers,
 * where reading the clock twice would double the cost of an uncontended lock/unlock pair.
 *
 * The figures live in a Float64Array so that a hw thread keeps its own in shared memory
 * with plain stores (no atomic per acquisition) and the coordinator sums the threads'
 * arrays after the run. Units are the driver's: ns on workers, virtual ns in the sim.
 */
import { LOCKDEP_CLASSES, NCLASSES, RCU_CLASS as RCU, type LockdepClass } from './lockdep.js';

const ACQ = 0;
const CONT = 1;
const WAIT = 2;
const WAIT_MAX = 3;
const HOLD = 4;
const HOLD_MAX = 5;
const HOLD_SAMPLES = 6;
const FIELDS = 7;
export const LOCK_STAT_WORDS = NCLASSES * FIELDS;

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
}

export class LockStats {
  constructor(
    readonly f64: Float64Array = new Float64Array(LOCK_STAT_WORDS),
    /** First word of this thread's figures in `f64`. */
    readonly at = 0,
  ) {}

  /** An acquisition of class `cls`; `waited` < 0: it was free (no contention). */
  acquired(cls: number, waited: number): void {
    const f = this.f64;
    const i = this.at + cls * FIELDS;
    f[i + ACQ]!++;
    if (waited < 0) return;
    f[i + CONT]!++;
    f[i + WAIT] += waited;
    if (waited > f[i + WAIT_MAX]!) f[i + WAIT_MAX] = waited;
  }

  /** A grace period waited for (the RCU row's contentions). */
  gracePeriod(waited: number): void {
    const f = this.f64;
    const i = this.at + RCU * FIELDS;
    f[i + CONT]!++;
    if (waited < 0) return;
    f[i + WAIT] += waited;
    if (waited > f[i + WAIT_MAX]!) f[i + WAIT_MAX] = waited;
  }

  /** A release; `held` < 0: this acquisition's hold was not timed. */
  released(cls: number, held: number): void {
    if (held < 0) return;
    const f = this.f64;
    const i = this.at + cls * FIELDS;
    f[i + HOLD_SAMPLES]!++;
    f[i + HOLD] += held;
    if (held > f[i + HOLD_MAX]!) f[i + HOLD_MAX] = held;
  }

  /** This thread's figures of the classes that were acquired (or waited for) at least once. */
  rows(): LockStatRow[] {
    const f = this.f64;
    const rows: LockStatRow[] = [];
    for (let c = 0; c < NCLASSES; c++) {
      const i = this.at + c * FIELDS;
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
      });
    }
    return rows;
  }
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
      },
    ];
  });
}

/** Sums several threads' figures per class (maxima: the worst of them). */
export function sumRows(stats: readonly LockStats[]): LockStatRow[] {
  return stats.reduce<LockStatRow[]>((sum, s) => addLockStatRows(sum, s.rows()), []);
}
