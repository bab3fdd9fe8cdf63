/**
 * The engine on real worker threads (one per pCPU): the flagship demonstration, the
 * SET_PMU fail-entry rule per CPU, and the FIXED per-load reload check (spec §5.5).
 */
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { resolveScenario, type ScenarioSpec } from '../../src/engine/scenario.js';

const single = (over: Partial<ScenarioSpec> & Pick<ScenarioSpec, 'vms'>): ScenarioSpec => ({
  name: 'test',
  host: 'rk3588',
  durationMs: 20_000,
  ...over,
});

describe('the flagship scenario on workers (rk3588, ping-pong)', () => {
  it('default PMU crashes on the first big-cluster quantum; SET_PMU fails entry there; FIXED never crashes', async () => {
    const r = await runScenario(resolveScenario(builtinScenarios.flagship!));
    expect(r.failure).toBeUndefined();
    const [dflt, setPmu, fixed] = r.vcpus;
    expect(dflt).toMatchObject({ state: 'crashed', quanta: 2, lastCpu: 4 });
    expect(setPmu).toMatchObject({ state: 'done', quanta: 16, guest: { quanta: 8, monotonic: true } });
    expect(fixed).toMatchObject({ state: 'done', quanta: 16, guest: { quanta: 16, monotonic: true } });
    expect(fixed!.guest.counted).toBe(fixed!.guest.executed);
    expect(r.totals.failEntries).toBe(8);
    expect(r.invariants.item4GuestEntryOutsideSupportedCpus).toBe(0);
  });
});

describe('SET_PMU on workers (spec §5.5, §8 item 4)', () => {
  it('KVM_RUN fails entry on exactly the CPUs the chosen PMU does not cover', async () => {
    const r = await runScenario(
      resolveScenario(
        single({
          scheduler: { policy: 'random', seed: 7 },
          quanta: 300,
          vms: [{ config: 'set-pmu', pmu: 'armv8_cortex_a76', vcpus: [{ workload: 'perf-stat', cycles: 1000 }, { workload: 'idle', cycles: 1000 }] }],
        }),
      ),
    );
    expect(r.failure).toBeUndefined();
    for (const c of r.cpus) {
      if (c.cpu >= 4) expect(c.failEntries).toBe(0);
      else expect(c.entries).toBe(0);
      expect(c.entries + c.failEntries).toBe(c.loads);
    }
    expect(r.cpus.slice(0, 4).reduce((n, c) => n + c.failEntries, 0)).toBeGreaterThan(0);
    expect(r.vms[0]!.supportedCpus).toBe('4-7');
  });
});

describe('FIXED_COUNTERS_ONLY per-load check on workers (spec §5.5)', () => {
  it('raises a reload exactly on each migration to another PMU, and the guest never crashes', async () => {
    const r = await runScenario(
      resolveScenario(
        single({
          profile: 'fixed-counters-only',
          scheduler: { policy: 'random', seed: 3 },
          quanta: 400,
          vms: [{ config: 'fixed-counters-only', vcpus: [0, 1, 2].map(() => ({ workload: 'cycle-divider', cycles: 5000 })) }],
        }),
      ),
    );
    expect(r.failure).toBeUndefined();
    expect(r.totals.guestCrashes).toBe(0);
    expect(r.totals.clusterMigrations).toBeGreaterThan(100);
    expect(r.totals.loadReloads).toBe(r.totals.clusterMigrations);
    for (const v of r.vcpus) expect(v.guest).toMatchObject({ quanta: 400, monotonic: true, executed: String(400 * 5000), counted: String(400 * 5000) });
  });

  it('under the default PMU the same schedule crashes the Windows-like guest', async () => {
    const r = await runScenario(
      resolveScenario(
        single({
          scheduler: { policy: 'ping-pong' },
          quanta: 50,
          vms: [{ vcpus: [{ workload: 'cycle-divider', cycles: 5000, start: 0 }] }],
        }),
      ),
    );
    expect(r.vcpus[0]).toMatchObject({ state: 'crashed', quanta: 2 });
    expect(r.totals.loadReloads).toBe(0);
  });
});

describe('bring-up race on workers (vCPUs created, initialised and run while VMM threads configure)', () => {
  it('whatever the interleaving, the run keeps §8 item 4, the bring-up thread issues all 14 ioctls, and created vCPUs run', async () => {
    const r = await runScenario(resolveScenario(builtinScenarios['bring-up-race']!));
    expect(r.failure).toBeUndefined();
    expect(r.invariants.item4GuestEntryOutsideSupportedCpus).toBe(0);
    const bringUp = r.vmm.find((t) => t.name === 'vmm:bring-up')!;
    expect(bringUp.ioctls).toBe(14);
    expect(Object.values(bringUp.results).reduce((a, b) => a + b, 0)).toBe(14);
    for (const v of r.vcpus) {
      if (v.state === 'never created') expect(v.quanta).toBe(0);
      else expect(v.quanta).toBeGreaterThan(0);
    }
    expect(r.vcpus.slice(0, 2).every((v) => v.state !== 'never created')).toBe(true);
  });
});
