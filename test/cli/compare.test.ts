/**
 * `vpmu-lab compare` end to end (the built CLI, real workers): the same seeds under each
 * design, one column per design with medians, spreads and ratios; an oracle failure under a
 * design fails the comparison with the command that reruns it; bad input is exit 2 with
 * the valid names; `--html` and `run --html` write the page.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Comparison } from '../../src/report/comparison.js';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const cli = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 120_000 });

describe('vpmu-lab compare', () => {
  it('mutex vs rcu on pmu-list-race: the same seeds, a column each, grace periods only under RCU, ratios to the first', () => {
    const out = mkdtempSync(join(tmpdir(), 'compare-'));
    const html = join(out, 'report.html');
    const r = cli('compare', 'pmu-list-race', '--designs', 'mutex,rcu', '--repeat', '2', '--warmup', '200', '--duration', '300', '--json', '--quiet', '--html', html);
    expect(r.stderr).toBe(`wrote the HTML report to ${html}\n`);
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout) as Comparison;
    expect(c.designs.map((d) => d.design)).toEqual(['mutex', 'rcu']);
    expect(c.seeds).toEqual([1, 2]);
    expect([c.warmupMs, c.durationMs]).toEqual([200, 500]); // each run: the warm-up, then the duration
    const [mutex, rcu] = c.designs;
    for (const d of c.designs) {
      expect(d.loadsPerSec.median).toBeGreaterThan(0);
      expect(d.loadsPerSec.min).toBeLessThanOrEqual(d.loadsPerSec.median);
      expect(d.loadsPerSec.max).toBeGreaterThanOrEqual(d.loadsPerSec.median);
      expect(d.failedRepetitions).toBe(0);
      expect(d.series.loadsPerSec.length).toBeGreaterThan(0);
    }
    expect(mutex!.loadsPerSec.ratio).toBeUndefined();
    expect(rcu!.loadsPerSec.ratio).toBeCloseTo(rcu!.loadsPerSec.median / mutex!.loadsPerSec.median, 6);
    // The writer republishes arm_pmus: under RCU it waits for grace periods, under the mutex never.
    expect(rcu!.gracePeriodsPerSec.median).toBeGreaterThan(0);
    expect(mutex!.gracePeriodsPerSec.median).toBe(0);
    expect(mutex!.lockStat.some((x) => x.class === 'arm_pmus_lock' && x.acquisitions.median > 0)).toBe(true);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('pmu-list-race');
  });

  it('a design that fails an oracle fails the comparison, and the table says which seed and how to rerun it', () => {
    const r = cli('compare', 'fixed-pingpong', '--designs', 'check-cycle-only,check-none', '--repeat', '1', '--warmup', '0', '--duration', '300', '--quiet');
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines.find((l) => l.startsWith('figure'))).toMatch(/^figure\s+check-cycle-only\s+check-none$/);
    expect(lines.find((l) => l.startsWith('oracle failures'))).toMatch(/0\/1\s+1\/1$/);
    expect(r.stdout).toMatch(/check-none, seed 1: FAILURE cycle-counter-on-current-pmu/);
    expect(r.stdout).toMatch(/run it again: vpmu-lab run fixed-pingpong --design check-none --seed 1 --duration 300/);
    // …and that command does fail the same way.
    const again = cli('run', 'fixed-pingpong', '--design', 'check-none', '--seed', '1', '--duration', '300', '--quiet');
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/FAILURE: cycle-counter-on-current-pmu/);
  });

  it('bad input is exit 2 with a clear line: unknown design (valid ones listed), a design that does not apply, no --designs', () => {
    const unknown = cli('compare', 'hammer', '--designs', 'mutex,nope');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown design "nope"; valid designs: mutex, rcu, rcu-memb, check-probe/);
    const twice = cli('compare', 'hammer', '--designs', 'mutex,mutex');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/design mutex is named twice/);
    const mixed = cli('compare', 'fixed-pingpong', '--designs', 'mutex,check-cycle-only');
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/designs of one axis at a time: mutex is arm_pmus, check-cycle-only is per-load check/);
    const html = cli('compare', 'hammer', '--designs', 'mutex,rcu', '--html', '/nonexistent-dir/r.html');
    expect(html.status).toBe(2);
    expect(html.stderr).toMatch(/--html \/nonexistent-dir\/r.html: cannot write there/);
    const wrong = cli('compare', 'hammer', '--designs', 'check-probe,check-cycle-only');
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/design check-probe \(per-load check\) does not apply to scenario hammer: it needs a profile whose attribute 5 is fixed-counters-only/);
    const run = cli('run', 'hammer', '--design', 'check-none');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/design check-none \(per-load check\) does not apply to scenario hammer/);
    const one = cli('compare', 'hammer', '--designs', 'mutex');
    expect(one.status).toBe(2);
    expect(one.stderr).toMatch(/compare needs at least two designs \(got mutex\); to measure one, run it: vpmu-lab run SCENARIO --design NAME --html FILE/);
    const dir = cli('compare', 'hammer', '--designs', 'mutex,rcu', '--html', tmpdir());
    expect(dir.status).toBe(2);
    expect(dir.stderr).toMatch(/cannot write there \(EISDIR\)/);
    const none = cli('compare', 'hammer');
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/--designs A,B\[,…\] is required/);
  });

  it('SIGINT stops the running repetition through its handle: exit 130, no table, and it says how far it got', async () => {
    const child = spawn(process.execPath, [main, 'compare', 'hammer', '--designs', 'mutex,rcu', '--repeat', '2', '--duration', '30000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.stdout.on('data', (d) => (stdout += String(d)));
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = Date.now();
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(130);
    expect(Date.now() - t0).toBeLessThan(10_000); // the 30 s run was stopped, not waited for
    expect(stderr).toMatch(/interrupted after 0 of 4 runs/);
    expect(stdout).toBe('');
  });

  it('vpmu-lab designs lists every design with its axis and switches', () => {
    const r = cli('designs', '--json');
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; axis: string; switches: object }[];
    expect(list.map((d) => d.name)).toEqual(expect.arrayContaining(['mutex', 'rcu', 'rcu-memb', 'check-cycle-only', 'swap-eager', 'config-spinlock']));
    expect(list.find((d) => d.name === 'rcu-memb')).toMatchObject({ axis: 'arm_pmus', switches: { pmuListDesign: 'rcu-memb' } });
  });

  it('run --html writes the same page for one run, named by its --design', () => {
    const html = join(mkdtempSync(join(tmpdir(), 'run-html-')), 'run.html');
    const r = cli('run', 'fixed-pingpong', '--design', 'check-cycle-only', '--duration', '300', '--quiet', '--html', html);
    expect(r.status).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('vpmu-lab run: fixed-pingpong (check-cycle-only)'); // the design given, not the list design
    expect(r.stdout).toMatch(/^design check-cycle-only \(per-load check: loadCheck=cycle-only\)\n/);
    expect(page).toMatch(/<canvas/);
  });
});
