/**
 * `vpmu-lab explore` and `vpmu-lab replay` through the built CLI: the JSON shapes of API.md
 * ("Exploration"), exit codes, bad input, and SIGINT during a search.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe('vpmu-lab explore', () => {
  it('--json: the API.md shape; a failure names its oracle, seed, trace hash, replay file and minimal schedule; exit 1', () => {
    const out = mkdtempSync(join(tmpdir(), 'vpmu-explore-'));
    const r = cli('explore', 'nr-counters-race', '--json', '--out', out, '--seed', '4');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ verdict: 'FAILURE', strategy: 'pct', runs: expect.any(Number), steps: expect.any(Number), stepsPerSecond: expect.any(Number) });
    expect(j.runs).toBeGreaterThan(0);
    const f = j.failures[0];
    expect(f).toMatchObject({ oracle: 'guest-undef', seed: expect.any(Number), traceHash: expect.stringMatching(/^[0-9a-f]{16}$/), replayFile: expect.stringContaining(out) });
    expect(f.minimal).toMatchObject({ preemptions: expect.any(Number) });
    // replay --json: the same trace hash, twice.
    const a = JSON.parse(cli('replay', f.replayFile, '--json').out);
    const b = JSON.parse(cli('replay', f.replayFile, '--json').out);
    expect(a).toMatchObject({ verdict: 'FAILURE', oracle: f.oracle, traceHash: f.traceHash });
    expect(b.traceHash).toBe(a.traceHash);
  });

  it('text: the strategy summary, the failure with its replay command, the minimal schedule, and the verdict line last', () => {
    const out = mkdtempSync(join(tmpdir(), 'vpmu-explore-'));
    const r = cli('explore', 'pmu-list-race', '--design', 'rcu-no-grace-period', '--out', out, '--quiet');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^explore pmu-list-race — strategy pct, build \d+\.\d+\.\d+\+[0-9a-f]{12}/);
    expect(r.out).toMatch(/PCT depth 3: n = 10 threads, k = \d+ steps → bound 1\/\(n·k\^\(d−1\)\) = /);
    expect(r.out).toMatch(/failure 1: rcu-reclaimed-read — pcpu\d failed at step \d+: RcuViolation/);
    expect(r.out).toMatch(/replay: vpmu-lab replay \S+pmu-list-race-pct-\d+\.json/);
    expect(r.out).toMatch(/minimal: \d+ preemptions, \d+ injected migrations \(\d+ scheduling choices/);
    expect(r.out.trimEnd().split('\n').at(-1)).toMatch(/^FAILURE: rcu-reclaimed-read — /);
    const replay = cli('replay', r.out.match(/vpmu-lab replay (\S+\.min\.json)/)![1]!, '--last', '10');
    expect(replay.code).toBe(1);
    expect(replay.out).toMatch(/step {2}0123456789 {2}thread/);
    expect(replay.out).toMatch(/identical to the recording\nFAILURE: rcu-reclaimed-read/);
  });

  it('the clean design: SUCCESS, exit 0; DFS says whether it is complete', () => {
    const r = cli('explore', 'pmu-list-race', '--design', 'rcu', '--runs', '300', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('SUCCESS');
    const dfs = cli('explore', 'nr-counters-race', '--profile', 'fixed-counters-only', '--strategy', 'dfs', '--max-preemptions', '1', '--runs', '50', '--quiet');
    expect(dfs.code).toBe(0);
    expect(dfs.out).toMatch(/DFS with at most 1 preemptions: (complete — all \d+ schedules explored|incomplete after 50 executions; at least \d+ more remain)/);
  });

  it('bad input: an unknown strategy or scenario, a bad schedule file: one line, exit 2', () => {
    expect(cli('explore', 'pmu-list-race', '--strategy', 'bfs')).toMatchObject({ code: 2, err: 'vpmu-lab explore: --strategy: unknown strategy "bfs"; valid strategies: random, pct, dfs\n' });
    expect(cli('explore', 'nosuch')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown scenario "nosuch"; valid scenarios: .*pmu-list-race/) });
    expect(cli('replay', join(tmpdir(), 'no-such-schedule.json'))).toMatchObject({ code: 2, err: expect.stringMatching(/cannot read the schedule file \(ENOENT\)/) });
  });

  it('SIGINT during a long search prints the partial report and exits 130', async () => {
    const child = spawn(process.execPath, [main, 'explore', 'pmu-list-race', '--design', 'rcu', '--budget', '60000']);
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no progress line within 20 s; stderr: ${err}`)), 20_000);
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (/executions, \d+ steps/.test(err)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(out).toMatch(/explore pmu-list-race — strategy pct, build \S+ — INTERRUPTED/);
    expect(out).toMatch(/[1-9]\d* executions/);
  });
});
