/**
 * Follows a log of who stepped (a hw run's merged flight-recorder log, hw-log.ts): at sim
 * step k, the thread the log names — which must be able to step, with the logged op pending
 * (`check`). The first step where that fails is the divergence; from there, and after the
 * log ends, the non-preemptive default.
 */
import { defaultPick, type ExecutionStart, type Strategy } from '../strategy.js';

export class FollowStrategy implements Strategy {
  readonly name = 'follow';
  private started = false;
  /** The first step the log could not be followed at, and why. */
  divergence: { step: number; reason: string } | undefined;

  constructor(
    private readonly seed: number,
    private readonly threads: readonly number[],
    /** Why logged step k cannot be taken by `thread` now (undefined: it can). */
    private readonly check: (step: number, thread: number) => string | undefined,
  ) {}

  start(): ExecutionStart | undefined {
    if (this.started) return undefined;
    this.started = true;
    return { seed: this.seed };
  }

  pick(runnable: readonly number[], n: number, current: number, step: number): number {
    if (this.divergence || step >= this.threads.length) return defaultPick(runnable, n, current);
    const t = this.threads[step]!;
    let can = false;
    for (let k = 0; k < n; k++) if (runnable[k] === t) can = true;
    const why = can ? this.check(step, t) : 'it cannot step there in the sim';
    if (why === undefined) return t;
    this.divergence = { step, reason: why };
    return defaultPick(runnable, n, current);
  }

  end(): void {}

  summary(): string[] {
    return [];
  }
}
