/**
 * The sim driver's step loop, shared by scenario executions (execution.ts) and explorations
 * of bare model operations (ops.ts): ask the strategy which runnable thread steps, note
 * where it deviated from the non-preemptive default (the schedule) and where that was a
 * preemption; if the thread is at a preemptible point, ask whether to migrate it there
 * first (an injected preempt-and-migrate, run as the thread's next steps); step it; stop
 * at the first exception escaping a thread, or when the caller's hooks say so.
 */
import type { SimMachine, SimThread } from './sim.js';
import { defaultPick, isPreemption, type Strategy } from './strategy.js';
import { noMigrations, type Migrations, type Switches } from './schedule.js';

export interface DriveHooks {
  /** Nothing can step and threads are left: true to go on (the caller changed something), false to end. */
  stuck(live: SimThread[]): boolean;
  /** Before each step: true ends the loop (a budget, an oracle). */
  end?(): boolean;
  /**
   * Injected migrations: how many CPUs there are, and whether a vCPU thread may be moved to
   * `cpu` now (a CPU with no vCPU loaded). Without it, none are injected.
   */
  migration?: { readonly cpus: number; canMoveTo(cpu: number): boolean };
}

export interface Driven {
  readonly switches: Switches;
  readonly preemptions: number;
  /** Each preemption: the step, and the thread that could have stepped but was passed over. */
  readonly preempted: { readonly step: number; readonly thread: number }[];
  readonly migrations: Migrations;
  /** The exception that escaped a thread, which ended the loop. */
  readonly crashed?: { readonly thread: string; readonly step: number; readonly error: unknown };
}

export function drive(sim: SimMachine, strategy: Strategy, hooks: DriveHooks): Driven {
  const switches: Switches = { steps: [], threads: [] };
  const preempted: { step: number; thread: number }[] = [];
  const migrations = noMigrations();
  const done = (crashed?: Driven['crashed']): Driven => ({ switches, preemptions: preempted.length, preempted, migrations, ...(crashed ? { crashed } : {}) });
  const runnable: number[] = [];
  for (;;) {
    const n = sim.runnableInto(runnable);
    if (n === 0) {
      const live = sim.live();
      if (live.length === 0 || !hooks.stuck(live)) return done();
      continue;
    }
    if (hooks.end?.()) return done();
    const step = sim.steps;
    const current = sim.current;
    const chosen = strategy.pick(runnable, n, current, step);
    if (chosen !== defaultPick(runnable, n, current)) {
      switches.steps.push(step);
      switches.threads.push(chosen);
    }
    if (isPreemption(runnable, n, current, chosen)) preempted.push({ step, thread: current });
    try {
      const at = sim.thread(chosen).pending;
      if (hooks.migration && strategy.inject && at?.kind === 'point' && at.migrate) {
        const to = strategy.inject(chosen, step, hooks.migration.cpus);
        if (to >= 0 && hooks.migration.canMoveTo(to)) {
          migrations.steps.push(step);
          migrations.threads.push(chosen);
          migrations.cpus.push(to);
          sim.interpose(chosen, at.migrate(to));
          if (!sim.runnable(chosen)) continue; // its first step waits (a lock): pick again
        }
      }
      sim.step(chosen);
    } catch (error) {
      return done({ thread: sim.thread(chosen).task.name, step, error });
    }
  }
}

/** "A blocked on L1, held by B → B blocked on L2, held by A", if the lock waits form a cycle. */
export function waitCycle(sim: SimMachine, live: readonly SimThread[]): string | undefined {
  const next = (t: SimThread): SimThread | undefined => {
    const op = t.pending;
    return op?.kind === 'lock' ? sim.threads[op.lock.owner() - 1] : undefined;
  };
  for (const first of live) {
    const path: SimThread[] = [];
    for (let t: SimThread | undefined = first; t && !path.includes(t); t = next(t)) path.push(t);
    const back = next(path[path.length - 1]!);
    if (back && path.includes(back)) return path.slice(path.indexOf(back)).map((t) => `${t.task.name} ${sim.waitOf(t)}`).join(' → ');
  }
  return undefined;
}

/** The deadlock message: the wait-for cycle if there is one, and who holds and waits on what. */
export function describeDeadlock(sim: SimMachine, live: readonly SimThread[]): { message: string; locks: string[] } {
  const cycle = waitCycle(sim, live);
  return {
    message: `deadlock at step ${sim.steps}${cycle ? `: ${cycle}` : `: ${live.map((t) => `${t.task.name} ${sim.waitOf(t)}`).join('; ')}`}`,
    locks: [...sim.threads.flatMap((t) => t.task.held.map((l) => `${t.task.name} holds ${l.name}`)), ...live.map((t) => `${t.task.name} ${sim.waitOf(t)}`)],
  };
}
