import { describe, expect, it } from 'vitest';
import { runClient } from '../../src/clients/index.js';
import { lines, range } from './helpers.js';

describe('firecracker never enables the PMU (hosts §1.5)', () => {
  it('no PMU attribute or PMU register access; INIT without PMU_V3; runs everywhere, counts nowhere', () => {
    const o = runClient('firecracker', { host: 'rk3588', vcpus: 2 });
    expect(o.ok).toBe(true);
    expect(lines(o, /PMU_V3_CTRL/)).toEqual([]);
    expect(lines(o, /ONE_REG/).filter((l) => l.actor !== 'lab')).toEqual([]);
    expect(lines(o, /^KVM_ARM_VCPU_INIT/).map((l) => l.call)).toEqual([
      'KVM_ARM_VCPU_INIT(vcpu0, no PMU_V3) on cpu0',
      'KVM_ARM_VCPU_INIT(vcpu1, no PMU_V3) on cpu0',
    ]);
    expect(lines(o, /^KVM_GET_ONE_REG\(vcpu0, PMCR_EL0\)/)[0]!.ret).toBe('ENOENT');
    expect(o).toMatchObject({ mode: 'none', pmu: null, pmuType: null, nrCounters: null });
    expect(o.runnableCpus).toEqual(range(0, 7));
    expect(o.countingCpus).toEqual([]);
  });
});
