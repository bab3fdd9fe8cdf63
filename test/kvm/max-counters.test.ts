import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import type { TopologySpec } from '../../src/host/topology.js';
import { CTRL, E, SET_NR, SET_PMU, initedVm, readN, typeOf } from './helpers.js';

const one = (counters: number): TopologySpec => ({ name: `n${counters}`, pmus: [{ name: 'p', cpus: [0, 1], counters }] });

// spec §1.4 kvm_arm_pmu_get_max_counters: popcount of the general counters, 1 with the Apple
// IMPDEF-trap workaround (0 with FIXED_COUNTERS_ONLY: see attr-fixed-counters-only.test.ts).
describe('max counters for a VM (spec §1.4)', () => {
  it.each([0, 1, 4, 6, 20, 31])('a PMU with %i counters → PMCR_EL0.N = max, SET_NR_COUNTERS(max + 1) → EINVAL', (n) => {
    const { vcpus } = initedVm(one(n));
    const v = vcpus[0]!;
    expect(readN(v)).toBe(n);
    expect(v.model.vm.maxCounters()).toBe(n);
    expect(v.setDeviceAttr(CTRL, SET_NR, n + 1)).toBe(E.EINVAL);
    expect(v.setDeviceAttr(CTRL, SET_NR, n)).toBe(0);
  });

  it('Apple M1: host PMUs have 10 counters but the guest gets N = 1', () => {
    const { host, vcpus } = initedVm('apple-m1', { fromCpu: 5 });
    const v = vcpus[0]!;
    expect(host.pmus.every((p) => p.counters === 10)).toBe(true);
    expect(readN(v)).toBe(1);
    expect(v.setDeviceAttr(CTRL, SET_NR, 2)).toBe(E.EINVAL);
    expect(v.setDeviceAttr(CTRL, SET_NR, 1)).toBe(0);
    // SET_PMU to the other cluster resets to that PMU's max, still 1.
    expect(v.setDeviceAttr(CTRL, SET_NR, 0)).toBe(0);
    expect(readN(v)).toBe(0);
    expect(v.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'apple_icestorm_pmu'))).toBe(0);
    expect(readN(v)).toBe(1);
  });

  it('the max is per PMU: SET_PMU to a PMU with fewer counters lowers N and the bound', () => {
    const host = createHost({
      name: 'uneven',
      pmus: [
        { name: 'little', cpus: [0, 1], counters: 3 },
        { name: 'big', cpus: [2, 3], counters: 7 },
      ],
    });
    const v = host.createVm().createVcpu();
    expect(v.init({ pmu: true }, { cpu: 2 })).toBe(0);
    expect(readN(v)).toBe(7);
    expect(v.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'little'))).toBe(0);
    expect(readN(v)).toBe(3);
    expect(v.setDeviceAttr(CTRL, SET_NR, 4)).toBe(E.EINVAL);
  });

  it('the userspace PMCR_EL0.N write is bounded by the same max (spec §4.3)', () => {
    const { vcpus } = initedVm(one(4));
    const v = vcpus[0]!;
    expect(v.setOneReg('PMCR_EL0', 2n << 11n)).toBe(0);
    expect(readN(v)).toBe(2);
    expect(v.setOneReg('PMCR_EL0', 5n << 11n)).toBe(0); // silently ignored
    expect(readN(v)).toBe(2);
  });
});
