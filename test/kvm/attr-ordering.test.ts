import { describe, expect, it } from 'vitest';
import type { Vcpu } from '../../src/api/vcpu.js';
import { ALLOW, CTRL, E, FILTER, INIT, IRQ, SET_NR, SET_PMU, initedVm, readN, typeOf } from './helpers.js';

// spec §3.7: the order a VMM must follow — VCPU_INIT (default PMU) → IRQ (vGIC created) →
// FILTER / SET_PMU / SET_NR_COUNTERS (in that order) → vGIC init → PMU INIT on every vCPU →
// KVM_RUN. Every SET on a vCPU is refused once that vCPU did PMU INIT.
describe('the configuration order (spec §3.7)', () => {
  it('the full sequence succeeds and the configuration sticks', () => {
    const { host, vm, vcpus } = initedVm('rk3588', { n: 2, fromCpu: 0 });
    const [v0, v1] = vcpus as [Vcpu, Vcpu];
    for (const v of vcpus) expect(v.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW })).toBe(0);
    expect(v0.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'armv8_cortex_a55'))).toBe(0);
    expect(v0.setDeviceAttr(CTRL, SET_NR, 3)).toBe(0);
    expect(vm.vgicInit()).toBe(0);
    for (const v of vcpus) expect(v.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v0.run({ cpu: 1 })).toEqual({ ret: 0 });
    expect(v1.run({ cpu: 2 })).toEqual({ ret: 0 });
    expect(readN(v0)).toBe(3);
    expect(readN(v1)).toBe(3);
    expect(vm.model.supportedCpuList()).toEqual([0, 1, 2, 3]);
  });

  it('SET_NR_COUNTERS before SET_PMU is lost (SET_PMU resets N)', () => {
    const { host, vcpus } = initedVm('rk3588');
    const v = vcpus[0]!;
    expect(v.setDeviceAttr(CTRL, SET_NR, 3)).toBe(0);
    expect(v.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'armv8_cortex_a76'))).toBe(0);
    expect(readN(v)).toBe(6);
  });

  it('FILTER before a SET_PMU of another PMU blocks it; SET_PMU first then FILTER works', () => {
    const a = initedVm('rk3588');
    expect(a.vcpus[0]!.setDeviceAttr(CTRL, FILTER, { baseEvent: 0, nevents: 1, action: ALLOW })).toBe(0);
    expect(a.vcpus[0]!.setDeviceAttr(CTRL, SET_PMU, typeOf(a.host, 'armv8_cortex_a76'))).toBe(E.EBUSY);
    const b = initedVm('rk3588');
    expect(b.vcpus[0]!.setDeviceAttr(CTRL, SET_PMU, typeOf(b.host, 'armv8_cortex_a76'))).toBe(0);
    expect(b.vcpus[0]!.setDeviceAttr(CTRL, FILTER, { baseEvent: 0, nevents: 1, action: ALLOW })).toBe(0);
  });

  it('IRQ may precede vGIC init, but PMU INIT before vGIC init fails', () => {
    const { vm, vcpus } = initedVm('rk3588');
    const v = vcpus[0]!;
    expect(v.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v.setDeviceAttr(CTRL, INIT)).toBe(E.ENODEV);
    expect(vm.vgicInit()).toBe(0);
    expect(v.setDeviceAttr(CTRL, INIT)).toBe(0);
  });

  it('attributes may be set before the vCPU’s own KVM_ARM_VCPU_INIT once another vCPU enabled the PMU', () => {
    // kvm_vcpu_has_pmu() reads the VM-wide feature bitmap (spec §2.1 vcpu_features).
    const { vm, vcpus } = initedVm('rk3588');
    const late = vm.createVcpu();
    expect(late.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(late.setDeviceAttr(CTRL, SET_NR, 4)).toBe(0);
    expect(readN(vcpus[0]!)).toBe(4);
  });

  it('after PMU INIT on a vCPU every SET on it is EBUSY, on the others not', () => {
    const { vm, vcpus } = initedVm('rk3588', { n: 2 });
    const [v0, v1] = vcpus as [Vcpu, Vcpu];
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(0);
    for (const [attr, val] of [[IRQ, 23], [INIT, undefined], [FILTER, { baseEvent: 0, nevents: 1, action: ALLOW }], [SET_PMU, 8], [SET_NR, 1]] as const) {
      expect(v0.setDeviceAttr(CTRL, attr, val)).toBe(E.EBUSY);
    }
    expect(v1.setDeviceAttr(CTRL, SET_NR, 1)).toBe(0);
  });
});
