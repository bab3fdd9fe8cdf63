/**
 * Bounded-preemption depth-first search (CHESS, Musuvathi & Qadeer, PLDI 2007): every
 * schedule with at most K preemptions is run once. A preemption is switching away from a
 * thread that could have stepped; switching when it blocks, parks or finishes is free, and
 * the free choice is the lowest-numbered runnable thread. The search is the tree of choice
 * points of earlier executions: each execution replays a prefix, then takes one untried
 * branch at the deepest choice point that still has one, then continues non-preemptively.
 * When no choice point has an untried branch within the bound, the search is complete.
 */
import { defaultPick, isPreemption, type ExecutionStart, type Strategy } from '../strategy.js';

interface ChoicePoint {
  /** The thread stepped before this step (-1 at the first). */
  readonly current: number;
  /** Preemptions taken before this step. */
  readonly preemptions: number;
  readonly runnable: readonly number[];
  /** Branches already explored here (thread indices). */
  readonly tried: Set<number>;
  chosen: number;
}

export class DfsStrategy implements Strategy {
  readonly name = 'dfs';
  private stack: ChoicePoint[] = [];
  /** Choices to replay at the start of the next execution (the rest is the default). */
  private prefix: number[] = [];
  private started = false;
  private complete = false;
  private preemptions = 0;

  constructor(
    readonly maxPreemptions: number,
    /** Placement seed of every execution (DFS explores schedules, not placements). */
    private readonly seed: number,
  ) {
    if (!Number.isInteger(maxPreemptions) || maxPreemptions < 0) throw new RangeError(`--max-preemptions must be a non-negative integer, got ${maxPreemptions}`);
  }

  start(): ExecutionStart | undefined {
    if (this.started && this.complete) return undefined;
    this.started = true;
    this.preemptions = 0;
    return { seed: this.seed };
  }

  pick(runnable: readonly number[], n: number, current: number, step: number): number {
    let chosen: number;
    if (step < this.prefix.length) {
      chosen = this.prefix[step]!;
      if (!runnable.slice(0, n).includes(chosen)) throw new Error(`dfs: replaying step ${step}, thread ${chosen} is not runnable (the model is not deterministic)`);
      this.stack[step]!.chosen = chosen;
      this.stack[step]!.tried.add(chosen);
    } else {
      chosen = defaultPick(runnable, n, current);
      this.stack[step] = { current, preemptions: this.preemptions, runnable: runnable.slice(0, n), tried: new Set([chosen]), chosen };
    }
    if (isPreemption(runnable, n, current, chosen)) this.preemptions++;
    return chosen;
  }

  end(steps: number): void {
    this.stack.length = Math.min(this.stack.length, steps);
    // Deepest choice point with an untried branch inside the preemption bound.
    for (let i = this.stack.length - 1; i >= 0; i--) {
      const cp = this.stack[i]!;
      const next = cp.runnable.find((t) => !cp.tried.has(t) && this.within(cp, t));
      if (next === undefined) continue;
      this.prefix = [...this.stack.slice(0, i).map((c) => c.chosen), next];
      this.stack.length = i + 1;
      return;
    }
    this.complete = true;
  }

  private within(cp: ChoicePoint, t: number): boolean {
    return cp.preemptions + (isPreemption(cp.runnable, cp.runnable.length, cp.current, t) ? 1 : 0) <= this.maxPreemptions;
  }

  /** Untried branches within the bound on the current path: executions still owed at least. */
  remaining(): number {
    if (this.complete) return 0;
    return this.stack.reduce((n, cp) => n + cp.runnable.filter((t) => !cp.tried.has(t) && this.within(cp, t)).length, 0);
  }

  summary(executions: number): string[] {
    return [
      this.complete
        ? `DFS with at most ${this.maxPreemptions} preemptions: complete — all ${executions} schedules explored`
        : `DFS with at most ${this.maxPreemptions} preemptions: incomplete after ${executions} executions; at least ${this.remaining()} more remain on the current path alone`,
    ];
  }
}
