/**
 * Runs a comparison: the same scenario and seeds under each design, every repetition a run
 * on real workers. Repetitions are tasks of a piscina pool created once per comparison;
 * each task's run starts its own pCPU and VMM workers, which stay on their threads for the
 * run (DESIGN principle 3: piscina for independent jobs, never for the pCPU actors). By
 * default one repetition runs at a time, so the designs never compete for the cores while
 * they are measured; the repetitions of all designs are interleaved (seed 1 under every
 * design, then seed 2, …) so that a slow spell of the machine hits every design alike.
 */
import { Piscina } from 'piscina';
import { resolveScenario, type ScenarioSpec } from '../engine/scenario.js';
import type { RunReport } from '../engine/report.js';
import { workerPath } from '../engine/worker-path.js';
import { checkDesignApplies, type Design } from '../kvm/designs.js';
import type { Comparison } from '../report/comparison.js';
import { buildComparison } from './aggregate.js';
import { specUnder } from './spec-under.js';

/** One repetition of one design (a piscina task; structured-cloned to the worker). */
export interface RepetitionTask {
  readonly spec: ScenarioSpec;
  /** Names the scenario in validation errors. */
  readonly path: string;
  readonly seed: number;
}

export interface CompareOptions {
  readonly designs: readonly Design[];
  readonly repeat: number;
  /** The first repetition's seed; repetition r runs with seed + r under every design. */
  readonly seed: number;
  /** Repetitions running at once (default 1: measured one at a time). */
  readonly jobs?: number;
  readonly signal?: AbortSignal;
  /** Told when a repetition ends. */
  readonly onProgress?: (p: CompareProgress) => void;
  /** The options given that `run` takes too, for rerun commands (report/comparison.ts). */
  readonly runOptions?: readonly string[];
}

export interface CompareProgress {
  readonly done: number;
  readonly total: number;
  readonly design: string;
  readonly seed: number;
}

export async function runComparison(spec: ScenarioSpec, path: string, opts: CompareOptions): Promise<Comparison> {
  const base = resolveScenario(spec, path);
  for (const d of opts.designs) {
    checkDesignApplies(d, spec.name, base.profile.name, base.profile.attr5);
    resolveScenario(specUnder(spec, d), path); // every design's scenario is valid before anything runs
  }
  const seeds = Array.from({ length: opts.repeat }, (_, r) => opts.seed + r);
  const jobs = opts.jobs ?? 1;
  const pool = new Piscina({ filename: workerPath('compare'), minThreads: jobs, maxThreads: jobs, idleTimeout: Infinity });
  const reports = opts.designs.map((): RunReport[] => []);
  const total = seeds.length * opts.designs.length;
  let done = 0;
  // In order, at most `jobs` in flight: piscina's queue does not keep submission order
  // (seen here: four queued tasks on one thread ran 1, 3, 2, 4), and the interleaving of
  // designs is the point, so tasks are handed to the pool one at a time per job.
  const queue = seeds.flatMap((seed) => opts.designs.map((d, k) => ({ d, k, seed })));
  const next = async (): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const { d, k, seed } = job;
      const task: RepetitionTask = { spec: specUnder(spec, d), path, seed };
      reports[k]!.push((await pool.run(task, { signal: opts.signal })) as RunReport);
      done++;
      opts.onProgress?.({ done, total, design: d.name, seed });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, total) }, next));
  } finally {
    await pool.destroy();
  }
  reports.forEach((rs) => rs.sort((a, b) => a.seed - b.seed));
  return buildComparison({
    scenario: spec.name,
    host: base.topology.name,
    profile: base.profile.name,
    durationMs: base.durationMs,
    seeds,
    ...(opts.runOptions ? { runOptions: opts.runOptions } : {}),
    runs: opts.designs.map((design, k) => ({ design, reports: reports[k]! })),
  });
}
