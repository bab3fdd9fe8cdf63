import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { errno } from '../../src/arch/errno.js';
import { uapi } from '../../src/arch/uapi.js';
import { CTRL, PARTITION, rk3588 } from './helpers.js';

function vcpu(excludes: boolean) {
  const host = createHost(rk3588(), { profile: 'partition', switches: { partitionExcludesSetPmu: excludes } });
  const v = host.createVm().createVcpu();
  expect(v.init({ pmu: true })).toBe(0);
  return { v, a76: host.pmus[1]!.type };
}

// §6 is silent on ENABLE_PARTITION with SET_PMU: profile switch partitionExcludesSetPmu.
describe('ENABLE_PARTITION next to SET_PMU (switch partitionExcludesSetPmu)', () => {
  it('default: both orders allowed; the partition maximum follows the selected PMU', () => {
    const { v, a76 } = vcpu(false);
    expect(v.setDeviceAttr(CTRL, PARTITION, 1)).toBe(0);
    expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, a76)).toBe(0);
    expect(v.getDeviceAttr(CTRL, PARTITION)).toEqual({ ret: 0, value: 1 });
  });

  it('switched on: each refuses the other with EBUSY', () => {
    const a = vcpu(true);
    expect(a.v.setDeviceAttr(CTRL, PARTITION, 1)).toBe(0);
    expect(a.v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, a.a76)).toBe(-errno.EBUSY);
    const b = vcpu(true);
    expect(b.v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, b.a76)).toBe(0);
    expect(b.v.setDeviceAttr(CTRL, PARTITION, 1)).toBe(-errno.EBUSY);
  });
});
