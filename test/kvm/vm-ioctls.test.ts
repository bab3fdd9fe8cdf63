/**
 * VM ioctls under kvm->lock (spec §5.1): KVM_CREATE_VCPU is refused once the vGIC is
 * initialised; KVM_DEV_ARM_VGIC_CTRL_INIT takes kvm->lock then config_lock, so it waits for
 * a configuring VMM thread, and is idempotent.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { errno } from '../../src/arch/errno.js';
import { uapi } from '../../src/arch/uapi.js';
import { createVcpu, vgicInit } from '../../src/kvm/vm-ioctl.js';
import { setDeviceAttr } from '../../src/kvm/vcpu-ioctl.js';
import { KvmVcpu, vcpuLayout } from '../../src/kvm/vcpu-state.js';
import { Stepper } from '../../src/sync/stepper.js';
import { runDirect } from '../../src/sync/direct.js';

describe('KVM_CREATE_VCPU and KVM_DEV_ARM_VGIC_CTRL_INIT', () => {
  it('creating a vCPU after vGIC init is EBUSY; a slot is created once (EEXIST)', () => {
    const vm = createHost('rk3399').createVm();
    const v0 = vm.createVcpu();
    expect(runDirect(createVcpu(vm.model, v0.model), 'again')).toBe(-errno.EEXIST);
    expect(vm.vgicInit()).toBe(0);
    expect(vm.vgicInit()).toBe(0); // idempotent
    const late = new KvmVcpu(vm.model, 1, vcpuLayout.allocate());
    expect(runDirect(createVcpu(vm.model, late), 'late')).toBe(-errno.EBUSY);
    expect(() => vm.createVcpu()).toThrow(/EBUSY/);
  });

  it('vGIC init on a VM without an in-kernel irqchip is ENODEV', () => {
    expect(createHost('rk3399').createVm({ irqchip: 'none' }).vgicInit()).toBe(-errno.ENODEV);
  });

  it('vGIC init waits for a SET_DEVICE_ATTR holding config_lock (kvm->lock → config_lock)', () => {
    const host = createHost('rk3588');
    const vm = host.createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: true }, { cpu: 0 })).toBe(0);
    const s = new Stepper();
    const attr = s.spawn('vmm0', setDeviceAttr(v.model, uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23));
    const init = s.spawn('vmm1', vgicInit(vm.model));
    s.step(attr); // vcpu0->mutex
    s.step(attr); // config_lock
    s.step(init); // kvm->lock
    expect(s.runnable(init)).toBe(false); // blocked on config_lock
    expect(s.finish()).toEqual([0, 0]);
    expect(s.trace.filter((t) => t.startsWith('vmm1'))).toEqual([
      'vmm1: lock vm0 kvm->lock',
      'vmm1: lock vm0 config_lock',
      'vmm1: unlock vm0 config_lock',
      'vmm1: unlock vm0 kvm->lock',
    ]);
  });
});
