/**
 * The sim driver's step rate against its physical floor (DESIGN principle 1): a bare seeded
 * step loop over trivial generators — the least any one-thread scheduler of generator
 * threads can cost per step — and the real thing, `runExecution` of a built-in scenario
 * with the engine's own SimMachine, thread loops and model code, a random strategy and the
 * oracles off. Both in ns per step; repetitions alternate between the two so machine drift
 * hits both alike.
 */
import { builtinScenarios } from '../src/engine/builtin-scenarios.js';
import { resolveScenario, type Scenario } from '../src/engine/scenario.js';
import { runExecution } from '../src/explore/execution.js';
import { RandomStrategy } from '../src/explore/strategies/random.js';
import { mulberry32 } from '../src/explore/strategy.js';
import { spreadOf } from '../src/report/spread.js';
import { QUIESCENT, type SyncOp } from '../src/sync/seam.js';

/** Threads of the bare loop: about as many as a built-in scenario has. */
export const BARE_THREADS = 10;

/** Trivial generator threads: each yields one constant op forever. */
function* constant(op: SyncOp): Generator<SyncOp, void, void> {
  for (;;) yield op;
}

/**
 * ns per step of a bare seeded step loop: a seeded PRNG (the strategies' mulberry32) picks
 * one of `threads` trivial generators, which steps to its next yield.
 */
export function bareGeneratorStepNs(steps: number, threads = BARE_THREADS, seed = 1): number {
  const gens = Array.from({ length: threads }, () => constant(QUIESCENT));
  const rng = { s: seed };
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const r = gens[mulberry32(rng) % threads]!.next();
    if (r.done) throw new Error('bare generator ended');
    sink += r.value.kind.length;
  }
  const ns = ((performance.now() - t0) * 1e6) / steps;
  if (sink !== steps * QUIESCENT.kind.length) throw new Error('bare generator loop miscounted');
  return ns;
}

export interface SimCase {
  /** The figure's name in `npm run bench -- --json`. */
  readonly name: string;
  readonly label: string;
  readonly scenario: Scenario;
}

/**
 * What the sim figures run, each a built-in scenario with a clean verdict:
 * - `sim-step`: pmu-list-race under the rcu design — two migrating vCPUs doing the per-load
 *   check, an idle one, a VMM thread republishing arm_pmus (copy, publish, grace period,
 *   reclaim) and one re-INITing a vCPU, over the rk3588's 8 pCPUs: 10 threads, locks, RCU
 *   read sides, grace periods, parks and guest traps. Executions are short (~290 steps,
 *   6 quanta a vCPU), so a new world's set-up and the final report weigh in, as they do
 *   under `vpmu-lab explore`.
 * - `sim-step-hammer`: the hammer with 500 accesses a quantum — two pinned vCPUs trapping on
 *   every PMU access, 8 threads; every execution runs to the 20 000-step stop, so set-up is
 *   amortised and the figure is mostly the trap path and the step loop.
 */
export function simCases(): SimCase[] {
  const hammer = builtinScenarios['hammer']!;
  return [
    {
      name: 'sim-step',
      label: 'pmu-list-race, design rcu',
      scenario: resolveScenario({ ...builtinScenarios['pmu-list-race']!, design: 'rcu' }, 'scenario pmu-list-race'),
    },
    {
      name: 'sim-step-hammer',
      label: 'hammer, 500 accesses a quantum',
      scenario: resolveScenario(
        { ...hammer, vms: hammer.vms.map((vm) => ({ ...vm, vcpus: vm.vcpus.map((v) => ({ ...v, accesses: 500 })) })) },
        'scenario hammer',
      ),
    },
  ];
}

/**
 * ns per step of whole executions (world set-up, the step loop, the report) of `scenario`
 * under a random strategy seeded `seed`, `stopOnFailure: false`, until at least `minSteps`
 * steps have run. Throws if an execution does not come out clean: a figure measured on a
 * failing run would not be the sim's normal path.
 */
export function simStepNs(scenario: Scenario, minSteps: number, seed = 1, maxSteps = 20_000): { ns: number; steps: number; executions: number } {
  const strategy = new RandomStrategy(seed);
  let steps = 0;
  let executions = 0;
  let ms = 0;
  while (steps < minSteps) {
    const t0 = performance.now();
    const e = runExecution(scenario, strategy, { maxSteps, stopOnFailure: false })!;
    ms += performance.now() - t0;
    if (e.verdict.verdict !== 'SUCCESS') throw new Error(`sim-step: ${scenario.name} seed ${e.seed} is not clean: ${e.verdict.verdict}`);
    steps += e.steps;
    executions++;
  }
  return { ns: (ms * 1e6) / steps, steps, executions };
}

export interface Figure {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: readonly number[];
}

export function figureOf(samples: readonly number[]): Figure {
  return { ...spreadOf(samples), samples };
}

/**
 * `reps` alternating repetitions of the bare loop and of every sim case (after one warm-up
 * of each), each repetition at least `bareSteps` bare steps and `simSteps` sim steps.
 */
export function measureSimStep(opts: { reps: number; simSteps: number; bareSteps: number }): {
  bare: Figure;
  sims: { case: SimCase; figure: Figure; executions: number }[];
} {
  const cases = simCases();
  bareGeneratorStepNs(Math.min(opts.bareSteps, 1_000_000));
  for (const c of cases) simStepNs(c.scenario, Math.min(opts.simSteps, 50_000), 99);
  const bare: number[] = [];
  const sims = cases.map(() => ({ samples: [] as number[], executions: 0 }));
  for (let r = 0; r < opts.reps; r++) {
    bare.push(bareGeneratorStepNs(opts.bareSteps, BARE_THREADS, r + 1));
    cases.forEach((c, k) => {
      const s = simStepNs(c.scenario, opts.simSteps, r + 1);
      sims[k]!.samples.push(s.ns);
      sims[k]!.executions += s.executions;
    });
  }
  return { bare: figureOf(bare), sims: cases.map((c, k) => ({ case: c, figure: figureOf(sims[k]!.samples), executions: sims[k]!.executions })) };
}
