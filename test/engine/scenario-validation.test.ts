/** Scenario files: every mistake names its field (and the valid choices where there are some). */
import { describe, expect, it } from 'vitest';
import { builtinScenarios } from '../../src/engine/builtin-scenarios.js';
import { resolveScenario } from '../../src/engine/scenario.js';

const base = { name: 'x', vms: [{ vcpus: [{}] }] };

describe('resolveScenario', () => {
  it('every built-in scenario is valid', () => {
    for (const [name, spec] of Object.entries(builtinScenarios)) expect(resolveScenario(spec).name).toBe(name);
  });

  it('fills defaults: rk3588, mainline, round-robin, perf-stat, starts spread over the CPUs', () => {
    const s = resolveScenario({ name: 'd', vms: [{ vcpus: [{}, {}] }, { vcpus: [{}] }] });
    expect(s.topology.name).toBe('rk3588');
    expect(s.profile.name).toBe('mainline');
    expect(s.policy).toBe('round-robin');
    expect(s.vms.flatMap((v) => v.vcpus.map((c) => [c.workload, c.start]))).toEqual([
      ['perf-stat', 0],
      ['perf-stat', 1],
      ['perf-stat', 2],
    ]);
  });

  it.each([
    [{ ...base, vms: [] }, /scenario\.vms: expected at least one VM/],
    [{ ...base, host: 'nope' }, /scenario\.host: expected a preset \(rk3588, .*\) or a topology object/],
    [{ ...base, vms: [{ vcpus: [{ workload: 'doom' }] }] }, /scenario\.vms\[0\]\.vcpus\[0\]\.workload: expected one of cycle-divider, perf-stat, pmu-hammer, idle, overflow, sampler, got "doom"/],
    [{ ...base, vms: [{ vcpus: [{ start: 8 }] }] }, /scenario\.vms\[0\]\.vcpus\[0\]\.start: expected an integer 0\.\.7, got 8/],
    [{ ...base, scheduler: { policy: 'fifo' } }, /scenario\.scheduler\.policy: expected one of pinned, round-robin, random, ping-pong/],
    [{ ...base, design: 'seqlock' }, /scenario\.design: expected one of mutex, rcu, rcu-memb, rcu-no-grace-period/],
    [{ ...base, vms: [{ config: 'fixed-counters-only', vcpus: [{}] }] }, /needs profile 'fixed-counters-only'/],
    [{ ...base, vms: [{ config: 'set-pmu', pmu: 'armv9_x', vcpus: [{}] }] }, /scenario\.vms\[0\]\.pmu: expected a PMU of the host \(armv8_cortex_a55, armv8_cortex_a76\)/],
    [{ ...base, vmm: [{ steps: [{ op: 'set-attr', vcpu: 0, attr: 'FROB' }] }] }, /scenario\.vmm\[0\]\.steps\[0\]\.attr: expected an attribute name \(IRQ, INIT, FILTER/],
    [{ ...base, vmm: [{ steps: [{ op: 'set-attr', vcpu: 3, attr: 'IRQ', value: 23 }] }] }, /scenario\.vmm\[0\]\.steps\[0\]\.vcpu: expected an integer 0\.\.0, got 3/],
    [{ ...base, vmm: [{ steps: [{ op: 'set-reg', vcpu: 0, reg: 'PMCR_EL0', value: 'lots' }] }] }, /steps\[0\]\.value: expected an integer or a string like "0x8000003f"/],
    [{ ...base, vmm: [{ steps: [{ op: 'dance' }] }] }, /scenario\.vmm\[0\]\.steps\[0\]\.op: expected one of set-attr, get-attr/],
    [{ ...base, speed: 3 }, /scenario\.speed: unknown field; valid fields: name, description, host/],
    [{ ...base, vmm: Array.from({ length: 57 }, (_, i) => ({ name: `t${i}`, steps: [{ op: 'vgic-init' }] })) }, /scenario\.vmm: expected at most 56 VMM threads on a 8-CPU host/],
    [{ ...base, vmm: [{ name: 'a', steps: [{ op: 'vgic-init' }] }, { name: 'a', steps: [{ op: 'vgic-init' }] }] }, /scenario\.vmm\[1\]\.name: expected a name no other VMM thread has/],
    [{ ...base, vms: [{ pmu: 'armv8_cortex_a55', vcpus: [{}] }] }, /scenario\.vms\[0\]\.pmu: expected no PMU unless config is 'set-pmu'/],
    [{ ...base, vms: [{ vcpus: [{ setup: 'uncreated' }] }] }, /vcpus\[0\]\.setup: expected not 'uncreated' unless vgicInit is false/],
    [{ ...base, vms: [{ vgicInit: false, vcpus: [{ setup: 'full' }] }] }, /vcpus\[0\]\.setup: expected not 'full'/],
    [{ ...base, watchdogMs: 50 }, /scenario\.watchdogMs: expected an integer 1000\.\./],
    [{ ...base, vms: [{ vcpus: [{ accesses: 5_000_000 }] }] }, /accesses: expected an integer 0\.\.1000000/],
  ])('%j is refused naming the field', (spec, message) => {
    expect(() => resolveScenario(spec)).toThrow(message);
  });

  it('SET_PMU by PMU name resolves to its perf type id', () => {
    const s = resolveScenario({ ...base, vmm: [{ steps: [{ op: 'set-attr', vcpu: 0, attr: 'SET_PMU', value: 'armv8_cortex_a76' }] }] });
    expect(s.vmm[0]!.steps[0]).toEqual({ op: 'set-attr', vcpu: 0, attr: 3, value: 9 });
  });
});
