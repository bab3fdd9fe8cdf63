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
import type { MigratedAt } from './timeline.js';

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
  /** Injected migrations, by decision (what a schedule stores). */
  readonly migrations: Migrations;
  /** The same, by the step at which each took effect (for timelines). */
  readonly migratedAt: MigratedAt[];
  /** The exception that escaped a thread, which ended the loop. */
  readonly crashed?: { readonly thread: string; readonly step: number; readonly error: unknown };
}

export function drive(sim: SimMachine, strategy: Strategy, hooks: DriveHooks): Driven {
  const switches: Switches = { steps: [], threads: [] };
  const preempted: { step: number; thread: number }[] = [];
  const migrations = noMigrations();
  const migratedAt: MigratedAt[] = [];
  const done = (crashed?: Driven['crashed']): Driven => ({ switches, preemptions: preempted.length, preempted, migrations, migratedAt, ...(crashed ? { crashed } : {}) });
  const runnable: number[] = [];
  // Schedules are indexed by decision (one per strategy pick), not by step: an injected
  // migration whose first step must wait makes a pick that steps nobody.
  for (let decision = 0; ; ) {
    const n = sim.runnableInto(runnable);
    if (n === 0) {
      const live = sim.live();
      if (live.length === 0 || !hooks.stuck(live)) return done();
      continue;
    }
    if (hooks.end?.()) return done();
    const d = decision++;
    const current = sim.current;
    const chosen = strategy.pick(runnable, n, current, d);
    if (chosen !== defaultPick(runnable, n, current)) {
      switches.steps.push(d);
      switches.threads.push(chosen);
    }
    const preempts = isPreemption(runnable, n, current, chosen);
    try {
      const at = sim.thread(chosen).pending;
      // One migration at a time per thread: not inside a migration's own request servicing.
      if (hooks.migration && strategy.inject && at?.kind === 'point' && at.migrate && !sim.isInterposed(chosen)) {
        const to = strategy.inject(chosen, d, hooks.migration.cpus);
        if (to >= 0 && hooks.migration.canMoveTo(to)) {
          migrations.steps.push(d);
          migrations.threads.push(chosen);
          migrations.cpus.push(to);
          migratedAt.push({ step: sim.steps, thread: chosen, cpu: to, at: at.label });
          sim.interpose(chosen, at.migrate(to), to);
          if (!sim.runnable(chosen)) continue; // its first step waits (a lock): pick again
        }
      }
      if (preempts) preempted.push({ step: sim.steps, thread: current });
      sim.step(chosen);
    } catch (error) {
      return done({ thread: sim.thread(chosen).task.name, step: sim.steps, error });
    }
  }
}

/**
 * "A blocked on L1, held by B → B blocked on …": a cycle of the wait-for graph, if there is
 * one. A thread waiting for a lock waits for its owner; one waiting for a grace period waits
 * for every reader still inside that began before it.
 */
function waitCycle(sim: SimMachine, live: readonly SimThread[]): string | undefined {
  const waitsFor = (t: SimThread): SimThread[] => {
    const op = t.pending;
    if (op?.kind === 'lock') {
      const owner = sim.threads[op.lock.owner() - 1];
      return owner ? [owner] : [];
    }
    if (op?.kind === 'synchronize-rcu') return sim.graceReaders(t);
    return [];
  };
  const path: SimThread[] = [];
  const visited = new Set<SimThread>();
  const visit = (t: SimThread): SimThread[] | undefined => {
    const at = path.indexOf(t);
    if (at >= 0) return path.slice(at);
    if (visited.has(t)) return undefined;
    visited.add(t);
    path.push(t);
    for (const u of waitsFor(t)) {
      const cycle = visit(u);
      if (cycle) return cycle;
    }
    path.pop();
    return undefined;
  };
  for (const first of live) {
    const cycle = visit(first);
    if (cycle) return cycle.map((t) => `${t.task.name} ${sim.waitOf(t)}`).join(' → ');
  }
  return undefined;
}

/** The deadlock message: the wait-for cycle (or every wait) and who holds what. */
export function describeDeadlock(sim: SimMachine, live: readonly SimThread[]): { message: string; locks: string[] } {
  const cycle = waitCycle(sim, live);
  const waits = live.map((t) => `${t.task.name} ${sim.waitOf(t)}`);
  const holds = sim.threads.flatMap((t) => t.task.held.map((l) => `${t.task.name} holds ${l.name}`));
  return {
    message: `deadlock at step ${sim.steps}: ${cycle ?? waits.join('; ')}${holds.length > 0 ? ` (${holds.join(', ')})` : ''}`,
    locks: [...holds, ...waits],
  };
}
