/**
 * An exploration campaign (`vpmu-lab explore`): executions of one scenario under one
 * strategy until the run count, the wall-clock budget or the strategy runs out, or the
 * first failure. The executions are cut into blocks (campaign-plan.ts) that run on this
 * thread or on a piscina pool (`workers`), or a shard of them on this machine (`shard`);
 * the same campaign gives the same executions, totals and failures either way. Each
 * failure is then replayed once here, written to a schedule file and shrunk
 * (campaign-failure.ts).
 */
import type { Scenario, ScenarioSpec } from '../engine/scenario.js';
import { threadNames } from '../engine/messages.js';
import type { OracleName } from '../check/verdict.js';
import { VpmuLabError } from '../host/errors.js';
import { buildId } from './build-id.js';
import type { CampaignJob } from './campaign-block.js';
import { CampaignControl } from './campaign-control.js';
import { reportFailure } from './campaign-failure.js';
import { LocalRunner } from './campaign-local.js';
import { BLOCK_SIZE, planBlocks, type Shard } from './campaign-plan.js';
import { PoolRunner } from './campaign-pool.js';
import { campaignResult, strategySummary } from './campaign-result.js';
import { searchBlocks } from './campaign-search.js';
import type { StrategyName } from './campaign-strategy.js';
import type { BlockRecord } from './campaign-tally.js';
import type { LockdepCycle, LockdepEdge, LockdepGraph } from '../check/lockdep.js';
import type { LockStatRow } from '../check/lock-stat.js';

export { makeStrategy, strategyNames, type StrategyName } from './campaign-strategy.js';

export interface ExploreOptions {
  readonly strategy: StrategyName;
  /** Executions at most (0: until the budget or the strategy runs out). */
  readonly runs: number;
  readonly seed: number;
  /** PCT depth d. */
  readonly depth: number;
  /** DFS preemption bound K. */
  readonly maxPreemptions: number;
  /** Wall-clock budget for the search, ms. */
  readonly budgetMs: number;
  /** Steps per execution before it is stopped. */
  readonly maxSteps: number;
  /** Keep exploring after a failure (each failing execution is reported). */
  readonly keepGoing: boolean;
  /** Shrink each failure, within this many ms (0: do not shrink). */
  readonly shrinkMs: number;
  /** Where schedule files go. */
  readonly outDir: string;
  /**
   * Threads that run executions: 1 (the default) runs them on this thread, more on a piscina
   * pool created for the campaign (it runs the built workers/campaign.js). DFS always uses 1:
   * each of its executions depends on the one before.
   */
  readonly workers?: number;
  /** Run only this slice of the campaign (campaign-plan.ts); DFS cannot be sliced. */
  readonly shard?: Shard;
  readonly onProgress?: (p: { runs: number; steps: number; elapsedMs: number; failures: number }) => void;
  readonly signal?: AbortSignal;
}

export interface FailureReport {
  readonly oracle: OracleName | 'uncontrolled-nondeterminism';
  readonly reason: string;
  /** The failing execution's index in the campaign. */
  readonly index: number;
  readonly seed: number;
  readonly traceHash: string;
  readonly steps: number;
  readonly replayFile: string;
  /** Injected migrations of the failing execution. */
  readonly migrations: number;
  readonly minimal?: { preemptions: number; migrations: number; switches: number; steps: number; traceHash: string; replayFile: string; locallyMinimal: boolean };
}

