import { describe, expect, it } from 'vitest';
import { DEFAULT_NR_SPIS } from '../../src/kvm/vgic.js';
import { CTRL, E, INIT, IRQ, SET_NR, initedVm } from './helpers.js';

function one(irqchip: 'vgic-v3' | 'none' = 'vgic-v3') {
  const s = initedVm('rk3588', { n: 2, irqchip });
  return { ...s, v0: s.vcpus[0]!, v1: s.vcpus[1]! };
}

// spec §3.2 KVM_ARM_VCPU_PMU_V3_INIT SET: with an irqchip, vGIC not initialised → ENODEV,
// IRQ not set → ENXIO, kvm_vgic_set_owner errors propagate (EEXIST, EINVAL); without an
// irqchip nothing is checked; success sets `created`.
describe('KVM_ARM_VCPU_PMU_V3_INIT (spec §3.2)', () => {
  it('vGIC created but not initialised → ENODEV (even before the IRQ check)', () => {
    const { v0 } = one();
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.ENODEV);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.ENODEV);
  });

  it('vGIC initialised, no IRQ → ENXIO', () => {
    const { vm, v0 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.ENXIO);
  });

  it('a failed INIT does not set `created`: the vCPU can still be configured and INITed', () => {
    const { vm, v0 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.ENXIO);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, SET_NR, 1)).toBe(E.EBUSY); // now created
  });

  it('PPI 27 after this vCPU’s arch timer claimed it (first KVM_RUN) → EEXIST', () => {
    const { vm, v0 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 27)).toBe(0);
    // KVM_RUN without PMU INIT fails (§3.2), but kvm_timer_enable already claimed PPIs 27/30.
    expect(v0.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.EEXIST);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.EEXIST); // still not created
  });

  it('PPI 30 (the physical timer) likewise → EEXIST once the timer claimed it', () => {
    const { vm, v0 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 30)).toBe(0);
    expect(v0.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.EEXIST);
  });

  it('the timer’s claim is per vCPU (PPIs are banked): another vCPU can still INIT PPI 27', () => {
    const { vm, v0, v1 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 27)).toBe(0);
    expect(v1.setDeviceAttr(CTRL, IRQ, 27)).toBe(0);
    expect(v0.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(v1.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.EEXIST);
  });

  it('a PPI the timer does not use is fine after the timer claimed its own', () => {
    const { vm, v0 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(0);
  });

  it(`an SPI beyond the vGIC's ${DEFAULT_NR_SPIS} SPIs is accepted by IRQ but refused by INIT → EINVAL`, () => {
    const { vm, v0, v1 } = one();
    const last = 32 + DEFAULT_NR_SPIS - 1; // 255
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, last + 1)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.EINVAL);
    expect(v1.setDeviceAttr(CTRL, IRQ, last)).toBe(0);
    expect(v1.setDeviceAttr(CTRL, INIT)).toBe(0);
  });

  it('SPI 1019 (valid SPI number, far beyond nr_spis) → INIT EINVAL', () => {
    const { vm, v0 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 1019)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.EINVAL);
  });

  it('two vCPUs with the same PPI both INIT (banked), two with different SPIs both INIT', () => {
    const a = one();
    expect(a.vm.vgicInit()).toBe(0);
    for (const v of [a.v0, a.v1]) expect(v.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    for (const v of [a.v0, a.v1]) expect(v.setDeviceAttr(CTRL, INIT)).toBe(0);
    const b = one();
    expect(b.vm.vgicInit()).toBe(0);
    expect(b.v0.setDeviceAttr(CTRL, IRQ, 40)).toBe(0);
    expect(b.v1.setDeviceAttr(CTRL, IRQ, 41)).toBe(0);
    for (const v of [b.v0, b.v1]) expect(v.setDeviceAttr(CTRL, INIT)).toBe(0);
  });

  it('no in-kernel irqchip: INIT with nothing set → 0, then KVM_RUN runs', () => {
    const { v0 } = one('none');
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(E.EBUSY);
    expect(v0.run({ cpu: 0 })).toEqual({ ret: 0 });
  });

  it('vgicInit on a VM without an irqchip → ENODEV', () => {
    const { vm } = one('none');
    expect(vm.vgicInit()).toBe(E.ENODEV);
  });

  it('GET INIT → ENXIO before and after; HAS INIT → 0', () => {
    const { vm, v0 } = one();
    expect(v0.getDeviceAttr(CTRL, INIT).ret).toBe(E.ENXIO);
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v0.getDeviceAttr(CTRL, INIT).ret).toBe(E.ENXIO);
    expect(v0.hasDeviceAttr(CTRL, INIT)).toBe(0);
  });
});

// arch_timer.c kvm_timer_enable / timer_irqs_are_valid (first KVM_RUN, before
// kvm_arm_pmu_v3_enable, spec §3.2): the reverse of the EEXIST case above.
describe('a PMU that took a timer PPI first (spec §3.2, arch_timer.c)', () => {
  it.each([27, 30])('PMU INIT on PPI %i, then KVM_RUN → EINVAL every time; the VM never "ran"', (ppi) => {
    const { vm, v0, v1 } = one();
    expect(vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, ppi)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v0.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(v0.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(vm.model.hasRanOnce()).toBe(false);
    expect(v1.setDeviceAttr(CTRL, SET_NR, 1)).toBe(0); // still configurable
  });
});
