/**
 * One block of a campaign (campaign-plan.ts), run in order by a fresh strategy: the unit of
 * work a pool worker is given, and what the in-process runner steps through. It yields after
 * every execution (the in-process runner lets signals in there) and returns what the
 * campaign needs of each: small records, plus the schedule of a failing one so that any
 * thread can replay it.
 */
import { addLockStatRows, type LockStatRow } from '../check/lock-stat.js';
import { LockdepGraph, type LockdepJson } from '../check/lockdep.js';
import type { OracleName } from '../check/verdict.js';
import type { Scenario } from '../engine/scenario.js';
import type { CampaignControl } from './campaign-control.js';
import type { Block } from './campaign-plan.js';
import { makeStrategy, type StrategyOptions } from './campaign-strategy.js';
import { runExecution } from './execution.js';
import type { Migrations, Switches } from './schedule.js';

/** What every block of one campaign shares. */
export interface CampaignJob extends StrategyOptions {
  readonly maxSteps: number;
  /** Run the whole block even after a failure (else: stop at its first). */
  readonly keepGoing: boolean;
}

/** A failing execution as found, with what replays it. */
export interface FoundFailure {
  readonly oracle: OracleName;
  readonly reason: string;
  readonly switches: Switches;
  readonly migrations: Migrations;
}

export interface ExecutionRecord {
  /** Its campaign execution index. */
  readonly index: number;
  readonly seed: number;
  readonly steps: number;
  /** Injected migrations. */
  readonly migrations: number;
  readonly virtualNs: number;
  readonly traceHash: string;
  readonly failure?: FoundFailure;
}

export interface BlockResult {
  readonly block: number;
  readonly first: number;
  /** Executions first, first+1, … in order: the ones that ran before the block ended or was stopped. */
  readonly executions: readonly ExecutionRecord[];
  /** The strategy had nothing left to explore (DFS complete). */
  readonly exhausted: boolean;
  /** The strategy's own report lines (DFS: how far the search got). */
  readonly summary: readonly string[];
  /**
   * The lockdep graph of the block's executions, each edge stamped with the execution's
   * index and seed where it first appeared (check/lockdep.ts), as JSON: the same plain value
   * from this thread, a pool worker or a shard file.
   */
  readonly lockdep: LockdepJson;
  /** lock_stat summed over the block's executions (virtual ns). */
  readonly lockStat: readonly LockStatRow[];
}

/**
 * Runs `block`; before each execution it asks `control` whether to stop (a budget, a signal,
 * a failure found earlier in the campaign by another block).
 */
export function* runBlock(s: Scenario, job: CampaignJob, block: Block, control: CampaignControl): Generator<ExecutionRecord, BlockResult> {
  const strategy = makeStrategy({ ...job, seed: block.seed });
  const executions: ExecutionRecord[] = [];
  const lockdep = new LockdepGraph();
  let lockStat: LockStatRow[] = [];
  let exhausted = false;
  for (let index = block.first; index < block.first + block.count && !control.stopped(index); index++) {
    const e = runExecution(s, strategy, { maxSteps: job.maxSteps, stopOnFailure: true });
    if (!e) {
      exhausted = true;
      break;
    }
    const failed = e.verdict.verdict === 'FAILURE';
    lockdep.merge(e.lockdep, index);
    lockStat = addLockStatRows(lockStat, e.report.lockStat);
    const record: ExecutionRecord = {
      index,
      seed: e.seed,
      steps: e.steps,
      migrations: e.migrations.steps.length,
      virtualNs: e.virtualNs,
      traceHash: e.traceHash,
      ...(failed ? { failure: { oracle: e.verdict.oracle!, reason: e.verdict.reason!, switches: e.switches, migrations: e.migrations } } : {}),
    };
    executions.push(record);
    control.ran(e.steps, failed);
    yield record;
    if (failed && !job.keepGoing) break;
  }
  return { block: block.index, first: block.first, executions, exhausted, summary: strategy.summary(executions.length), lockdep: lockdep.toJSON(), lockStat };
}
