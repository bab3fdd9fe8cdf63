/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010): each thread gets a random distinct priority above d; d − 1 change points are
 * drawn among the k steps of an execution; the highest-priority runnable thread steps; at
 * change point i the thread that would step drops to priority d − i. A bug of depth d is
 * found by one execution with probability at least 1 / (n · k^(d−1)), for n threads and k
 * steps — the bound the report prints, with the probability of having missed it so far.
 * Injected migrations (now and then, at a preemptible point) come from their own stream and
 * are outside that bound.
 */
import { executionSeed, MIGRATE_ONE_IN, MigrationDice, mulberry32, type ExecutionStart, type Strategy } from '../strategy.js';

export class PctStrategy implements Strategy {
  readonly name = 'pct';
  private executions = 0;
  private readonly rng = { s: 0 };
  private readonly dice: MigrationDice;
  private priority: number[] = [];
  /** Change points: step number → the priority the running thread drops to. */
  private changes = new Map<number, number>();
  /** k: the longest execution so far (0 before the first, which then has no change points). */
  private k = 0;
  private threads = 0;

  constructor(
    private readonly baseSeed: number,
    readonly depth: number,
    /** Inject a migration at about one preemptible point in this many (0: never). */
    migrateOneIn = MIGRATE_ONE_IN,
  ) {
    if (!Number.isInteger(depth) || depth < 1) throw new RangeError(`PCT depth must be a positive integer, got ${depth}`);
    this.dice = new MigrationDice(migrateOneIn);
  }

  start(threads: number): ExecutionStart {
    const seed = executionSeed(this.baseSeed, this.executions++);
    this.rng.s = seed;
    this.dice.reseed(seed);
    this.threads = threads;
    // Distinct priorities d .. d+n-1 in random order (Fisher–Yates).
    this.priority = Array.from({ length: threads }, (_, i) => this.depth + i);
    for (let i = threads - 1; i > 0; i--) {
      const j = mulberry32(this.rng) % (i + 1);
      [this.priority[i], this.priority[j]] = [this.priority[j]!, this.priority[i]!];
    }
    this.changes = new Map();
    for (let i = 1; i < this.depth && i <= this.k; ) {
      const at = 1 + (mulberry32(this.rng) % this.k);
      if (!this.changes.has(at)) this.changes.set(at, this.depth - i++);
    }
    return { seed };
  }

  pick(runnable: readonly number[], n: number, _current: number, step: number): number {
    let best = runnable[0]!;
    for (let i = 1; i < n; i++) if (this.priority[runnable[i]!]! > this.priority[best]!) best = runnable[i]!;
    const drop = this.changes.get(step);
    if (drop !== undefined) {
      this.priority[best] = drop;
      for (let i = 0; i < n; i++) if (this.priority[runnable[i]!]! > this.priority[best]!) best = runnable[i]!;
    }
    return best;
  }

  inject(_thread: number, _step: number, cpus: number): number {
    return this.dice.roll(cpus);
  }

  end(steps: number): void {
    this.k = Math.max(this.k, steps);
  }

  /** Lower bound on one execution finding a depth-d bug, for n threads and k steps. */
  bound(): number {
    return 1 / (Math.max(1, this.threads) * Math.max(1, this.k) ** (this.depth - 1));
  }

  summary(executions: number): string[] {
    const p = this.bound();
    const miss = Math.exp(executions * Math.log1p(-Math.min(p, 1 - 1e-16)));
    return [
      `PCT depth ${this.depth}: n = ${this.threads} threads, k = ${this.k} steps → bound 1/(n·k^(d−1)) = ${p.toExponential(2)} per execution`,
      `probability of having missed a depth-${this.depth} bug after ${executions} executions ≤ ${miss < 1e-4 ? miss.toExponential(2) : miss.toFixed(4)}`,
    ];
  }
}
