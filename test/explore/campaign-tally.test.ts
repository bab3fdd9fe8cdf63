/**
 * What a campaign counts does not depend on the order blocks finish in: without keep-going
 * the lowest-index failure ends the campaign and executions after it are discarded, even if
 * a later block reported its failure first; failures are listed fastest-failing first.
 */
import { describe, expect, it } from 'vitest';
import { CampaignTally, type BlockRecord } from '../../src/explore/campaign-tally.js';

const block = (b: number, steps: number[]): BlockRecord => ({ block: b, first: b * 4, steps, migrations: steps.map(() => 1), virtualNs: steps.map((s) => s / 3) });
const fail = (index: number, steps: number) => ({ index, steps, name: `f${index}` });

describe('campaign tally', () => {
  it('stop at the first failure: the lowest index wins whatever finished first; what ran after it is discarded', () => {
    const t = new CampaignTally<ReturnType<typeof fail>>(false);
    // Block 1 (indices 4..7) fails at 5 and is reported first; block 0 (0..3) fails later at 2.
    t.addBlock(block(1, [10, 20]));
    t.addFailure(fail(5, 20));
    t.addBlock(block(2, [1, 1, 1, 1]));
    t.addBlock(block(0, [5, 6, 7]));
    t.addFailure(fail(2, 7));
    t.addLockdep({ index: 1, seed: 11, graph: 'a' });
    t.addLockdep({ index: 4, seed: 44, graph: 'b' });
    expect(t.cutoff).toBe(2);
    expect(t.counts()).toEqual({ runs: 3, steps: 18, migrations: 3, virtualNs: 6, longest: 7, discarded: 6 });
    expect(t.failures().map((f) => f.index)).toEqual([2]);
    expect(t.countedBlocks()).toEqual([{ block: 0, first: 0, steps: [5, 6, 7], migrations: [1, 1, 1], virtualNs: [5 / 3, 2, 7 / 3] }]);
    expect(t.lockdep()).toEqual([{ index: 1, seed: 11, graph: 'a' }]);
  });

  it('keep going: everything counts; failures fastest-failing first, then by index', () => {
    const t = new CampaignTally<ReturnType<typeof fail>>(true);
    t.addBlock(block(1, [9, 3, 3, 8]));
    t.addBlock(block(0, [4, 4]));
    for (const f of [fail(4, 9), fail(6, 3), fail(5, 3), fail(1, 4)]) t.addFailure(f);
    expect(t.cutoff).toBe(Infinity);
    expect(t.counts()).toMatchObject({ runs: 6, steps: 31, discarded: 0, longest: 9 });
    expect(t.failures().map((f) => f.index)).toEqual([5, 6, 1, 4]);
    expect(t.countedBlocks().map((b) => b.block)).toEqual([0, 1]);
  });
});
