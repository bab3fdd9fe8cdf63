import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import { CTRL, E, INIT, IRQ, SET_PMU, initedVm, pmuInitAll } from './helpers.js';

// spec §3.2 (run side): KVM_RUN before KVM_ARM_VCPU_INIT → ENOEXEC; first KVM_RUN of a PMU
// vCPU without PMU INIT → EINVAL (kvm_arm_pmu_v3_enable); a failed first run does not set
// HAS_RAN_ONCE; a successful one does.
describe('KVM_RUN and the PMU INIT requirement (spec §3.2)', () => {
  it('KVM_RUN before KVM_ARM_VCPU_INIT → ENOEXEC', () => {
    const v = createHost('rk3588').createVm().createVcpu();
    expect(v.run({ cpu: 0 })).toEqual({ ret: E.ENOEXEC });
  });

  it('KVM_RUN with an in-kernel vGIC that userspace did not initialise → EBUSY (vgic_v3_map_resources)', () => {
    const { vm, vcpus } = initedVm('rk3588');
    expect(vcpus[0]!.run({ cpu: 0 })).toEqual({ ret: E.EBUSY });
    expect(vm.vgicInit()).toBe(0);
    expect(vcpus[0]!.run({ cpu: 0 })).toEqual({ ret: E.EINVAL }); // now the missing PMU INIT shows
  });

  it('KVM_RUN of a PMU vCPU without PMU INIT → EINVAL, and again on retry', () => {
    const { vm, vcpus } = initedVm('rk3588');
    expect(vm.vgicInit()).toBe(0);
    expect(vcpus[0]!.run({ cpu: 0 })).toEqual({ ret: E.EINVAL });
    expect(vcpus[0]!.run({ cpu: 0 })).toEqual({ ret: E.EINVAL });
  });

  it('the guest program does not run when KVM_RUN fails', () => {
    const { vcpus } = initedVm('rk3588');
    let ran = false;
    vcpus[0]!.run({ cpu: 0, guest: () => void (ran = true) });
    expect(ran).toBe(false);
  });

  it('same without an irqchip', () => {
    const { vcpus } = initedVm('rk3588', { irqchip: 'none' });
    expect(vcpus[0]!.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(vcpus[0]!.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(vcpus[0]!.run({ cpu: 0 }).ret).toBe(0);
  });

  it('a failed first run leaves the VM configurable (HAS_RAN_ONCE not set)', () => {
    const { host, vm, vcpus } = initedVm('rk3588', { n: 2 });
    expect(vm.vgicInit()).toBe(0);
    expect(vcpus[0]!.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(vm.model.hasRanOnce()).toBe(false);
    expect(vcpus[1]!.setDeviceAttr(CTRL, SET_PMU, host.pmus[1]!.type)).toBe(0);
  });

  it('a successful first run of any vCPU sets HAS_RAN_ONCE for the VM', () => {
    const s = initedVm('rk3588', { n: 2 });
    const [v0, v1] = s.vcpus as [Vcpu, Vcpu];
    pmuInitAll({ ...s, vcpus: [v0] });
    expect(v0.run({ cpu: 0 }).ret).toBe(0);
    expect(s.vm.model.hasRanOnce()).toBe(true);
    expect(v1.setDeviceAttr(CTRL, SET_PMU, s.host.pmus[1]!.type)).toBe(E.EBUSY);
    // The other vCPU still needs its own PMU INIT to run.
    expect(v1.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(v1.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v1.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v1.run({ cpu: 0 }).ret).toBe(0);
  });

  it('a vCPU without the PMU feature runs without any PMU setup', () => {
    const vm = createHost('rk3588').createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: false })).toBe(0);
    expect(vm.vgicInit()).toBe(0);
    expect(v.run({ cpu: 3 })).toEqual({ ret: 0 });
  });
});

// spec §3.2 kvm_arm_pmu_v3_enable, no-irqchip branch: an initialised IRQ is an invalid
// configuration. The UAPI cannot reach it (IRQ SET needs an irqchip), so poke the model.
describe('kvm_arm_pmu_v3_enable without an irqchip (spec §3.2, white-box)', () => {
  it('an IRQ number present on a no-irqchip VM → KVM_RUN EINVAL; without it → 0', () => {
    const a = initedVm('rk3588', { irqchip: 'none' });
    expect(a.vcpus[0]!.setDeviceAttr(CTRL, INIT)).toBe(0);
    a.vcpus[0]!.model.irqNum = 23;
    expect(a.vcpus[0]!.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    a.vcpus[0]!.model.irqNum = 0;
    expect(a.vcpus[0]!.run({ cpu: 0 }).ret).toBe(0);
  });
});
