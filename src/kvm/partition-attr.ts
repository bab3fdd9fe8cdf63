/**
 * `KVM_ARM_VCPU_PMU_V3_ENABLE_PARTITION` (attribute 5 in profile `partition`, spec §6.7,
 * v6+): a u32 payload, 1 partitions the VM's PMU (clamping its counter count to the
 * partition maximum), 0 undoes it. SET runs after the common prologue (§3.0), under
 * config_lock; GET and HAS take no KVM lock.
 */
import { errno } from '../arch/errno.js';
import type { Op } from '../sync/seam.js';
import type { KvmVcpu } from './vcpu-state.js';
import { VM_FLAG, type KvmVm } from './vm-state.js';

/**
 * `kvm_pmu_partition_supported` (spec §6.1, §6.7): VHE, a guest PMUv3 (a non-empty
 * `arm_pmus`), and PMUv3 hardware the host driver can partition — not the Apple IMPDEF
 * PMU behind its trap workaround.
 */
function* partitionSupported(vm: KvmVm): Op<boolean> {
  const t = vm.host.topology;
  if (!t.features.vhe || t.appleImpdefTraps) return false;
  return yield* vm.host.supportsGuestPmuv3();
}

/**
 * SET, in the order of spec §6.7: missing payload → EFAULT; not supported → EPERM; the VM
 * ran → EBUSY; with `partitionExcludesSetPmu`, an explicit SET_PMU → EBUSY (§6 is silent).
 * Any non-zero value enables (the kernel tests the u32 for truth).
 */
export function* setEnablePartition(vm: KvmVm, value: number | undefined): Op<number> {
  if (value === undefined) return -errno.EFAULT;
  if (!(yield* partitionSupported(vm))) return -errno.EPERM;
  if (vm.hasRanOnce()) return -errno.EBUSY;
  if (vm.profile.partitionExcludesSetPmu && vm.hasFlag(VM_FLAG.PMU_V3_EXPLICIT)) return -errno.EBUSY;
  if (value === 0) {
    vm.clearFlag(VM_FLAG.PARTITION_PMU_ENABLED);
    return 0;
  }
  vm.setFlag(VM_FLAG.PARTITION_PMU_ENABLED);
  vm.nrPmuCounters = Math.min(vm.nrPmuCounters, vm.maxCounters());
  return 0;
}

/** GET: the flag as the u32 the kernel writes back (0 or 1); -ENODEV for a vCPU without the PMU. */
export function getEnablePartition(vcpu: KvmVcpu): { ret: number; value?: number } {
  if (!vcpu.hasPmu()) return { ret: -errno.ENODEV };
  return { ret: 0, value: vcpu.vm.partitioned() ? 1 : 0 };
}
