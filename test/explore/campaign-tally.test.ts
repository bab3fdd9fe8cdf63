/**
 * What a campaign counts does not depend on the order blocks finish in: without keep-going
 * the lowest-index failure ends the campaign and executions after it are discarded, even if
 * a later block reported its failure first; failures are listed fastest-failing first.
 */
import { describe, expect, it } from 'vitest';
import { LockdepGraph, type EdgeOrigin } from '../../src/check/lockdep.js';
import { CampaignTally, type BlockRecord } from '../../src/explore/campaign-tally.js';

/** A block of `steps.length` executions; its lock_stat: config_lock taken 10^block times, each held [2^b, 2^(b+1)) ns. */
const block = (b: number, steps: number[]): BlockRecord => ({
  block: b,
  first: b * 4,
  steps,
  migrations: steps.map(() => 1),
  virtualNs: steps.map((s) => s / 3),
  lockStat: [{ class: 'config_lock', acquisitions: 10 ** b, contentions: 0, waitTotal: 0, waitMax: 0, holdTotal: b, holdMax: b, holdSamples: 10 ** b, waitHistogram: [], holdHistogram: [...Array<number>(b).fill(0), 10 ** b] }],
});
const fail = (index: number, steps: number) => ({ index, steps, name: `f${index}` });
const graph = (...edges: [number, number, EdgeOrigin][]) => {
  const g = new LockdepGraph();
  for (const [a, b, o] of edges) g.add(a, b, o);
  return g.toJSON();
};

describe('campaign tally', () => {
  it('stop at the first failure: the lowest index wins whatever finished first; what ran after it is discarded', () => {
    const t = new CampaignTally<ReturnType<typeof fail>>(false);
    // Block 1 (indices 4..7) fails at 5 and is reported first; block 0 (0..3) fails later at 2.
    t.addBlock(block(1, [10, 20]));
    t.addFailure(fail(5, 20));
    t.addBlock(block(2, [1, 1, 1, 1]));
    t.addBlock(block(0, [5, 6, 7]));
    t.addFailure(fail(2, 7));
    t.addLockdep(graph([0, 2, { seed: 11, run: 1, step: 3, thread: 't', held: ['a'], took: 'b' }]));
    t.addLockdep(graph([2, 4, { seed: 44, run: 4, step: 9, thread: 't', held: ['c'], took: 'rcu' }]));
    expect(t.cutoff).toBe(2);
    // Only block 0 counts: blocks 1 and 2 lie after the first failure (index 2).
    expect(t.counts()).toEqual({ runs: 3, steps: 18, migrations: 3, virtualNs: 6, longest: 7, discarded: 6, lockStat: [block(0, [1]).lockStat[0]] });
    expect(t.failures().map((f) => f.index)).toEqual([2]);
    expect(t.countedBlocks()).toEqual([{ ...block(0, [5, 6, 7]), virtualNs: [5 / 3, 2, 7 / 3] }]);
    // The edge first produced by execution 4, after the cut, is not the campaign's.
    expect(t.lockdep().edges().map((e) => [e.from, e.to, e.origin.seed])).toEqual([['kvm->lock', 'config_lock', 11]]);
  });

  it('keep going: everything counts; failures fastest-failing first, then by index', () => {
    const t = new CampaignTally<ReturnType<typeof fail>>(true);
    t.addBlock(block(1, [9, 3, 3, 8]));
    t.addBlock(block(0, [4, 4]));
    for (const f of [fail(4, 9), fail(6, 3), fail(5, 3), fail(1, 4)]) t.addFailure(f);
    expect(t.cutoff).toBe(Infinity);
    expect(t.counts()).toMatchObject({ runs: 6, steps: 31, discarded: 0, longest: 9 });
    // Histograms add bucket by bucket, the shorter one padded.
    expect(t.counts().lockStat).toEqual([{ class: 'config_lock', acquisitions: 11, contentions: 0, waitTotal: 0, waitMax: 0, holdTotal: 1, holdMax: 1, holdSamples: 11, waitHistogram: [], holdHistogram: [1, 10] }]);
    expect(t.failures().map((f) => f.index)).toEqual([5, 6, 1, 4]);
    expect(t.countedBlocks().map((b) => b.block)).toEqual([0, 1]);
  });
});
