/**
 * The bug catalog (src/check/bugs.ts): its listing, and for every planted bug the promise of
 * its entry — `explore` finds it in the named built-in scenario, with the named oracle, and
 * the same scenario without the bug passes the same search.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bugCatalog, bugNames, plantedBugs } from '../../src/check/bugs.js';
import { ORACLES } from '../../src/check/verdict.js';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { runExecution } from '../../src/explore/execution.js';
import { PctStrategy } from '../../src/explore/strategies/pct.js';

const main = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** Executions of one PCT campaign (seed 1, depth 3) until the first failure, at most `runs`. */
function search(scenarioName: string, bugs: string[], runs: number) {
  const s = resolveScenario({ ...builtinScenarios[scenarioName]!, bugs }, `scenario ${scenarioName}`);
  const strategy = new PctStrategy(1, 3);
  for (let i = 0; i < runs; i++) {
    const e = runExecution(s, strategy, { maxSteps: 20_000, stopOnFailure: true })!;
    if (e.verdict.verdict === 'FAILURE') return { runs: i + 1, oracle: e.verdict.oracle, reason: e.verdict.reason };
  }
  return undefined;
}

describe('the catalog', () => {
  it('lists at least 15 bugs, each with a unique name, a source, a summary, a built-in scenario and a known oracle', () => {
    expect(bugCatalog.length).toBeGreaterThanOrEqual(15);
    expect(new Set(bugNames).size).toBe(bugNames.length);
    for (const b of bugCatalog) {
      expect(b.source.length, b.name).toBeGreaterThan(10);
      expect(b.summary.length, b.name).toBeGreaterThan(10);
      expect(Object.keys(builtinScenarios), b.name).toContain(b.scenario);
      expect(Object.keys(ORACLES), b.name).toContain(b.oracle);
    }
  });

  it('covers spec §8 items 3, 4, 5, 8, 9, 10, 11, 12, 13, 17, 18, 20, 24, 25 and 26, and the five design bugs', () => {
    const items = new Set(bugCatalog.map((b) => b.item));
    for (const i of [3, 4, 5, 8, 9, 10, 11, 12, 13, 17, 18, 20, 24, 25, 26]) expect(items, `item ${i}`).toContain(i);
    const names = new Set(bugNames as readonly string[]);
    for (const d of ['no-per-load-check', 'reader-outside-read-section', 'free-before-grace-period', 'config-lock-inversion', 'synchronize-under-reader-lock']) expect(names).toContain(d);
  });

  it('vpmu-lab bugs --json prints the API.md shape; an unknown --bug lists the valid names and exits 2', () => {
    const r = spawnSync(process.execPath, [main, 'bugs', '--json'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; item?: number; source: string; summary: string; scenario: string }[];
    expect(list.map((b) => b.name)).toEqual([...bugNames]);
    for (const b of list) expect(b).toMatchObject({ name: expect.any(String), source: expect.any(String), summary: expect.any(String), scenario: expect.any(String) });
    const bad = spawnSync(process.execPath, [main, 'explore', 'attr-race', '--bug', 'no-such-bug'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown bug "no-such-bug"');
    expect(bad.stderr).toContain(bugNames[0]);
  });

  it('bug names are validated where a scenario names them', () => {
    expect(() => plantedBugs(['lazy-default-pmu', 'nope'])).toThrow(/unknown bug "nope"; valid bugs/);
    expect(() => resolveScenario({ ...builtinScenarios['attr-race']!, bugs: [3] })).toThrow(/scenario\.bugs\[0\]: expected a bug name/);
  });
});

describe.each(bugCatalog.map((b) => [b.name, b] as const))('planted bug %s', (_name, bug) => {
  it(`explore ${bug.scenario} --bug ${bug.name} fails with ${bug.oracle}; without the bug the same search passes`, () => {
    const found = search(bug.scenario, [bug.name], 200);
    expect(found, `not found in 200 PCT executions of ${bug.scenario}`).toBeDefined();
    expect(found!.oracle, found!.reason).toBe(bug.oracle);
    expect(search(bug.scenario, [], Math.max(40, found!.runs * 3))).toBeUndefined();
  });
});
