/**
 * The strategies over bare model operations (the testing export's exploreOps): SET_PMU(A76)
 * through vCPU1 against vCPU0's first KVM_RUN on an A55 CPU (spec §3.4, §5.5). Its two
 * outcomes — FAIL_ENTRY when SET_PMU wins, EBUSY when the run's first-run section wins —
 * depend only on the interleaving.
 */
import { describe, expect, it } from 'vitest';
import { uapi } from '../../src/arch/uapi.js';
import { vcpuRun, type RunResult } from '../../src/kvm/arm.js';
import { setDeviceAttr } from '../../src/kvm/vcpu-ioctl.js';
import { runOpsExecution, type OpsCase } from '../../src/explore/ops.js';
import { DfsStrategy } from '../../src/explore/strategies/dfs.js';
import { PctStrategy } from '../../src/explore/strategies/pct.js';
import { RandomStrategy } from '../../src/explore/strategies/random.js';
import type { Strategy } from '../../src/explore/strategy.js';
import { exploreOps, replayOps } from '../../src/testing.js';
import { setPmuVsFirstRun } from '../sync/set-pmu-vs-first-run.js';

const { KVM_ARM_VCPU_PMU_V3_CTRL: CTRL } = uapi;

const setPmuVsRun: OpsCase<ReturnType<typeof setup>> = {
  setup,
  threads: ({ v0, v1, a76 }) => ({
    vmm: setDeviceAttr(v1.model, CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, a76),
    vcpu0: vcpuRun(v0.model, 0, undefined),
  }),
};

function setup() {
  const { v0, v1, a76 } = setPmuVsFirstRun();
  return { v0, v1, a76: a76.type };
}

/** Every execution a strategy makes of `c` (at most `max`). */
function all<S>(c: OpsCase<S>, strategy: Strategy, max = 10_000) {
  const out = [];
  for (let e = runOpsExecution(c, strategy); e && out.length < max; e = runOpsExecution(c, strategy)) out.push(e);
  return out;
}

const outcome = (r: Readonly<Record<string, unknown>>) => {
  const run = r.vcpu0 as RunResult;
  return run.exitReason === uapi.KVM_EXIT_FAIL_ENTRY ? 'fail-entry' : r.vmm === -16 ? 'ebusy' : `other ${JSON.stringify(r)}`;
};

describe('bounded-preemption DFS', () => {
  it('explores every schedule within the bound once, and says when it is complete', () => {
    const counts = [0, 1, 2, 8].map((k) => {
      const dfs = new DfsStrategy(k, 1);
      const runs = all(setPmuVsRun, dfs);
      expect(dfs.summary(runs.length)[0]).toMatch(/complete — all \d+ schedules explored/);
      // Each execution is a different schedule, with no more preemptions than the bound.
      expect(new Set(runs.map((e) => e.traceHash)).size).toBe(runs.length);
      for (const e of runs) expect(e.preemptions).toBeLessThanOrEqual(k);
      // Both outcomes are reachable without preempting anyone: who starts first decides.
      expect(new Set(runs.map((e) => outcome(e.results)))).toEqual(new Set(['fail-entry', 'ebusy']));
      return runs.length;
    });
    expect(counts[0]).toBe(2);
    expect(counts[1]).toBeGreaterThan(counts[0]!);
    expect(counts[2]).toBeGreaterThanOrEqual(counts[1]!);
    expect(counts[3]).toBeGreaterThanOrEqual(counts[2]!);
  });

  it('an incomplete search says how many branches are still owed', () => {
    const dfs = new DfsStrategy(8, 1);
    const runs = all(setPmuVsRun, dfs, 1);
    expect(runs).toHaveLength(1);
    expect(dfs.summary(1)[0]).toMatch(/incomplete after 1 executions; at least [1-9]\d* more remain/);
  });
});

describe('random walk and PCT', () => {
  it('random: the same seed gives the same executions, another seed other ones', () => {
    const hashes = (seed: number) => all(setPmuVsRun, new RandomStrategy(seed), 20).map((e) => e.traceHash);
    expect(hashes(7)).toEqual(hashes(7));
    expect(hashes(7)).not.toEqual(hashes(8));
    expect(new Set(all(setPmuVsRun, new RandomStrategy(7), 50).map((e) => outcome(e.results)))).toEqual(new Set(['fail-entry', 'ebusy']));
  });

  it('PCT: reproducible per seed, and its bound is 1/(n·k^(d−1)) for the longest execution seen', () => {
    const pct = new PctStrategy(3, 3);
    const runs = all(setPmuVsRun, pct, 30);
    const k = Math.max(...runs.map((e) => e.steps));
    expect(pct.bound()).toBeCloseTo(1 / (2 * k ** 2), 12);
    expect(pct.summary(30)[0]).toContain(`n = 2 threads, k = ${k} steps`);
    expect(all(setPmuVsRun, new PctStrategy(3, 3), 30).map((e) => e.traceHash)).toEqual(runs.map((e) => e.traceHash));
  });

  it('PCT with depth 1 never changes priorities: every execution runs one thread to its end first', () => {
    for (const e of all(setPmuVsRun, new PctStrategy(5, 1), 20)) expect(e.preemptions).toBe(0);
  });
});

describe('exploreOps (vpmu-lab/testing)', () => {
  const noFailEntry: OpsCase<ReturnType<typeof setup>> = {
    ...setPmuVsRun,
    check: (_s, r) => (outcome(r) === 'fail-entry' ? 'KVM_RUN failed its entry on the A55 CPU' : undefined),
  };

  it('finds the interleaving that breaks the check, and replayOps runs it again exactly', () => {
    const r = exploreOps(noFailEntry, { strategy: 'random', runs: 200 });
    expect(r.verdict).toBe('FAILURE');
    const f = r.failures[0]!;
    expect(f.failure).toEqual({ oracle: 'check', reason: 'KVM_RUN failed its entry on the A55 CPU' });
    const again = replayOps(noFailEntry, f);
    expect(again.traceHash).toBe(f.traceHash);
    expect(again.failure).toEqual(f.failure);
  });

  it('a check that always holds: SUCCESS after the runs asked for', () => {
    const r = exploreOps({ ...setPmuVsRun, check: (_s, res) => (['fail-entry', 'ebusy'].includes(outcome(res)) ? undefined : 'a third outcome') }, { strategy: 'pct', runs: 100 });
    expect(r).toMatchObject({ verdict: 'SUCCESS', runs: 100, failures: [] });
  });
});
