/**
 * `node dist/bench/main.js --quick --json` prints exactly one line, the JSON of API.md
 * "Benchmark JSON (keep exactly)": its shape and names, not its timings.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { benchJsonProblems, buildBenchJson, REQUIRED_FIGURES } from '../bench/figures.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('benchmark JSON', () => {
  it('the built benchmark prints one line: { floor, figures } with every required name', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['dist/bench/main.js', '--quick', '--json'], { cwd: root, timeout: 150_000, maxBuffer: 1 << 20 });
    const lines = stdout.split('\n').filter((l) => l.length > 0);
    expect(lines).toHaveLength(1);
    const json = JSON.parse(lines[0]!) as { floor: Record<string, number>; figures: { name: string; baseline: string; ratio: number; median: number }[] };
    expect(benchJsonProblems(json)).toEqual([]);
    expect(Object.keys(json).sort()).toEqual(['figures', 'floor']);
    expect(Object.keys(json.floor).sort()).toEqual(['atomicsAddNs', 'casLockNs', 'oneWayWakeNs']);
    const names = json.figures.map((f) => f.name);
    for (const name of Object.keys(REQUIRED_FIGURES)) expect(names).toContain(name);
    for (const name of ['rcu-read-side-4', 'rcu-memb-read-side-4', 'mutex-lookup-4']) expect(json.figures.find((f) => f.name === name)!.baseline).toBe('bare-walk-4');
    expect(json.figures.find((f) => f.name === 'sim-step')!.baseline).toBe('bare-generator-step');
    expect(json.figures.find((f) => f.name === 'migration')!.baseline).toBe('oneWayWakeNs');
    // ratio = median / the baseline's median (or floor entry) of the same run
    for (const f of json.figures) {
      const base = json.floor[f.baseline] ?? json.figures.find((g) => g.name === f.baseline)!.median;
      expect(f.ratio).toBeCloseTo(f.median / base, 6);
    }
  }, 180_000);

  it('names a figure whose baseline is not in the run, and a missing required name', () => {
    const fig = { median: 2, min: 1, max: 3, samples: [1, 2, 3] };
    expect(() => buildBenchJson({ atomicsAddNs: 1, casLockNs: 1, oneWayWakeNs: 1 }, [{ name: 'x', figure: fig, baseline: 'nope', label: 'x' }])).toThrow(/nope/);
    const json = buildBenchJson({ atomicsAddNs: 1, casLockNs: 1, oneWayWakeNs: 1 }, [{ name: 'x', figure: fig, baseline: 'atomicsAddNs', label: 'x', target: { limit: 1, text: '≤ 1×' } }]);
    expect(json.figures[0]).toEqual({ name: 'x', median: 2, min: 1, max: 3, ratio: 2, baseline: 'atomicsAddNs', target: '≤ 1×', met: false });
    expect(benchJsonProblems(json)).toContain('figure sim-step missing');
  });
});
