/** API.md `Vm`: vCPU creation and the vGIC init control. */
import { VpmuLabError } from '../host/errors.js';
import type { HostModel } from '../host/host-model.js';
import { vcpuLayout, KvmVcpu } from '../kvm/vcpu-state.js';
import { Vgic, vgicLayout } from '../kvm/vgic.js';
import { KvmVm, vmLayout } from '../kvm/vm-state.js';
import { Vcpu } from './vcpu.js';
import { createVcpu, vgicInit } from '../kvm/vm-ioctl.js';
import { runDirect } from '../sync/direct.js';

/** KVM's default vCPU limit on arm64 with GICv3 is far above this; kept small for memory. */
export const MAX_VCPUS = 64;

export class Vm {
  readonly model: KvmVm;
  private readonly shared: boolean;

  constructor(host: HostModel, id: number, irqchip: boolean) {
    this.shared = host.list.region.buffer instanceof SharedArrayBuffer;
    const vgic = new Vgic(vgicLayout.allocate(this.shared), irqchip);
    this.model = new KvmVm(id, host, vmLayout.allocate(this.shared), vgic);
  }

  /** KVM_CREATE_VCPU: ids 0, 1, 2, … in creation order. */
  createVcpu(): Vcpu {
    const vm = this.model;
    if (vm.vcpus.length >= MAX_VCPUS) throw new VpmuLabError(`KVM_CREATE_VCPU: EINVAL: at most ${MAX_VCPUS} vCPUs`);
    const vcpu = new KvmVcpu(vm, vm.vcpus.length, vcpuLayout.allocate(this.shared));
    if (runDirect(createVcpu(vm, vcpu), `vm${vm.id} KVM_CREATE_VCPU`) !== 0) {
      throw new VpmuLabError('KVM_CREATE_VCPU: EBUSY: the vGIC is already initialised; create every vCPU before vgicInit()');
    }
    vm.vcpus.push(vcpu);
    return new Vcpu(vcpu);
  }

  /** KVM_DEV_ARM_VGIC_CTRL_INIT; -ENODEV on a VM created with `irqchip: 'none'`. */
  vgicInit(): number {
    return runDirect(vgicInit(this.model), `vm${this.model.id} KVM_DEV_ARM_VGIC_CTRL_INIT`);
  }
}
