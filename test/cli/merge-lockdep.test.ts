/**
 * Lockdep across a campaign (issue 7): a class-level cycle whose two orders were produced by
 * different executions — here, by executions of two different shards — is reported by
 * `vpmu-lab merge` with both chains and both seeds, and fails the campaign (exit 1), though
 * no single execution failed. The shards are real; their lockdep lines are given the two
 * halves of an RCU inversion (as two runs would record them) before the merge.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LockdepGraph, type EdgeOrigin } from '../../src/check/lockdep.js';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** Replaces a shard file's lockdep line by its own graph plus one edge. */
function addEdge(file: string, from: number, to: number, origin: EdgeOrigin): void {
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; graph?: unknown });
  const at = lines.findIndex((l) => l.type === 'lockdep');
  expect(at).toBeGreaterThan(0);
  const g = LockdepGraph.fromJSON(lines[at]!.graph);
  g.add(from, to, origin);
  lines[at] = { type: 'lockdep', graph: g.toJSON() };
  writeFileSync(file, lines.map((l) => JSON.stringify(l) + '\n').join(''));
}

describe('lockdep across shards', () => {
  it('an inversion whose orders come from two runs of two shards is reported with both seeds and fails the merged campaign', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpmu-lockdep-merge-'));
    const campaign = ['explore', 'pmu-probe-race', '--runs', '64', '--budget', '60000', '--workers', '1', '--quiet'];
    const files = [0, 1].map((i) => join(dir, `shard-${i}.jsonl`));
    files.forEach((f, i) => expect(cli(...campaign, '--shard', `${i}/2`, '--shard-out', f).code).toBe(0));
    const clean = cli('merge', ...files);
    expect(clean.code).toBe(0);
    expect(clean.out).toMatch(/lockdep over the 64 executions: \d+ class dependenc(y|ies) \(.*\), no cycle/);
    // Shard 0's execution 5 (seed 505) waited for a grace period holding config_lock;
    // shard 1's execution 40 (seed 4040) took config_lock inside a read-side section.
    addEdge(files[0]!, 2, 4, { seed: 505, run: 5, step: 17, thread: 'vmm:hotplug', held: ['vm0 config_lock'], took: 'synchronize_rcu' });
    addEdge(files[1]!, 4, 2, { seed: 4040, run: 40, step: 9, thread: 'vmm:init', held: ['rcu_read_lock'], took: 'vm0 config_lock' });
    const r = cli('merge', ...files);
    expect(r.code).toBe(1);
    expect(r.out).toContain('synchronize_rcu under a lock a reader takes: config_lock → rcu → config_lock (the orders come from different runs)');
    expect(r.out).toContain('config_lock → rcu: seed 505, run 5, step 17: vmm:hotplug held [vm0 config_lock] and took synchronize_rcu');
    expect(r.out).toContain('rcu → config_lock: seed 4040, run 40, step 9: vmm:init held [rcu_read_lock] and took vm0 config_lock');
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^FAILURE: rcu-synchronize-under-reader-lock — lockdep: /);
    const j = JSON.parse(cli('merge', ...files, '--json').out);
    expect(j.verdict).toBe('FAILURE');
    expect(j.failures).toEqual([]);
    expect(j.lockdep.cycles).toHaveLength(1);
    expect(j.lockdep.cycles[0]).toMatchObject({ acrossRuns: true, rcu: true });
    expect(j.lockdep.cycles[0].edges.map((e: { origin: EdgeOrigin }) => e.origin.seed).sort()).toEqual([4040, 505]);
  });
});
