/**
 * Lockdep for the emulator (check/lockdep.ts): the class graph each run produces, kept
 * across runs — an inversion whose two orders come from two different runs is a cycle of
 * the merged graph, reported with both seeds — its JSON round trip and shard-order-free
 * merge, and the lock_stat figures every run report carries.
 */
import { describe, expect, it } from 'vitest';
import { formatCycle, formatLockdep, LockdepGraph } from '../../src/check/lockdep.js';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { runScenario } from '../../src/engine/coordinator.js';
import { formatReport } from '../../src/engine/report-format.js';
import { resolveScenario, type ScenarioSpec } from '../../src/engine/scenario.js';
import { runExecution } from '../../src/explore/execution.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';

const base = builtinScenarios['set-pmu-vs-hotplug']!;
/** Only the SET_PMU thread: config_lock → arm_pmus_lock. */
const setPmuOnly: ScenarioSpec = { ...base, vmm: base.vmm!.filter((t) => t.name === 'set-pmu') };
/** Only the hotplug writer, with the inversion planted: arm_pmus_lock → config_lock. */
const invertedOnly: ScenarioSpec = { ...base, bugs: ['config-lock-inversion'], vmm: base.vmm!.filter((t) => t.name === 'hotplug') };

function execute(spec: ScenarioSpec, seed: number) {
  return runExecution(resolveScenario(spec, spec.name), new RandomStrategy(seed), { maxSteps: 20_000, stopOnFailure: true })!;
}

const A = 2; // config_lock
const B = 3; // arm_pmus_lock

describe('lockdep across runs', () => {
  it('an inversion planted across two runs is one cycle of the merged graph, with both seeds and both chains', () => {
    const first = execute(setPmuOnly, 11);
    const second = execute(invertedOnly, 12);
    expect(first.verdict.verdict).toBe('SUCCESS'); // one order alone is no cycle
    expect(first.lockdep.cycles()).toEqual([]);
    expect(first.lockdep.has(A, B)).toBe(true);
    // The inverted run fails at once against spec §5.1's declared order, and keeps its edge.
    expect(second.verdict.oracle).toBe('lock-order');
    expect(second.lockdep.has(B, A)).toBe(true);
    expect(second.lockdep.cycles()).toEqual([]);

    const campaign = new LockdepGraph().merge(first.lockdep, 0).merge(second.lockdep, 1);
    const cycles = campaign.cycles();
    expect(cycles).toHaveLength(1);
    const c = cycles[0]!;
    expect(c.classes).toEqual(['config_lock', 'arm_pmus_lock']);
    expect(c.acrossRuns).toBe(true);
    expect(c.rcu).toBe(false);
    expect(c.edges.map((e) => e.origin.seed)).toEqual([first.seed, second.seed]);
    const text = formatCycle(c).join('\n');
    expect(text).toMatch(/possible circular locking dependency: config_lock → arm_pmus_lock → config_lock \(the orders come from different runs\)/);
    expect(text).toContain(`config_lock → arm_pmus_lock: seed ${first.seed}, run 0, step`);
    expect(text).toMatch(/vmm:set-pmu held \[vm0 vcpu1->mutex, vm0 config_lock\] and took arm_pmus_lock/);
    expect(text).toContain(`arm_pmus_lock → config_lock: seed ${second.seed}, run 1, step`);
    expect(text).toMatch(/vmm:hotplug held \[arm_pmus_lock\] and took vm0 config_lock/);
    expect(formatLockdep(campaign).join('\n')).toMatch(/arm_pmus_lock → config_lock \(against spec §5\.1\)/);
  });

  it('JSON round trip, and merging shards in any order keeps the earliest origin of each edge', () => {
    const g = (run: number, seed: number, step: number) =>
      new LockdepGraph().merge(LockdepGraph.fromJSON({ format: 'vpmu-lockdep/1', edges: [{ from: 'config_lock', to: 'arm_pmus_lock', origin: { seed, step, thread: 't', held: ['c'], took: 'a' } }] }), run);
    const shards = [g(2, 5, 1), g(0, 9, 40), g(1, 3, 2)];
    const forward = shards.reduce((m, s) => m.merge(s), new LockdepGraph());
    const backward = [...shards].reverse().reduce((m, s) => m.merge(s), new LockdepGraph());
    expect(forward.toJSON()).toEqual(backward.toJSON());
    expect(forward.origin(A, B)).toMatchObject({ run: 0, seed: 9, step: 40 });
    expect(LockdepGraph.fromJSON(JSON.parse(JSON.stringify(forward))).toJSON()).toEqual(forward.toJSON());
    expect(() => LockdepGraph.fromJSON({ format: 'other', edges: [] })).toThrow(/not a lockdep graph/);
    expect(() => LockdepGraph.fromJSON({ format: 'vpmu-lockdep/1', edges: [{ from: 'spinlock', to: 'rcu', origin: {} }] })).toThrow(/bad edge/);
  });

  it('a cycle through the RCU class is the synchronize-under-reader-lock rule', () => {
    const g = new LockdepGraph();
    g.add(3, 4, { seed: 1, step: 9, thread: 'writer', held: ['arm_pmus_lock'], took: 'synchronize_rcu' });
    g.add(4, 3, { seed: 2, step: 4, thread: 'reader', held: ['rcu_read_lock'], took: 'arm_pmus_lock' });
    const [c] = g.cycles();
    expect(c).toMatchObject({ classes: ['arm_pmus_lock', 'rcu'], rcu: true, acrossRuns: true });
    expect(formatCycle(c!)[0]).toMatch(/^synchronize_rcu under a lock a reader takes: arm_pmus_lock → rcu → arm_pmus_lock/);
  });
});

