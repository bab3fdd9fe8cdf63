/**
 * `vpmu-lab explore --shard i/N` and `vpmu-lab merge` through the built CLI: four shards
 * run here and merged give the report of the same campaign run unsharded (verdict, totals,
 * failures in the same order, the strategy's lines); bad shard input is one line naming the
 * file (and line), exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const dir = mkdtempSync(join(tmpdir(), 'vpmu-merge-'));
/** 4 blocks of 32: one for each shard; config-race fails in several of them. */
const campaign = ['explore', 'config-race', '--strategy', 'pct', '--seed', '3', '--runs', '128', '--keep-going', '--shrink-budget', '0', '--budget', '60000', '--out', dir];
const shard = (i: number) => join(dir, `shard-${i}.jsonl`);

/** What a merge must reproduce: everything but times, rates, worker counts and file paths. */
const comparable = (j: Record<string, unknown>) => {
  const { wallMs: _w, searchMs: _s, stepsPerSecond: _r, executionsPerSecond: _e, workers: _k, shards: _n, ...rest } = j;
  return { ...rest, failures: (j.failures as { replayFile: string }[]).map(({ replayFile: _f, ...f }) => f) };
};

describe('vpmu-lab merge', () => {
  beforeAll(() => {
    for (const i of [0, 1, 2]) expect(cli(...campaign, '--shard', `${i}/4`, '--shard-out', shard(i), '--workers', '1', '--quiet').code).toBe(1);
    // The last one's JSON lines on stdout (--json without --shard-out).
    const last = cli(...campaign, '--shard', '3/4', '--json', '--workers', '2');
    expect(last.code).toBeLessThanOrEqual(1);
    writeFileSync(shard(3), last.out);
  });

  it('4 shards merged equal the campaign run unsharded: verdict, totals, failures in order, strategy lines; exit 1 on FAILURE', () => {
    const whole = cli(...campaign, '--json');
    const merged = cli('merge', shard(2), shard(0), shard(3), shard(1), '--json');
    expect(merged.err).toBe('');
    expect(merged.code).toBe(whole.code);
    expect(merged.code).toBe(1);
    const w = JSON.parse(whole.out);
    const m = JSON.parse(merged.out);
    expect(w.failures.length).toBeGreaterThan(1);
    expect(comparable(m)).toEqual(comparable(w));
    expect(m).toMatchObject({ runs: 128, shards: 4, workers: 5 });
    // Each failure's schedule file is the shard's, and replays.
    const f = m.failures[0];
    expect(JSON.parse(cli('replay', f.replayFile, '--json').out)).toMatchObject({ traceHash: f.traceHash, oracle: f.oracle });
  });

  it('text: the explore report, said to be merged', () => {
    const r = cli('merge', shard(0), shard(1), shard(2), shard(3));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^explore config-race — strategy pct, build \S+, merged from 4 shards\n128 executions, \d+ steps, .* on 5 workers \(/);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^FAILURE: /);
  });

  it('bad input: a malformed line, a cut-short file, another campaign, a missing or doubled shard: one line naming the file, exit 2', () => {
    const lines = readFileSync(shard(1), 'utf8').split('\n');
    const broken = join(dir, 'broken.jsonl');
    writeFileSync(broken, [lines[0], lines[1]!.replace(/"steps":\[\d+/, '"steps":[-1'), ...lines.slice(2)].join('\n'));
    expect(cli('merge', shard(0), broken, shard(2), shard(3))).toMatchObject({ code: 2, out: '', err: `vpmu-lab merge: ${broken}:2: steps[0]: expected a non-negative number, got -1\n` });

    const cut = join(dir, 'cut.jsonl');
    writeFileSync(cut, lines.slice(0, 2).join('\n') + '\n');
    expect(cli('merge', shard(0), cut, shard(2), shard(3))).toMatchObject({ code: 2, err: expect.stringContaining(`${cut}:2: the summary line is missing`) });

    const other = join(dir, 'other-seed.jsonl');
    writeFileSync(other, readFileSync(shard(1), 'utf8').replace('"seed":3,', '"seed":4,'));
    expect(cli('merge', shard(0), other, shard(2), shard(3))).toMatchObject({ code: 2, err: expect.stringMatching(new RegExp(`${other} is a shard of another campaign than ${shard(0)}: its campaign \\(strategy, seed, .*\\) differs`)) });

    const scenario = join(dir, 'other-scenario.jsonl');
    writeFileSync(scenario, readFileSync(shard(1), 'utf8').replace('"name":"config-race"', '"name":"config-race-2"'));
    expect(cli('merge', shard(0), scenario, shard(2), shard(3))).toMatchObject({ code: 2, err: expect.stringContaining(`${scenario} is a shard of another campaign than ${shard(0)}: its scenario differs (config-race-2 vs config-race)`) });

    expect(cli('merge', shard(0), shard(2), shard(3))).toMatchObject({ code: 2, err: 'vpmu-lab merge: shard 1/4 missing: the merge would not be the whole campaign\n' });
    expect(cli('merge', shard(0), shard(1), shard(1), shard(3))).toMatchObject({ code: 2, err: expect.stringContaining(`both shard 1/4`) });
    const notJson = join(dir, 'not.jsonl');
    writeFileSync(notJson, 'hello\n');
    expect(cli('merge', notJson)).toMatchObject({ code: 2, err: expect.stringMatching(new RegExp(`^vpmu-lab merge: ${notJson}:1: not valid JSON`)) });
  });

  it('explore --shard: bad slices and a dfs shard are refused before any search, exit 2', () => {
    expect(cli('explore', 'flagship', '--shard', '4/4', '--json')).toMatchObject({ code: 2, err: expect.stringContaining('--shard: expected i/N with 0 ≤ i < N') });
    expect(cli('explore', 'flagship', '--shard', '0/2', '--strategy', 'dfs', '--json')).toMatchObject({ code: 2, err: expect.stringContaining('dfs cannot be sharded') });
    expect(cli('explore', 'flagship', '--shard', '0/2')).toMatchObject({ code: 2, err: expect.stringContaining('--shard-out FILE, or --json') });
  });
});