export interface ExploreResult {
  readonly verdict: 'SUCCESS' | 'FAILURE';
  readonly scenario: string;
  readonly strategy: StrategyName;
  readonly build: string;
  readonly runs: number;
  readonly steps: number;
  /** Preempt-and-migrate actions the strategy injected, over all executions. */
  readonly migrations: number;
  /** Steps and executions per second of the search (all workers together; replays and shrinking not counted). */
  readonly stepsPerSecond: number;
  readonly executionsPerSecond: number;
  /** Threads that ran executions (merged shards: over all shards). */
  readonly workers: number;
  /** Executions that ran after the first failure on other workers: not counted, as one thread would not have run them. */
  readonly discarded: number;
  readonly wallMs: number;
  /** The search's part of wallMs. */
  readonly searchMs: number;
  /** Virtual time simulated, summed over executions (each its furthest thread clock), ns. */
  readonly virtualNs: number;
  readonly interrupted: boolean;
  readonly summary: readonly string[];
  /** Fastest-failing first: fewest steps, then the lowest execution index. */
  readonly failures: readonly FailureReport[];
  /**
   * The campaign's lockdep graph over every counted execution (check/lockdep.ts): each class
   * dependency with the seed, execution and step that first produced it, and its cycles. A
   * cycle whose orders come from different executions (`acrossRuns`) fails the campaign —
   * no single execution showed it, so no failure above names it.
   */
  readonly lockdep: { readonly edges: readonly LockdepEdge[]; readonly cycles: readonly LockdepCycle[] };
  /** lock_stat per lock class over every counted execution, in virtual ns. */
  readonly lockStat: readonly LockStatRow[];
  /** The slice this campaign ran (`--shard i/N`). */
  readonly shard?: Shard;
  /** `vpmu-lab merge`: the number of shards merged. */
  readonly shards?: number;
}

/** A campaign's report with what a shard file keeps besides it. */
export interface Campaign {
  readonly result: ExploreResult;
  readonly job: CampaignJob;
  /** The counted executions' figures, block by block. */
  readonly blocks: readonly BlockRecord[];
  /** The counted executions' lockdep graph (a shard file keeps it for the merge). */
  readonly lockdep: LockdepGraph;
}

/** What `explore` does unless told otherwise (the CLI's and the testing export's defaults). */
export const exploreDefaults: Readonly<Omit<ExploreOptions, 'onProgress' | 'signal' | 'workers' | 'shard'>> = Object.freeze({
  strategy: 'pct',
  runs: 0,
  seed: 1,
  depth: 3,
  maxPreemptions: 2,
  budgetMs: 10_000,
  maxSteps: 20_000,
  keepGoing: false,
  shrinkMs: 5_000,
  outDir: 'vpmu-schedules',
});

export async function explore(spec: ScenarioSpec, s: Scenario, o: ExploreOptions): Promise<ExploreResult> {
  return (await exploreCampaign(spec, s, o)).result;
}

export async function exploreCampaign(spec: ScenarioSpec, s: Scenario, o: ExploreOptions): Promise<Campaign> {
  if (o.shard && o.strategy === 'dfs') throw new VpmuLabError('dfs cannot be sharded: each of its executions depends on the one before (use random or pct)');
  const t0 = performance.now();
  const build = buildId();
  const job: CampaignJob = { strategy: o.strategy, seed: o.seed, depth: o.depth, maxPreemptions: o.maxPreemptions, maxSteps: o.maxSteps, keepGoing: o.keepGoing };
  // No more threads than blocks to run: a short campaign does not start idle workers.
  const blocks = o.strategy === 'dfs' ? 1 : o.runs > 0 ? Math.ceil(o.runs / BLOCK_SIZE) : Infinity;
  const workers = Math.max(1, Math.min(o.workers ?? 1, blocks));
  const control = new CampaignControl();
  const runner = workers === 1 ? new LocalRunner(s, job, control) : new PoolRunner(workers, spec, job, control);
  const search = await searchBlocks(runner, planBlocks(o, o.shard), control, {
    keepGoing: o.keepGoing,
    budgetMs: o.budgetMs,
    signal: o.signal,
    onProgress: o.onProgress && ((p, elapsedMs) => o.onProgress!({ runs: p.executions, steps: p.steps, elapsedMs, failures: p.failures })),
  });
  const context = { spec, scenario: s, job, build, outDir: o.outDir, shrinkMs: o.shrinkMs };
  const failures = search.tally.failures().map((f) => reportFailure(context, f));
  const counts = search.tally.counts();
  const lockdep = search.tally.lockdep();
  const result = campaignResult({
    scenario: s.name,
    job,
    build,
    workers: runner.workers,
    counts,
    failures,
    wallMs: performance.now() - t0,
    searchMs: search.searchMs,
    interrupted: o.signal?.aborted === true,
    summary: strategySummary(job, threadNames(s).length, counts, search.strategySummary),
    lockdep,
    ...(o.shard ? { shard: o.shard } : {}),
  });
  return { result, job, blocks: search.tally.countedBlocks(), lockdep };
}
