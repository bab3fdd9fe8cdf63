/**
 * Injected preempt-and-migrate (sim driver): at a guest trap the vCPU thread is preempted,
 * put, and loaded on another CPU before it re-enters (spec §5.5, §8 items 4 and 26). The
 * vCPU is pinned to CPU 0 by its placement policy, so only an injected migration can take a
 * KVM_RUN to the A76 cluster (CPUs 4-7) of the RK3588.
 */
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import type { ScenarioSpec } from '../../src/engine/scenario.js';
import { resolveScenario } from '../../src/engine/scenario.js';
import { runExecution, type Execution } from '../../src/explore/execution.js';
import { ReplayStrategy } from '../../src/explore/strategies/replay.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';
import { exploreScenario } from '../../src/testing.js';
import type { Strategy } from '../../src/explore/strategy.js';
import type { World } from '../../src/engine/world.js';
import { VCPU_FLAG } from '../../src/kvm/vcpu-state.js';

const pinnedDivider = (config: string, profile = 'mainline', policy = 'pinned'): ScenarioSpec => ({
  name: `${policy}-${config}`,
  host: 'rk3588',
  profile,
  scheduler: { policy: policy as never },
  quanta: 6,
  vms: [{ config: config as never, ...(config === 'set-pmu' ? { pmu: 'armv8_cortex_a55' } : {}), vcpus: [{ workload: 'cycle-divider', cycles: 10_000, start: 0 }] }],
});

/** Executions with a migration injected at every preemptible point a free CPU allows (or none). */
function executions(spec: ScenarioSpec, n: number, migrateOneIn = 1): Execution[] {
  const s = resolveScenario(spec);
  const strategy = new RandomStrategy(11, migrateOneIn);
  return Array.from({ length: n }, () => runExecution(s, strategy, { maxSteps: 5000, stopOnFailure: true })!);
}

