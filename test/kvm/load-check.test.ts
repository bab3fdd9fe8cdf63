/**
 * The per-load check designs of FIXED_COUNTERS_ONLY (spec §5.5, kvm/load-check.ts; profile
 * switch loadCheck): the ones that check fire on every move to the other cluster and keep
 * the cycle counter on the current CPU's PMU; `none` lets the guest enter with its cycle
 * counter on the cluster it left, which the oracle catches.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { runExecution } from '../../src/explore/execution.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';
import { resolveProfile, type LoadCheck } from '../../src/kvm/profile.js';

function pingpong(loadCheck: LoadCheck, seed = 1) {
  const spec = { ...builtinScenarios['fixed-pingpong']!, switches: { loadCheck } };
  return runExecution(resolveScenario(spec), new RandomStrategy(seed, 0), { maxSteps: 20_000, stopOnFailure: true })!;
}

describe('per-load check designs (loadCheck)', () => {
  it.each(['probe', 'every-counter', 'cycle-only'] as const)('%s: every cross-cluster move raises a reload; the guest never enters on a foreign PMU', (check) => {
    for (let seed = 1; seed <= 3; seed++) {
      const e = pingpong(check, seed);
      expect(e.verdict.verdict).toBe('SUCCESS');
      expect(e.report.totals.clusterMigrations).toBeGreaterThan(0);
      expect(e.report.totals.loadReloads).toBeGreaterThanOrEqual(e.report.totals.clusterMigrations);
    }
  });

  it('none: no reload is raised, and the guest enters with its cycle counter on the cluster it left', () => {
    const e = pingpong('none');
    expect(e.report.totals.loadReloads).toBe(0);
    expect(e.verdict.oracle).toBe('cycle-counter-on-current-pmu');
  });

  it('every-counter and cycle-only take no arm_pmus read side at load; probe does (two walks)', () => {
    const sections = (check: LoadCheck) => pingpong(check).report.lockStat.find((r) => r.class === 'rcu')?.acquisitions ?? 0;
    const probe = sections('probe');
    expect(probe).toBeGreaterThan(sections('cycle-only'));
    expect(sections('every-counter')).toBe(sections('cycle-only'));
  });

  it('is a named switch with its values listed on a bad one', () => {
    expect(resolveProfile('fixed-counters-only').loadCheck).toBe('probe');
    expect(() => resolveProfile('fixed-counters-only', { loadCheck: 'sometimes' as LoadCheck })).toThrow(/unknown loadCheck "sometimes"; valid loadChecks: probe, every-counter, cycle-only, none/);
  });
});
