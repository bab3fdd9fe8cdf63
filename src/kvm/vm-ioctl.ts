/**
 * VM-level ioctls that take `kvm->lock` (spec §5.1: the outermost lock):
 * KVM_CREATE_VCPU and the vGIC's KVM_DEV_ARM_VGIC_CTRL_INIT.
 */
import { errno } from '../arch/errno.js';
import type { Op } from '../sync/seam.js';
import { VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';
import type { KvmVm } from './vm-state.js';

/**
 * KVM_CREATE_VCPU for a vCPU slot of `vm`: under kvm->lock, refused (-EBUSY) once the vGIC
 * is initialised (`kvm_arch_vcpu_precreate`); -EEXIST if the slot was already created.
 */
export function* createVcpu(vm: KvmVm, vcpu: KvmVcpu): Op<number> {
  yield vm.kvmLock.acquire;
  try {
    if (vcpu.hasFlag(VCPU_FLAG.CREATED)) return -errno.EEXIST;
    if (vm.vgic.initialized) return -errno.EBUSY;
    vcpu.setFlag(VCPU_FLAG.CREATED);
    return 0;
  } finally {
    yield vm.kvmLock.release;
  }
}

/**
 * KVM_DEV_ARM_VGIC_CTRL_INIT: kvm->lock, then config_lock (vGIC state is under config_lock
 * since v6.4); idempotent. -ENODEV on a VM without an in-kernel irqchip (no vGIC device).
 */
export function* vgicInit(vm: KvmVm): Op<number> {
  if (!vm.vgic.created) return -errno.ENODEV;
  yield vm.kvmLock.acquire;
  yield vm.configLock.acquire;
  const ret = vm.vgic.init();
  yield vm.configLock.release;
  yield vm.kvmLock.release;
  return ret;
}
