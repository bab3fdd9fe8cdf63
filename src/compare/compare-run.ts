/**
 * Runs a comparison: the same scenario and seeds under each design, every repetition a run
 * on real workers. Repetitions are tasks of a piscina pool created once per comparison;
 * each task's run starts its own pCPU and VMM workers, which stay on their threads for the
 * run (DESIGN principle 3: piscina for independent jobs, never for the pCPU actors). By
 * default one repetition runs at a time, so the designs never compete for the cores while
 * they are measured; the repetitions of all designs are interleaved (seed 1 under every
 * design, then seed 2, …) so that a slow spell of the machine hits every design alike.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { releaseProxy } from 'comlink';
import { Piscina } from 'piscina';
import { connectRun, type RunSnapshot } from '../engine/run-handle.js';
import { resolveScenario, type Scenario, type ScenarioSpec } from '../engine/scenario.js';
import { VpmuLabError } from '../host/errors.js';
import type { RunReport } from '../engine/report.js';
import { workerPath } from '../engine/worker-path.js';
import { checkDesignApplies, type Design } from '../kvm/designs.js';
import type { Comparison } from '../report/comparison.js';
import { verdictOf } from '../check/verdict.js';
import { buildComparison } from './aggregate.js';
import { specUnder } from './spec-under.js';

/** One repetition of one design (a piscina task; structured-cloned to the worker, the port transferred). */
export interface RepetitionTask {
  readonly spec: ScenarioSpec;
  /** Names the scenario in validation errors. */
  readonly path: string;
  readonly seed: number;
  /** Where the worker serves the run's handle (engine/run-handle.ts). */
  readonly port: MessagePort;
}

export interface CompareOptions {
  readonly designs: readonly Design[];
  readonly repeat: number;
  /** The first repetition's seed; repetition r runs with seed + r under every design. */
  readonly seed: number;
  /** Added before the scenario's duration and left out of the throughput figures (aggregate.ts). */
  readonly warmupMs: number;
  /** Repetitions running at once (default 1: measured one at a time). */
  readonly jobs?: number;
  readonly signal?: AbortSignal;
  /** Told when a repetition ends, and every `liveMs` while one runs (with its snapshot). */
  readonly onProgress?: (p: CompareProgress) => void;
  readonly liveMs?: number;
  /** The options given that `run` takes too, for rerun commands (report/comparison.ts). */
  readonly runOptions?: readonly string[];
}

export interface CompareProgress {
  readonly done: number;
  readonly total: number;
  readonly design: string;
  readonly seed: number;
  /** The running repetition so far; absent when it has just ended. */
  readonly live?: RunSnapshot;
  /** A repetition that just ended: its verdict. */
  readonly verdict?: 'SUCCESS' | 'FAILURE';
}

/**
 * Runs one repetition on the pool and watches it through its handle: snapshots while it
 * runs (control plane, over comlink), stop() when `signal` aborts — the run then ends as an
 * interrupted `run` does, with a report — and the port closed at the end.
 */
async function runRepetition(pool: Piscina, task: Omit<RepetitionTask, 'port'>, signal: AbortSignal | undefined, onLive: (s: RunSnapshot) => void, liveMs: number): Promise<RunReport> {
  const { port1, port2 } = new MessageChannel();
  const handle = connectRun(port1);
  const stop = () => void handle.stop().catch(() => {}); // the run may have ended meanwhile
  signal?.addEventListener('abort', stop, { once: true });
  const timer = setInterval(() => void handle.snapshot().then(onLive, () => {}), liveMs);
  try {
    const full: RepetitionTask = { ...task, port: port2 };
    return (await pool.run(full, { transferList: [port2] })) as RunReport;
  } finally {
    clearInterval(timer);
    signal?.removeEventListener('abort', stop);
    handle[releaseProxy]();
    port1.close();
  }
}

/**
 * Refuses a comparison whose designs are not of one axis, or name a design twice: a column
 * must differ from the first in exactly what its design names.
 */
export function checkDesigns(designs: readonly Design[]): void {
  if (designs.length < 2) {
    throw new VpmuLabError(`compare needs at least two designs (got ${designs.map((d) => d.name).join(', ') || 'none'}); to measure one, run it: vpmu-lab run SCENARIO --design NAME --html FILE`);
  }
  const twice = designs.find((d, i) => designs.findIndex((x) => x.name === d.name) !== i);
  if (twice) throw new VpmuLabError(`design ${twice.name} is named twice`);
  const other = designs.find((d) => d.axis !== designs[0]!.axis);
  if (other) {
    throw new VpmuLabError(
      `designs of one axis at a time: ${designs[0]!.name} is ${designs[0]!.axis}, ${other.name} is ${other.axis} — the other axes stay at the scenario's profile (pass --profile to change it)`,
    );
  }
}

/** A comparison's scenario as every design runs it (resolveComparison). */
export interface ResolvedComparison {
  /** The scenario resolved, its duration the warm-up plus the scenario's. */
  readonly base: Scenario;
  /** The same as given, each design's switches to be applied on top (specUnder). */
  readonly spec: ScenarioSpec;
}

/** The scenario as every design runs it: warm-up added to the duration, each design's switches valid. */
export function resolveComparison(spec: ScenarioSpec, path: string, designs: readonly Design[], warmupMs: number): ResolvedComparison {
  checkDesigns(designs);
  const first = resolveScenario(spec, path);
  const run: ScenarioSpec = { ...spec, durationMs: first.durationMs + warmupMs };
  const base = resolveScenario(run, path);
  for (const d of designs) {
    checkDesignApplies(d, spec.name, base.profile.name, base.profile.attr5);
    resolveScenario(specUnder(run, d), path); // every design's scenario is valid before anything runs
  }
  return { base, spec: run };
}

/** Runs a comparison resolved by `resolveComparison` with the same designs and warm-up (so bad input ends before any run). */
export async function runComparison({ base, spec }: ResolvedComparison, path: string, opts: CompareOptions): Promise<Comparison> {
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
      if (opts.signal?.aborted) return;
      const onLive = (live: RunSnapshot) => opts.onProgress?.({ done, total, design: d.name, seed, live });
      const report = await runRepetition(pool, { spec: specUnder(spec, d), path, seed }, opts.signal, onLive, opts.liveMs ?? 500);
      if (report.interrupted) return; // a partial run is no repetition
      reports[k]!.push(report);
      done++;
      opts.onProgress?.({ done, total, design: d.name, seed, verdict: verdictOf(report).verdict });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(jobs, total) }, next));
  } finally {
    await pool.destroy();
  }
  if (opts.signal?.aborted) throw new ComparisonInterrupted(done, total);
  reports.forEach((rs) => rs.sort((a, b) => a.seed - b.seed));
  return buildComparison({
    scenario: spec.name,
    ...(path.endsWith('.json') ? { source: path } : {}),
    host: base.topology.name,
    profile: base.profile.name,
    durationMs: base.durationMs,
    warmupMs: opts.warmupMs,
    seeds,
    ...(opts.runOptions ? { runOptions: opts.runOptions } : {}),
    runs: opts.designs.map((design, k) => ({ design, reports: reports[k]! })),
  });
}

/** The comparison was stopped (SIGINT/SIGTERM) before every repetition ran: there is no table. */
export class ComparisonInterrupted extends Error {
  override name = 'ComparisonInterrupted';
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`interrupted after ${done} of ${total} runs; a comparison needs every design's repetitions, so there is no table`);
  }
}