describe('injected migrations', () => {
  it('default PMU: a KVM_RUN moved to the other cluster mid-quantum sees its cycle counter stop; the guest dies there', () => {
    // Without injected migrations the pinned guest never leaves CPU 0 and never dies.
    for (const e of executions(pinnedDivider('default-pmu'), 10, 0)) expect(e.verdict.verdict).toBe('SUCCESS');
    const runs = executions(pinnedDivider('default-pmu'), 10);
    expect(runs.every((e) => e.migrations.steps.length > 0)).toBe(true);
    const died = runs.filter((e) => e.verdict.oracle === 'guest-crash');
    expect(died.length).toBeGreaterThan(0);
    for (const e of died) {
      const c = e.report.vcpus[0]!.crashRecord!;
      // Pinned to CPU 0, whose PMU counts: only a migration to an A76 CPU stops the counter.
      expect(e.migrations.cpus.some((cpu) => cpu >= 4)).toBe(true);
      expect(c).toMatchObject({ register: 'PMCCNTR_EL0', sourcePmu: 'armv8_cortex_a55' });
      expect(c.message).toMatch(/division by zero: PMCCNTR_EL0 did not advance/);
      // The schedule (switches and migrations) replays exactly.
      const again = runExecution(resolveScenario(pinnedDivider('default-pmu')), new ReplayStrategy(e.seed, e.switches, true, e.migrations), { maxSteps: 5000, stopOnFailure: true })!;
      expect(again.traceHash).toBe(e.traceHash);
    }
  });

  it('SET_PMU(A55): a KVM_RUN migrated to an A76 CPU is refused at its next entry (FAIL_ENTRY), never entered there', () => {
    const runs = executions(pinnedDivider('set-pmu'), 10);
    const refused = runs.reduce((n, e) => n + e.report.totals.failEntries, 0);
    expect(refused).toBeGreaterThan(0);
    for (const e of runs) {
      expect(e.report.invariants.item4GuestEntryOutsideSupportedCpus).toBe(0);
      expect(e.verdict.verdict).toBe('SUCCESS');
    }
  });

  it('FIXED_COUNTERS_ONLY: every cycle is counted across injected migrations, also inside event creation (§8 item 26)', () => {
    const at = new Set<string>();
    // Ping-pong: every load changes cluster, so every KVM_RUN services RELOAD before entry.
    for (const e of executions(pinnedDivider('fixed-counters-only', 'fixed-counters-only', 'ping-pong'), 10)) {
      expect(e.migrations.steps.length).toBeGreaterThan(0);
      for (const m of e.migratedAt) at.add(m.at);
      expect(e.verdict.verdict).toBe('SUCCESS');
      const g = e.report.vcpus[0]!.guest;
      expect(g.counted).toBe(g.executed);
    }
    // Migrated between a trapped access and the next, and between READ_ONCE(vcpu->cpu) and
    // binding the cycle counter's event while RELOAD is serviced: the creation loop retries.
    expect([...at].sort()).toEqual(['create_perf_event: after READ_ONCE(vcpu->cpu)', 'guest: PMU access trap']);
  });

  it('every execution replays exactly, also when a migration must first wait for a lock (mutex design: the per-load check takes arm_pmus_lock)', () => {
    const s = resolveScenario({ ...builtinScenarios['pmu-list-race']!, design: 'mutex' });
    const strategy = new RandomStrategy(7, 3);
    let migrations = 0;
    for (let i = 0; i < 150; i++) {
      const e = runExecution(s, strategy, { maxSteps: 20_000, stopOnFailure: true })!;
      migrations += e.migrations.steps.length;
      const replay = new ReplayStrategy(e.seed, e.switches, true, e.migrations);
      const again = runExecution(s, replay, { maxSteps: 20_000, stopOnFailure: true })!;
      expect(replay.divergedAt).toBeUndefined();
      expect(again.traceHash).toBe(e.traceHash);
    }
    expect(migrations).toBeGreaterThan(500);
  });

  it('a CPU runs one vCPU: a thread is never migrated onto a CPU whose pCPU has claimed or loaded another', () => {
    for (const name of ['config-race', 'bring-up-race', 'perf-stat-pingpong']) {
      const s = resolveScenario(builtinScenarios[name]!);
      let world: World | undefined;
      const random = new RandomStrategy(5, 3);
      // The strategy, asked before every step, checks the world as it stands.
      const checking: Strategy = {
        name: 'checking',
        start: () => random.start(),
        pick: (r, n) => {
          const cpus = world!.vcpus.filter((v) => v.hasFlag(VCPU_FLAG.LOADED)).map((v) => v.cpu);
          expect(new Set(cpus).size).toBe(cpus.length);
          return random.pick(r, n);
        },
        inject: (t, d, cpus) => random.inject(t, d, cpus),
        end: () => {},
        summary: () => [],
      };
      for (let i = 0; i < 30; i++) runExecution(s, checking, { maxSteps: 3000, stopOnFailure: false, onStart: (_sim, w) => (world = w) });
    }
  });

  it('no vCPU is left waiting: a run that ends because everyone idles has run every vCPU to its end', () => {
    const s = resolveScenario(builtinScenarios['nr-counters-race']!);
    const strategy = new RandomStrategy(9, 2);
    for (let i = 0; i < 60; i++) {
      const e = runExecution(s, strategy, { maxSteps: 50_000, stopOnFailure: false })!;
      expect(e.steps).toBeLessThan(50_000);
      for (const v of e.report.vcpus) expect(['done', 'crashed']).toContain(v.state);
    }
  });

  it('shrinking keeps the migration the failure needs and drops the rest', async () => {
    const r = await exploreScenario(pinnedDivider('default-pmu'), { strategy: 'random', seed: 3, runs: 200 });
    const f = r.failures[0]!;
    expect(f.oracle).toBe('guest-crash');
    expect(f.minimal!.migrations).toBeGreaterThanOrEqual(1);
    expect(f.minimal!.migrations).toBeLessThanOrEqual(f.migrations);
    expect(f.minimal!.locallyMinimal).toBe(true);
  });
});
