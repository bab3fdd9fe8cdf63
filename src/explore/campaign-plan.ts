/**
 * How a campaign's executions are cut into independent jobs, so that any number of workers,
 * or machines (`--shard i/N`), run exactly the same executions.
 *
 * Execution indices 0, 1, 2, … are grouped in blocks of BLOCK_SIZE: block b holds indices
 * [b·BLOCK_SIZE, (b+1)·BLOCK_SIZE). A block is run in order by a fresh strategy started from
 * the block's seed, so what execution j does depends only on (campaign seed, j) — never on
 * which worker ran the block or on what the other blocks did. (random and pct strategies
 * keep state between the executions of one strategy: PCT learns the execution length k from
 * the executions before; within a block it does that as before; each block's first PCT
 * execution has no change points yet.) Block 0 is seeded with the campaign seed itself: its
 * executions are those of a single-strategy campaign.
 *
 * DFS is one search whose every execution depends on the previous ones: one unbounded
 * block, never split.
 *
 * A shard i/N takes the blocks b with b mod N = i: round-robin over blocks, so every shard
 * gets early (and, with a budget, late) parts of the seed space alike.
 */
import { executionSeed } from './strategy.js';

export const BLOCK_SIZE = 32;

export interface Block {
  readonly index: number;
  /** The campaign execution index of its first execution. */
  readonly first: number;
  /** Executions at most (Infinity: until the strategy or the campaign stops). */
  readonly count: number;
  /** The seed its strategy starts from. */
  readonly seed: number;
}

export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Mixed into block seeds so that block b's seed is not execution b's seed of block 0. */
const BLOCK_SALT = 0x2545f491;

export function blockSeed(campaignSeed: number, block: number): number {
  return block === 0 ? campaignSeed : executionSeed(campaignSeed ^ BLOCK_SALT, block);
}

/**
 * The blocks of a campaign (of one shard of it), in index order. `runs` 0: without end (the
 * budget or a failure stops the campaign).
 */
export function* planBlocks(o: { readonly strategy: string; readonly seed: number; readonly runs: number }, shard?: Shard): Generator<Block> {
  if (o.strategy === 'dfs') {
    yield { index: 0, first: 0, count: o.runs > 0 ? o.runs : Infinity, seed: o.seed };
    return;
  }
  for (let b = shard?.index ?? 0; ; b += shard?.count ?? 1) {
    const first = b * BLOCK_SIZE;
    if (o.runs > 0 && first >= o.runs) return;
    yield { index: b, first, count: o.runs > 0 ? Math.min(BLOCK_SIZE, o.runs - first) : BLOCK_SIZE, seed: blockSeed(o.seed, b) };
  }
}

/** `i/N` as given to --shard. */
export function parseShard(text: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  return count >= 1 && count <= 100_000 && index < count ? { index, count } : undefined;
}