describe('lock_stat and lockdep in every run report', () => {
  it('sim: virtual-time figures per class, and the execution graph', () => {
    const e = execute(builtinScenarios['config-race']!, 3);
    expect(e.report.lockStatUnit).toBe('virtual ns');
    const byClass = Object.fromEntries(e.report.lockStat.map((r) => [r.class, r]));
    expect(byClass['vcpu->mutex']!.acquisitions).toBeGreaterThan(0);
    expect(byClass['config_lock']!.acquisitions).toBeGreaterThan(0);
    expect(byClass['vcpu->mutex']!.holdSamples).toBe(byClass['vcpu->mutex']!.acquisitions); // every hold timed in the sim
    expect(byClass['vcpu->mutex']!.holdTotal).toBeGreaterThan(0);
    expect(LockdepGraph.fromJSON(e.report.lockdep).toJSON()).toEqual(e.lockdep.toJSON());
    expect(e.lockdep.has(1, 2)).toBe(true); // vcpu->mutex → config_lock (SET_DEVICE_ATTR)
    expect(formatReport(e.report)).toMatch(/lock_stat \(virtual time; .*\):\n.*class +acquisitions +contentions/);
  });

  it('hw: real-time figures summed over the threads, and the run graph with the seed', async () => {
    const r = await runScenario(resolveScenario({ ...builtinScenarios['config-race']!, durationMs: 300 }, 'config-race'));
    expect(r.lockStatUnit).toBe('ns');
    const mutex = r.lockStat.find((x) => x.class === 'vcpu->mutex')!;
    expect(mutex.acquisitions).toBeGreaterThan(100);
    expect(mutex.holdSamples).toBeGreaterThan(0);
    expect(mutex.holdSamples).toBeLessThan(mutex.acquisitions); // one hold in eight is timed on workers
    expect(mutex.contentions).toBeLessThanOrEqual(mutex.acquisitions);
    const g = LockdepGraph.fromJSON(r.lockdep);
    expect(g.origin(1, 2)).toMatchObject({ seed: r.seed });
    expect(g.cycles()).toEqual([]);
    expect(formatReport(r)).toMatch(/lockdep: .*vcpu->mutex → config_lock/);
  });
});
