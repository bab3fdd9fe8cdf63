/**
 * The seed space of a campaign: blocks of BLOCK_SIZE executions, block 0 seeded with the
 * campaign seed itself, and shards that partition the blocks (each block in exactly one).
 */
import { describe, expect, it } from 'vitest';
import { BLOCK_SIZE, blockSeed, parseShard, planBlocks } from '../../src/explore/campaign-plan.js';

const take = <T>(g: Iterator<T>, n: number): T[] => Array.from({ length: n }, () => g.next().value as T);

describe('campaign plan', () => {
  it('cuts --runs into blocks of BLOCK_SIZE, the last one short; block 0 is the campaign seed', () => {
    const blocks = [...planBlocks({ strategy: 'pct', seed: 7, runs: 2 * BLOCK_SIZE + 5 })];
    expect(blocks.map((b) => [b.index, b.first, b.count])).toEqual([
      [0, 0, BLOCK_SIZE],
      [1, BLOCK_SIZE, BLOCK_SIZE],
      [2, 2 * BLOCK_SIZE, 5],
    ]);
    expect(blocks[0]!.seed).toBe(7);
    expect(new Set(blocks.map((b) => b.seed)).size).toBe(3);
    expect(blocks[1]!.seed).toBe(blockSeed(7, 1));
  });

  it('shards i/N take the blocks b with b mod N = i: together every block once', () => {
    const whole = [...planBlocks({ strategy: 'random', seed: 3, runs: 1000 })];
    const parts = [0, 1, 2, 3].flatMap((i) => [...planBlocks({ strategy: 'random', seed: 3, runs: 1000 }, { index: i, count: 4 })]);
    expect(parts.map((b) => b.index).sort((a, b) => a - b)).toEqual(whole.map((b) => b.index));
    expect(parts.sort((a, b) => a.index - b.index)).toEqual(whole);
  });

  it('without a run count the plan goes on; DFS is one unbounded block whatever the shard', () => {
    expect(take(planBlocks({ strategy: 'pct', seed: 1, runs: 0 }), 50).at(-1)).toMatchObject({ index: 49, count: BLOCK_SIZE });
    expect([...planBlocks({ strategy: 'dfs', seed: 5, runs: 0 })]).toEqual([{ index: 0, first: 0, count: Infinity, seed: 5 }]);
  });

  it('--shard i/N: 0 ≤ i < N', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    for (const bad of ['4/4', '1/0', '-1/2', '1', 'a/b', '1/2/3']) expect(parseShard(bad)).toBeUndefined();
  });
});
