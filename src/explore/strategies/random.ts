/**
 * Random walk: every step, a uniformly random runnable thread (seeded per execution); at a
 * preemptible point, now and then, a preempt-and-migrate to a random CPU.
 */
import { executionSeed, MIGRATE_ONE_IN, MigrationDice, mulberry32, type ExecutionStart, type Strategy } from '../strategy.js';

export class RandomStrategy implements Strategy {
  readonly name = 'random';
  private executions = 0;
  private readonly rng = { s: 0 };
  private readonly dice: MigrationDice;

  constructor(
    private readonly baseSeed: number,
    /** Inject a migration at about one preemptible point in this many (0: never). */
    migrateOneIn = MIGRATE_ONE_IN,
  ) {
    this.dice = new MigrationDice(migrateOneIn);
  }

  start(): ExecutionStart {
    const seed = executionSeed(this.baseSeed, this.executions++);
    this.rng.s = seed;
    this.dice.reseed(seed);
    return { seed };
  }

  pick(runnable: readonly number[], n: number): number {
    return n === 1 ? runnable[0]! : runnable[mulberry32(this.rng) % n]!;
  }

  inject(_thread: number, _step: number, cpus: number): number {
    return this.dice.roll(cpus);
  }

  end(): void {}

  summary(executions: number): string[] {
    return [`random walk: ${executions} executions from seed ${this.baseSeed}`];
  }
}
