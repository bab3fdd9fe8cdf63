/**
 * The sim driver's strategy interface (shuttle's `Scheduler`, DESIGN "style anchors"): a
 * strategy starts executions and, at every step of one, picks which runnable thread steps
 * next. Strategies are one file each (strategies/*); the machine and the execution loop
 * know nothing of how they choose.
 */

export interface ExecutionStart {
  /** Names the execution: its placement PRNG seed and, for seeded strategies, its schedule. */
  readonly seed: number;
}

export interface Strategy {
  readonly name: string;
  /** Starts the next execution of a scenario with `threads` threads; undefined when nothing is left to explore. */
  start(threads: number): ExecutionStart | undefined;
  /**
   * Picks the thread to step: one of `runnable[0..n-1]` (ascending thread indices, n ≥ 1).
   * `current` is the thread stepped last (-1 at the first step), `step` the decision number
   * (one per pick; it equals the step number unless an injected migration had to wait).
   */
  pick(runnable: readonly number[], n: number, current: number, step: number): number;
  /**
   * Thread `thread`, about to step, is at a point where its vCPU thread is preemptible
   * (a guest trap): the CPU to preempt and migrate it to (vcpu_put, vcpu_load there), or -1
   * to leave it. Strategies without it never inject migrations.
   */
  inject?(thread: number, step: number, cpus: number): number;
  /** The execution ended after `steps` steps. */
  end(steps: number): void;
  /** Lines for the report: bounds, coverage, what is left. */
  summary(executions: number): string[];
}

/**
 * The non-preemptive default: keep running the thread that stepped last while it can, else
 * the lowest-numbered runnable thread. A schedule is stored as its deviations from this
 * rule (schedule.ts), so a preemption is exactly a stored switch away from a runnable thread.
 */
export function defaultPick(runnable: readonly number[], n: number, current: number): number {
  for (let k = 0; k < n; k++) if (runnable[k] === current) return current;
  return runnable[0]!;
}

/** True if picking `chosen` preempts `current`, which could have stepped. */
export function isPreemption(runnable: readonly number[], n: number, current: number, chosen: number): boolean {
  if (chosen === current || current < 0) return false;
  for (let k = 0; k < n; k++) if (runnable[k] === current) return true;
  return false;
}

/** mulberry32: a seeded PRNG whose whole state is one 32-bit word; returns [0, 2^32). */
export function mulberry32(state: { s: number }): number {
  let t = (state.s = (state.s + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return (t ^ (t >>> 14)) >>> 0;
}

/** The seed of execution `i` of a campaign started from `base`: a positive 31-bit integer. */
export function executionSeed(base: number, i: number): number {
  const state = { s: (base * 0x9e3779b1 + i * 0x85ebca6b) | 0 };
  return (mulberry32(state) >>> 1) || 1;
}

/** Seeded strategies inject a migration at about one preemptible point in this many. */
export const MIGRATE_ONE_IN = 200;

/**
 * A seeded strategy's injection decisions, from their own PRNG stream (so the thread picks
 * of a seed stay what they are without injections).
 */
export class MigrationDice {
  private readonly rng = { s: 0 };

  constructor(private readonly oneIn: number) {}

  reseed(seed: number): void {
    this.rng.s = seed ^ 0x6d2b79f5;
  }

  roll(cpus: number): number {
    if (this.oneIn <= 0 || mulberry32(this.rng) % this.oneIn !== 0) return -1;
    return mulberry32(this.rng) % cpus;
  }
}
