import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { errno } from '../../src/arch/errno.js';
import { uapi } from '../../src/arch/uapi.js';
import { presets } from '../../src/host/presets.js';
import { CTRL, PARTITION, SET_NR, guest, partitioned, rk3588 } from './helpers.js';

function vcpuOn(topology = rk3588(), profile = 'partition', pmu = true) {
  const host = createHost(topology, { profile });
  const vm = host.createVm();
  const vcpu = vm.createVcpu();
  expect(vcpu.init({ pmu })).toBe(0);
  return { vm, vcpu };
}

// spec §6.7 (v6+ UAPI) after the common prologue of §3.0, in API.md's order.
describe('ENABLE_PARTITION: errnos in order (spec §3.0, §6.7)', () => {
  it('the id is 5 (the FIXED_COUNTERS_ONLY id); the profile decides which it is', () => {
    expect(uapi.KVM_ARM_VCPU_PMU_V3_ENABLE_PARTITION).toBe(5);
    expect(vcpuOn(rk3588(), 'mainline').vcpu.setDeviceAttr(CTRL, PARTITION, 1)).toBe(-errno.ENXIO);
  });

  it('prologue: a vCPU without the PMU feature → ENODEV, even with no value and no VHE', () => {
    const { vcpu } = vcpuOn(rk3588({ vhe: false }), 'partition', false);
    expect(vcpu.setDeviceAttr(CTRL, PARTITION)).toBe(-errno.ENODEV);
  });

  it('prologue: after this vCPU did PMU INIT → EBUSY before the payload is read', () => {
    const { vcpu } = partitioned({ enable: undefined });
    expect(vcpu.setDeviceAttr(CTRL, PARTITION)).toBe(-errno.EBUSY);
  });

  it('a missing value → EFAULT, before the support check', () => {
    expect(vcpuOn(rk3588({ vhe: false })).vcpu.setDeviceAttr(CTRL, PARTITION)).toBe(-errno.EFAULT);
    expect(vcpuOn().vcpu.setDeviceAttr(CTRL, PARTITION)).toBe(-errno.EFAULT);
  });

  it('no VHE → EPERM; an Apple IMPDEF PMU (no PMUv3 hardware) → EPERM', () => {
    expect(vcpuOn(rk3588({ vhe: false })).vcpu.setDeviceAttr(CTRL, PARTITION, 1)).toBe(-errno.EPERM);
    expect(vcpuOn(rk3588({ vhe: false })).vcpu.setDeviceAttr(CTRL, PARTITION, 0)).toBe(-errno.EPERM);
    expect(vcpuOn(presets['apple-m1']!).vcpu.setDeviceAttr(CTRL, PARTITION, 1)).toBe(-errno.EPERM);
  });

  it('the VM has run → EBUSY; without VHE it is still EPERM (EPERM comes first)', () => {
    // vCPU b has not done PMU INIT, so the prologue lets it through after a ran.
    const host = createHost(rk3588(), { profile: 'partition' });
    const vm = host.createVm({ irqchip: 'none' });
    const [a, b] = [vm.createVcpu(), vm.createVcpu()];
    expect(a.init({ pmu: true })).toBe(0);
    expect(b.init({ pmu: true })).toBe(0);
    expect(a.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
    guest(a, 0, () => undefined);
    expect(b.setDeviceAttr(CTRL, PARTITION, 1)).toBe(-errno.EBUSY);
    expect(b.setDeviceAttr(CTRL, PARTITION)).toBe(-errno.EFAULT);
    const noVhe = createHost(rk3588({ vhe: false }), { profile: 'partition' }).createVm({ irqchip: 'none' });
    const [c, d] = [noVhe.createVcpu(), noVhe.createVcpu()];
    expect(c.init({ pmu: true })).toBe(0);
    expect(d.init({ pmu: true })).toBe(0);
    expect(c.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
    guest(c, 0, () => undefined);
    expect(d.setDeviceAttr(CTRL, PARTITION, 1)).toBe(-errno.EPERM);
  });
});

describe('ENABLE_PARTITION: what 1 and 0 do, GET and HAS (spec §6.7)', () => {
  it('1 clamps the counter count to the partition maximum; SET_NR_COUNTERS is validated against it', () => {
    const { vcpu } = vcpuOn();
    const host = createHost(rk3588(), { profile: 'partition', reservedHostCounters: 2 });
    const v2 = host.createVm().createVcpu();
    expect(v2.init({ pmu: true })).toBe(0);
    expect(Number((v2.getOneReg('PMCR_EL0').value >> 11n) & 0x1fn)).toBe(6);
    expect(v2.setDeviceAttr(CTRL, PARTITION, 1)).toBe(0);
    expect(Number((v2.getOneReg('PMCR_EL0').value >> 11n) & 0x1fn)).toBe(4);
    expect(v2.setDeviceAttr(CTRL, SET_NR, 5)).toBe(-errno.EINVAL);
    expect(v2.setDeviceAttr(CTRL, SET_NR, 4)).toBe(0);
    expect(vcpu.setDeviceAttr(CTRL, PARTITION, 1)).toBe(0); // reserved 0: max = all 6
    expect(vcpu.setDeviceAttr(CTRL, SET_NR, 6)).toBe(0);
  });

  it('0 clears it: GET reads 0 again and the full host count is allowed', () => {
    const host = createHost(rk3588(), { profile: 'partition', reservedHostCounters: 2 });
    const v = host.createVm().createVcpu();
    expect(v.init({ pmu: true })).toBe(0);
    expect(v.getDeviceAttr(CTRL, PARTITION)).toEqual({ ret: 0, value: 0 });
    expect(v.setDeviceAttr(CTRL, PARTITION, 1)).toBe(0);
    expect(v.getDeviceAttr(CTRL, PARTITION)).toEqual({ ret: 0, value: 1 });
    expect(v.setDeviceAttr(CTRL, SET_NR, 6)).toBe(-errno.EINVAL);
    expect(v.setDeviceAttr(CTRL, PARTITION, 0)).toBe(0);
    expect(v.getDeviceAttr(CTRL, PARTITION)).toEqual({ ret: 0, value: 0 });
    expect(v.setDeviceAttr(CTRL, SET_NR, 6)).toBe(0);
  });

  it('HAS → 0 for a PMU vCPU in profile partition; ENXIO without the PMU', () => {
    expect(vcpuOn().vcpu.hasDeviceAttr(CTRL, PARTITION)).toBe(0);
    expect(vcpuOn(rk3588(), 'partition', false).vcpu.hasDeviceAttr(CTRL, PARTITION)).toBe(-errno.ENXIO);
    expect(vcpuOn(rk3588(), 'mainline').vcpu.hasDeviceAttr(CTRL, PARTITION)).toBe(-errno.ENXIO);
  });

  it('GET without the PMU → ENODEV', () => {
    expect(vcpuOn(rk3588(), 'partition', false).vcpu.getDeviceAttr(CTRL, PARTITION)).toEqual({ ret: -errno.ENODEV });
  });
});
