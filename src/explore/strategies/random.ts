/** Random walk: every step, a uniformly random runnable thread (seeded per execution). */
import { executionSeed, mulberry32, type ExecutionStart, type Strategy } from '../strategy.js';

export class RandomStrategy implements Strategy {
  readonly name = 'random';
  private executions = 0;
  private readonly rng = { s: 0 };

  constructor(private readonly baseSeed: number) {}

  start(): ExecutionStart {
    const seed = executionSeed(this.baseSeed, this.executions++);
    this.rng.s = seed;
    return { seed };
  }

  pick(runnable: readonly number[], n: number): number {
    return n === 1 ? runnable[0]! : runnable[mulberry32(this.rng) % n]!;
  }

  end(): void {}

  summary(executions: number): string[] {
    return [`random walk: ${executions} executions from seed ${this.baseSeed}`];
  }
}
