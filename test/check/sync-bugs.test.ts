/**
 * The four planted locking-design bugs (check/bugs.ts, host/pmu-list.ts): `explore` of the
 * bug's scenario finds each with its synchronisation oracle, and the same scenario without
 * the bug passes the same search. Each search is short: the oracles see the rule broken at
 * the step it is broken, not only when an interleaving turns it into a crash.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { explore, exploreDefaults } from '../../src/explore/explore.js';

const out = mkdtempSync(join(tmpdir(), 'vpmu-sync-bugs-'));
const SAME_BUDGET = { ...exploreDefaults, runs: 40, budgetMs: 2000, shrinkMs: 0, outDir: out };

function exploreWith(scenario: string, bugs: string[]) {
  const spec = { ...builtinScenarios[scenario]!, bugs };
  return explore(spec, resolveScenario(spec, `scenario ${scenario}`), SAME_BUDGET);
}

describe('planted locking-design bugs', () => {
  it.each([
    ['reader-outside-read-section', 'pmu-probe-race', 'rcu-dereference-outside-reader', /vmm:init dereferences arm_pmus outside an RCU read-side section/],
    ['synchronize-under-reader-lock', 'pmu-probe-race', 'rcu-synchronize-under-reader-lock', /arm_pmus_lock → rcu closes a cycle with rcu → arm_pmus_lock|rcu → arm_pmus_lock closes a cycle with arm_pmus_lock → rcu/],
    ['config-lock-inversion', 'set-pmu-vs-hotplug', 'lock-order', /vmm:hotplug takes vm0 config_lock holding \[arm_pmus_lock\]/],
    ['free-before-grace-period', 'pmu-list-race', 'rcu-reclaimed-read', /RcuViolation: arm_pmus reader read a reclaimed snapshot/],
  ])('%s: explore %s finds it with %s; the clean scenario passes the same search', async (bug, scenario, oracle, reason) => {
    const bad = await exploreWith(scenario, [bug]);
    expect(bad.verdict).toBe('FAILURE');
    expect(bad.failures[0]!.oracle).toBe(oracle);
    expect(bad.failures[0]!.reason).toMatch(reason);
    const clean = await exploreWith(scenario, []);
    expect(clean.failures).toEqual([]);
    expect(clean.runs).toBeGreaterThan(0);
  });

  it("design 'rcu-no-grace-period' is free-before-grace-period under its older name", async () => {
    const spec = { ...builtinScenarios['pmu-list-race']!, design: 'rcu-no-grace-period' as const };
    const r = await explore(spec, resolveScenario(spec, 'scenario'), SAME_BUDGET);
    expect(r.failures[0]?.oracle).toBe('rcu-reclaimed-read');
  });
});
