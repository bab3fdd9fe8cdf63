/**
 * Replays a stored schedule: at each step the switch the schedule stores for it, else the
 * non-preemptive default (strategy.ts), and the injected migrations it stores. Exact mode reports a stored switch to a thread
 * that cannot step as a divergence (the run is not what was recorded: uncontrolled
 * nondeterminism); lenient mode, for shrinking, skips it.
 */
import { defaultPick, type ExecutionStart, type Strategy } from '../strategy.js';
import { noMigrations, type Migrations, type Switches } from '../schedule.js';

export class ReplayStrategy implements Strategy {
  readonly name = 'replay';
  private next = 0;
  private done = false;
  /** First step at which the stored schedule could not be followed. */
  divergedAt: number | undefined;

  private nextMigration = 0;

  constructor(
    private readonly seed: number,
    private readonly switches: Switches,
    private readonly exact: boolean,
    private readonly migrations: Migrations = noMigrations(),
  ) {}

  start(): ExecutionStart | undefined {
    if (this.done) return undefined;
    this.done = true;
    this.next = 0;
    this.nextMigration = 0;
    this.divergedAt = undefined;
    return { seed: this.seed };
  }

  pick(runnable: readonly number[], n: number, current: number, step: number): number {
    const { steps, threads } = this.switches;
    while (this.next < steps.length && steps[this.next]! < step) this.next++;
    if (this.next < steps.length && steps[this.next] === step) {
      const t = threads[this.next++]!;
      for (let k = 0; k < n; k++) if (runnable[k] === t) return t;
      if (this.exact && this.divergedAt === undefined) this.divergedAt = step;
    }
    return defaultPick(runnable, n, current);
  }

  /** The stored migration of this step, if it is this thread's. */
  inject(thread: number, step: number): number {
    const { steps, threads, cpus } = this.migrations;
    while (this.nextMigration < steps.length && steps[this.nextMigration]! < step) this.nextMigration++;
    if (this.nextMigration < steps.length && steps[this.nextMigration] === step && threads[this.nextMigration] === thread) return cpus[this.nextMigration++]!;
    return -1;
  }

  end(): void {}

  summary(): string[] {
    return [];
  }
}
