/**
 * Exploring a few model operations instead of a whole scenario (the `vpmu-lab/testing`
 * export): each execution builds fresh model state (`setup`), spawns one sim thread per
 * operation, lets a strategy interleave them, and asks the caller's oracle (`check`) about
 * the outcome. Exceptions escaping an operation and deadlocks are failures too. A failure
 * carries its schedule (seed and switches), which `replayOps` runs again exactly.
 */
import { oracleOfError } from '../check/verdict.js';
import type { Op } from '../sync/seam.js';
import { describeDeadlock, drive } from './drive.js';
import type { Switches } from './schedule.js';
import { SimMachine } from './sim.js';
import { ReplayStrategy } from './strategies/replay.js';
import type { Strategy } from './strategy.js';

export interface OpsCase<S> {
  /** Fresh model state for one execution (a host, a VM, its vCPUs…). */
  setup(): S;
  /** The operations to interleave, by thread name. */
  threads(state: S): Record<string, Op<unknown>>;
  /** The oracle: a reason if the outcome is wrong, else undefined. */
  check?(state: S, results: Readonly<Record<string, unknown>>): string | undefined;
}

export interface OpsExecution {
  readonly seed: number;
  readonly steps: number;
  readonly traceHash: string;
  readonly switches: Switches;
  readonly preemptions: number;
  readonly results: Readonly<Record<string, unknown>>;
  /** The step-by-step trace: "thread: step". */
  readonly trace: readonly string[];
  readonly failure?: { readonly oracle: string; readonly reason: string };
}

export function runOpsExecution<S>(c: OpsCase<S>, strategy: Strategy, opts: { record?: boolean } = {}): OpsExecution | undefined {
  const state = c.setup();
  const threads = Object.entries(c.threads(state));
  const start = strategy.start(threads.length);
  if (!start) return undefined;
  const sim = new SimMachine({ record: opts.record ?? true });
  for (const [name, op] of threads) sim.spawn(name, op);
  let deadlock: string | undefined;
  const d = drive(sim, strategy, {
    stuck: (live) => {
      deadlock = describeDeadlock(sim, live).message;
      return false;
    },
  });
  strategy.end(sim.steps);
  const results = Object.fromEntries(threads.map(([name], i) => [name, sim.thread(i).result]));
  let failure: OpsExecution['failure'];
  if (d.crashed) {
    const e = d.crashed.error;
    failure = { oracle: oracleOfError(e), reason: `${d.crashed.thread} failed at step ${d.crashed.step}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}` };
  } else if (deadlock) {
    failure = { oracle: 'deadlock', reason: deadlock };
  } else {
    const reason = c.check?.(state, results);
    if (reason !== undefined) failure = { oracle: 'check', reason };
  }
  return {
    seed: start.seed,
    steps: sim.steps,
    traceHash: sim.traceHash(),
    switches: d.switches,
    preemptions: d.preemptions,
    results,
    trace: sim.traceLines(),
    ...(failure ? { failure } : {}),
  };
}

/** Runs a failing (or any) schedule of `c` again, exactly. */
export function replayOps<S>(c: OpsCase<S>, schedule: { seed: number; switches: Switches }): OpsExecution {
  return runOpsExecution(c, new ReplayStrategy(schedule.seed, schedule.switches, true))!;
}
