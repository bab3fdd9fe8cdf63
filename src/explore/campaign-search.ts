/**
 * The search phase of a campaign: hands blocks to a runner in index order, keeping its window
 * full, until the plan, the budget, a signal or the first failure ends it, and tallies what
 * comes back. Without keep-going, a failure at index f stops every block at executions after
 * f, but blocks before f run to their end: one of them may fail earlier, and the campaign's
 * first failure must not depend on which worker was faster.
 */
import type { BlockResult, ExecutionRecord, FoundFailure } from './campaign-block.js';
import type { CampaignControl, LiveCounts } from './campaign-control.js';
import type { Block } from './campaign-plan.js';
import type { BlockRunner } from './campaign-runner.js';
import { CampaignTally } from './campaign-tally.js';

/** A failing execution as a block reported it. */
export type FailingRecord = ExecutionRecord & { readonly failure: FoundFailure };

export interface SearchOptions {
  readonly keepGoing: boolean;
  /** Wall-clock budget, ms, from the search's start. */
  readonly budgetMs: number;
  readonly signal?: AbortSignal;
  /** Called about once a second with what ran so far. */
  readonly onProgress?: (live: LiveCounts, elapsedMs: number) => void;
}

export interface SearchOutcome {
  readonly tally: CampaignTally<FailingRecord>;
  /** The strategy's own report lines of the last block that ended (DFS: its one search). */
  readonly strategySummary: readonly string[];
  readonly searchMs: number;
}

const PROGRESS_EVERY_MS = 1000;

export async function searchBlocks(runner: BlockRunner, blocks: Iterator<Block>, control: CampaignControl, o: SearchOptions): Promise<SearchOutcome> {
  const t0 = performance.now();
  const tally = new CampaignTally<FailingRecord>(o.keepGoing);
  let strategySummary: readonly string[] = [];
  let exhausted = false;
  const absorb = (r: BlockResult): void => {
    tally.addBlock({
      block: r.block,
      first: r.first,
      steps: r.executions.map((e) => e.steps),
      migrations: r.executions.map((e) => e.migrations),
      virtualNs: r.executions.map((e) => e.virtualNs),
      lockStat: r.lockStat,
    });
    for (const e of r.executions) {
      if (e.failure) {
        tally.addFailure(e as FailingRecord);
        if (!o.keepGoing) control.cutAt(e.index);
      }
    }
    tally.addLockdep(r.lockdep);
    strategySummary = r.summary;
    exhausted ||= r.exhausted;
  };

  const stop = () => control.stop();
  if (o.signal?.aborted) stop();
  o.signal?.addEventListener('abort', stop);
  const budget = setTimeout(stop, o.budgetMs);
  const progress = o.onProgress && setInterval(() => o.onProgress!(control.live(), performance.now() - t0), PROGRESS_EVERY_MS);
  const inFlight = new Set<Promise<void>>();
  let next = blocks.next();
  const launch = (): void => {
    while (inFlight.size < runner.window && !next.done && !exhausted && !control.stopped(next.value.first)) {
      const p: Promise<void> = runner.run(next.value).then((r) => {
        inFlight.delete(p);
        absorb(r);
      });
      inFlight.add(p);
      next = blocks.next();
    }
  };
  try {
    launch();
    while (inFlight.size > 0) {
      await Promise.race(inFlight);
      launch();
    }
  } finally {
    // On an error (a worker died) the other blocks are stopped and awaited before the pool ends.
    if (inFlight.size > 0) {
      stop();
      await Promise.allSettled(inFlight);
    }
    clearTimeout(budget);
    if (progress) clearInterval(progress);
    o.signal?.removeEventListener('abort', stop);
    await runner.close();
  }
  return { tally, strategySummary, searchMs: performance.now() - t0 };
}
