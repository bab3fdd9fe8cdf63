/**
 * `vpmu-lab merge`: shard files of one campaign combined into that campaign's report. The
 * shards' blocks and failures go through the same tally and report builder as an unsharded
 * campaign's, so the merge of shards 0..N-1 equals the campaign run in one go: the same
 * verdict, totals and failures in the same order. Times: the shards are taken to have run
 * at the same time (on N machines), so the campaign's wall and search times are the
 * slowest shard's and its rates are over that.
 */
import { resolveScenario } from '../engine/scenario.js';
import { threadNames } from '../engine/messages.js';
import { VpmuLabError } from '../host/errors.js';
import { campaignResult, strategySummary } from './campaign-result.js';
import { CampaignTally } from './campaign-tally.js';
import type { ExploreResult, FailureReport } from './explore.js';
import { readShard, type ShardContent, type ShardHeader } from './shard-file.js';

export function mergeShards(files: readonly string[]): ExploreResult {
  if (files.length === 0) throw new VpmuLabError('expected shard files (written by explore --shard i/N --shard-out FILE)');
  const shards = files.map(readShard);
  sameCampaign(shards);
  const first = shards[0]!;
  const { job } = first.header;
  const tally = new CampaignTally<FailureReport>(job.keepGoing);
  for (const s of shards) {
    s.blocks.forEach((b) => tally.addBlock(b));
    s.failures.forEach((f) => tally.addFailure(f));
    s.lockdep.forEach((l) => tally.addLockdep(l));
  }
  const scenario = resolveScenario(first.header.scenario, `${first.file}: scenario`);
  const counts = tally.counts();
  const result = campaignResult({
    scenario: scenario.name,
    job,
    build: first.header.build,
    workers: shards.reduce((n, s) => n + s.summary.workers, 0),
    counts,
    failures: tally.failures(),
    wallMs: Math.max(...shards.map((s) => s.summary.wallMs)),
    searchMs: Math.max(...shards.map((s) => s.summary.searchMs)),
    interrupted: shards.some((s) => s.summary.interrupted),
    summary: strategySummary(job, threadNames(scenario).length, counts, []),
    lockdep: tally.lockdep(),
    shards: shards.length,
  });
  return result;
}

/** Every file a different shard of the same campaign, and every shard there. */
function sameCampaign(shards: readonly ShardContent[]): void {
  const first = shards[0]!;
  const h0 = first.header;
  // What names a campaign: each compared as text, shown short.
  const fields: [string, (h: ShardHeader) => string, (h: ShardHeader) => string][] = [
    ['build', (h) => h.build, (h) => h.build],
    ['scenario', (h) => canonical(h.scenario), (h) => h.scenario.name],
    ['campaign (strategy, seed, depth, max steps, keep-going)', (h) => canonical(h.job), (h) => canonical(h.job)],
    ['run count', (h) => String(h.runs), (h) => String(h.runs)],
    ['block size', (h) => String(h.blockSize), (h) => String(h.blockSize)],
    ['shard count', (h) => String(h.shard.count), (h) => String(h.shard.count)],
  ];
  for (const s of shards.slice(1)) {
    for (const [name, value, show] of fields) {
      if (value(s.header) === value(h0)) continue;
      const [a, b] = [show(s.header), show(h0)];
      throw new VpmuLabError(`${s.file} is a shard of another campaign than ${first.file}: its ${name} differs (${a === b ? 'other settings' : `${a} vs ${b}`})`);
    }
  }
  const seen = new Map<number, string>();
  for (const s of shards) {
    const other = seen.get(s.header.shard.index);
    if (other !== undefined) throw new VpmuLabError(`${s.file} and ${other} are both shard ${s.header.shard.index}/${h0.shard.count}`);
    seen.set(s.header.shard.index, s.file);
  }
  const missing = Array.from({ length: h0.shard.count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new VpmuLabError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${h0.shard.count}`).join(', ')} missing: the merge would not be the whole campaign`);
}

/** JSON with keys in sorted order: equal objects, equal text. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => a.localeCompare(b))) : x));
}
