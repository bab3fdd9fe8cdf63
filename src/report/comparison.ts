/**
 * The data of `vpmu-lab compare` (and of `run --html`, a comparison of one design): per
 * design, every figure as a median with its spread over the repetitions, and the ratio of
 * the median to the first design's. Printed as a table (compare-format.ts), as JSON
 * (`--json`), and as one self-contained HTML page (html.ts).
 */

/** A figure over the repetitions: median, min and max; `ratio` = median / the first design's median (absent for the first design or a zero base). */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly ratio?: number;
}

/** A log2 histogram: `counts[i]` events took [2^i, 2^(i+1)) ns (bucket 0 also holds < 1 ns). */
export interface Histogram {
  readonly counts: readonly number[];
}

/** lock_stat of one lock class (the RCU row: read sections as acquisitions, grace periods as contentions). */
export interface LockClassFigures {
  readonly class: string;
  readonly acquisitions: Spread;
  readonly contentions: Spread;
  readonly waitP50Ns: Spread;
  readonly waitP99Ns: Spread;
  readonly waitMaxNs: Spread;
  readonly holdP50Ns: Spread;
  readonly holdP99Ns: Spread;
  readonly holdMaxNs: Spread;
  /** Holds timed (one in eight acquisitions on workers): 0 means the hold figures are no data. */
  readonly holdSamples: Spread;
  /** Wait times summed over the repetitions. */
  readonly waitHistogram: Histogram;
}

/** Throughput per second of the run, sampled every `intervalMs` (one repetition: the median one). */
export interface TimeSeries {
  readonly intervalMs: number;
  readonly loadsPerSec: readonly number[];
  readonly migrationsPerSec: readonly number[];
  readonly guestAccessesPerSec: readonly number[];
  readonly ioctlsPerSec: readonly number[];
}

export interface DesignFigures {
  /** The design's name (src/kvm/designs.ts), e.g. 'rcu', 'mutex', 'check-cycle-only'. */
  readonly design: string;
  readonly summary: string;
  readonly loadsPerSec: Spread;
  readonly migrationsPerSec: Spread;
  readonly guestAccessesPerSec: Spread;
  readonly ioctlsPerSec: Spread;
  /** Partitioned PMU (spec §6.4): loads that swapped the guest's context into the hardware, per second. */
  readonly contextSwapsPerSec: Spread;
  readonly gracePeriodsPerSec: Spread;
  readonly gracePeriodP50Ns: Spread;
  readonly gracePeriodP99Ns: Spread;
  readonly gracePeriodHistogram: Histogram;
  readonly lockStat: readonly LockClassFigures[];
  /** How many repetitions the figures are over: the ones that passed (all of them when every one failed). */
  readonly measuredRepetitions: number;
  /** Context a reader needs, e.g. failed repetitions left out, a run that ended within the warm-up. */
  readonly notes: readonly string[];
  /** Repetitions whose verdict was FAILURE, and each failure's oracle (or kind) and seed. */
  readonly failedRepetitions: number;
  readonly failures: readonly { readonly seed: number; readonly oracle: string; readonly message: string }[];
  readonly series: TimeSeries;
}

export interface Comparison {
  readonly scenario: string;
  /** The SCENARIO argument when it was a file (a rerun command names the file, not the scenario's name). */
  readonly source?: string;
  readonly host: string;
  readonly profile: string;
  /** Each run's length, warm-up included. */
  readonly durationMs: number;
  /** The first warmupMs of each run are left out of the throughput figures (lock_stat covers the whole run). */
  readonly warmupMs: number;
  readonly repeat: number;
  /** The seeds of the repetitions, the same for every design. */
  readonly seeds: readonly number[];
  readonly designs: readonly DesignFigures[];
  /** The options given that `vpmu-lab run` takes too (e.g. --bug NAME), for the commands that rerun a failed repetition. */
  readonly runOptions?: readonly string[];
  /** ISO time the comparison finished. */
  readonly generatedAt: string;
}
