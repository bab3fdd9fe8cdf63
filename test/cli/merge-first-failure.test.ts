/**
 * Shards of a campaign that stops at its first failure: each shard stops at its own first
 * failure, and the merge keeps the lowest-index one and counts only the executions before
 * it — the unsharded campaign's report. (In-process: exploreCampaign, the shard file text,
 * mergeShards.)
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { exploreCampaign, exploreDefaults, type ExploreOptions } from '../../src/explore/explore.js';
import { shardText } from '../../src/explore/shard-file.js';
import { mergeShards } from '../../src/explore/shard-merge.js';

describe('merge of shards that stop at their first failure', () => {
  it('equals the unsharded campaign: the lowest-index failure, the executions up to it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpmu-merge-first-'));
    const spec = builtinScenarios['nr-counters-race']!;
    const s = resolveScenario(spec);
    // This campaign's first failure is execution 67, in block 2; other shards fail later in theirs.
    const o: ExploreOptions = { ...exploreDefaults, strategy: 'random', seed: 12, runs: 400, shrinkMs: 0, budgetMs: 60_000, outDir: dir, workers: 1 };
    const whole = (await exploreCampaign(spec, s, o)).result;
    const files: string[] = [];
    const shardFailures: number[] = [];
    for (let i = 0; i < 4; i++) {
      const c = await exploreCampaign(spec, s, { ...o, shard: { index: i, count: 4 } });
      shardFailures.push(...c.result.failures.map((f) => f.index));
      files.push(join(dir, `shard-${i}.jsonl`));
      writeFileSync(files.at(-1)!, shardText(c, spec, o.runs));
    }
    expect(whole.failures.map((f) => f.index)).toEqual([67]);
    expect(shardFailures.filter((i) => i !== 67).length).toBeGreaterThan(0);
    const merged = mergeShards(files);
    const pick = (r: typeof whole) => ({ verdict: r.verdict, runs: r.runs, steps: r.steps, virtualNs: r.virtualNs, summary: r.summary, failures: r.failures.map(({ replayFile: _f, ...f }) => f) });
    expect(pick(merged)).toEqual(pick(whole));
    expect(merged.runs).toBe(68);
  });
});
