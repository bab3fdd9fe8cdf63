/**
 * What a campaign counts, whoever ran its blocks (one thread, a pool, shards on other
 * machines merged afterwards): the same executions give the same totals and failures.
 *
 * Without keep-going, the campaign ends at its first failure: the failing execution with the
 * lowest index. Blocks run in parallel, so executions after it may have run too; they are
 * not counted (`discarded`), exactly as a one-thread campaign would never have run them.
 * Failures are listed fastest-failing first: fewest steps, then lowest index.
 */
import { addLockStatRows, type LockStatRow } from '../check/lock-stat.js';
import { LockdepGraph, type LockdepJson } from '../check/lockdep.js';

/** The per-execution figures of one block that the totals need, index `first` onwards. */
export interface BlockRecord {
  readonly block: number;
  readonly first: number;
  readonly steps: readonly number[];
  readonly migrations: readonly number[];
  readonly virtualNs: readonly number[];
  /**
   * lock_stat over the block's executions. Exact for the tally: a block never runs past the
   * campaign's first failure but in blocks wholly after it, which are not counted.
   */
  readonly lockStat: readonly LockStatRow[];
}

export interface CampaignCounts {
  readonly runs: number;
  readonly steps: number;
  readonly migrations: number;
  readonly virtualNs: number;
  /** The longest execution counted (PCT's k). */
  readonly longest: number;
  /** Executions that ran after the first failure and are not counted. */
  readonly discarded: number;
  /** lock_stat per class over the counted executions (virtual ns). */
  readonly lockStat: readonly LockStatRow[];
}

export class CampaignTally<F extends { readonly index: number; readonly steps: number }> {
  private readonly blocks: BlockRecord[] = [];
  private readonly found: F[] = [];
  private readonly graphs: LockdepJson[] = [];
  private cut = Infinity;

  constructor(private readonly keepGoing: boolean) {}

  /** The index of the first failure (without keep-going), else Infinity: nothing after it counts. */
  get cutoff(): number {
    return this.cut;
  }

  addBlock(b: BlockRecord): void {
    this.blocks.push(b);
  }

  addFailure(f: F): void {
    this.found.push(f);
    if (!this.keepGoing) this.cut = Math.min(this.cut, f.index);
  }

  /** A lockdep graph of some of the campaign's executions (a block's, a shard's). */
  addLockdep(g: LockdepJson): void {
    this.graphs.push(g);
  }

  counts(): CampaignCounts {
    let runs = 0;
    let steps = 0;
    let migrations = 0;
    let virtualNs = 0;
    let longest = 0;
    let all = 0;
    let lockStat: LockStatRow[] = [];
    // In block order, whatever order they finished in: sums of fractions depend on the order.
    for (const b of this.sorted()) {
      all += b.steps.length;
      const n = this.countedIn(b);
      runs += n;
      if (n > 0) lockStat = addLockStatRows(lockStat, b.lockStat);
      for (let k = 0; k < n; k++) {
        steps += b.steps[k]!;
        migrations += b.migrations[k]!;
        virtualNs += b.virtualNs[k]!;
        longest = Math.max(longest, b.steps[k]!);
      }
    }
    return { runs, steps, migrations, virtualNs, longest, discarded: all - runs, lockStat };
  }

  /** The counted failures, fastest-failing first. */
  failures(): F[] {
    return this.found.filter((f) => f.index <= this.cut).sort((a, b) => a.steps - b.steps || a.index - b.index);
  }

  /** The counted part of every block, in block order (what a shard file keeps). */
  countedBlocks(): BlockRecord[] {
    return this.sorted()
      .map((b) => {
        const n = this.countedIn(b);
        return n === b.steps.length ? b : { ...b, steps: b.steps.slice(0, n), migrations: b.migrations.slice(0, n), virtualNs: b.virtualNs.slice(0, n) };
      })
      .filter((b) => b.steps.length > 0);
  }

  /** The lockdep graph of the counted executions: one graph, whatever order its parts came in. */
  lockdep(): LockdepGraph {
    const g = new LockdepGraph();
    for (const part of this.graphs) g.merge(LockdepGraph.fromJSON(part), undefined, this.cut);
    return g;
  }

  private sorted(): BlockRecord[] {
    return [...this.blocks].sort((a, b) => a.block - b.block);
  }

  private countedIn(b: BlockRecord): number {
    return Math.max(0, Math.min(b.steps.length, this.cut - b.first + 1));
  }
}
