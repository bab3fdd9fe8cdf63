/**
 * A campaign's report (API.md "Exploration") from its tally: one builder for `explore`, on
 * any number of workers, and for `merge` of shards, so the two cannot disagree.
 */
import type { LockdepGraph } from '../check/lockdep.js';
import type { CampaignJob } from './campaign-block.js';
import type { Shard } from './campaign-plan.js';
import { makeStrategy } from './campaign-strategy.js';
import type { CampaignCounts } from './campaign-tally.js';
import type { ExploreResult, FailureReport } from './explore.js';

export interface ResultInput {
  readonly scenario: string;
  readonly job: CampaignJob;
  readonly build: string;
  readonly workers: number;
  readonly counts: CampaignCounts;
  /** Counted failures, fastest-failing first (CampaignTally.failures). */
  readonly failures: readonly FailureReport[];
  readonly wallMs: number;
  /** The search alone (replays and shrinking of failures not counted): the rates' time. */
  readonly searchMs: number;
  readonly interrupted: boolean;
  readonly summary: readonly string[];
  /** The counted executions' lockdep graph. */
  readonly lockdep: LockdepGraph;
  readonly shard?: Shard;
  /** Merged from this many shards. */
  readonly shards?: number;
}

export function campaignResult(i: ResultInput): ExploreResult {
  const { counts: c } = i;
  const cycles = i.lockdep.cycles();
  return {
    verdict: i.failures.length > 0 || cycles.some((x) => x.acrossRuns) ? 'FAILURE' : 'SUCCESS',
    scenario: i.scenario,
    strategy: i.job.strategy,
    build: i.build,
    runs: c.runs,
    steps: c.steps,
    migrations: c.migrations,
    stepsPerSecond: i.searchMs > 0 ? Math.round((c.steps * 1000) / i.searchMs) : 0,
    executionsPerSecond: i.searchMs > 0 ? Math.round((c.runs * 10_000) / i.searchMs) / 10 : 0,
    workers: i.workers,
    discarded: c.discarded,
    wallMs: i.wallMs,
    searchMs: i.searchMs,
    virtualNs: c.virtualNs,
    interrupted: i.interrupted,
    summary: i.summary,
    failures: i.failures,
    lockdep: { edges: i.lockdep.edges(), cycles },
    lockStat: c.lockStat,
    ...(i.shard ? { shard: i.shard } : {}),
    ...(i.shards ? { shards: i.shards } : {}),
  };
}

/**
 * The strategy's report lines for the counted executions. A random or PCT campaign ran many
 * strategies (one a block), so the lines come from one primed with what they saw together —
 * the scenario's thread count and the longest execution (PCT's k); DFS's one search reports
 * itself.
 */
export function strategySummary(job: CampaignJob, threads: number, counts: CampaignCounts, dfsSummary: readonly string[]): readonly string[] {
  if (job.strategy === 'dfs') return dfsSummary;
  const s = makeStrategy(job);
  s.start(threads);
  s.end(counts.longest);
  return s.summary(counts.runs);
}
