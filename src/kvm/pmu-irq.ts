/**
 * Overflow status and the PMU interrupt line (spec §5.3).
 */
import { PMCR } from '../arch/pmu-bits.js';
import { REG, type KvmVcpu } from './vcpu-state.js';

/**
 * `kvm_pmu_overflow_status`: PMOVSSET & PMINTENSET, nothing while PMCR.E is clear (no
 * hyp range without NV). The older kernels' extra PMCNTENSET term is a profile switch (§9 b).
 */
export function overflowStatus(vcpu: KvmVcpu): bigint {
  const cpu = vcpu.contextCpu;
  if (cpu >= 0) return partitionOverflowStatus(vcpu, cpu);
  let reg = vcpu.reg(REG.PMOVSSET) & vcpu.reg(REG.PMINTENSET);
  if ((vcpu.reg(REG.PMCR) & PMCR.E) === 0n) reg = 0n;
  if (vcpu.vm.profile.overflowNeedsCntEn) reg &= vcpu.reg(REG.PMCNTENSET);
  return reg;
}

/**
 * The partition series' status function (spec §6.6): PMOVSSET (where the host PMU IRQ put
 * the guest's flags) against the loaded hardware PMINTENSET and PMCR.E — the context must
 * be loaded before it is checked (v6), which it is whenever `contextCpu` is set.
 */
function partitionOverflowStatus(vcpu: KvmVcpu, cpu: number): bigint {
  const banks = vcpu.vm.host.banks;
  if ((banks.pmcr(cpu) & PMCR.E) === 0n) return 0n;
  let reg = vcpu.reg(REG.PMOVSSET) & banks.intenMask(cpu);
  if (vcpu.vm.profile.overflowNeedsCntEn) reg &= banks.enableMask(cpu);
  return reg;
}

/**
 * `kvm_pmu_update_state`: drive the line (level-sensitive) when the level changed. With
 * the in-kernel vGIC the line is `irq_num`; without it userspace sees the level in
 * `device_irq_level` (spec §5.3).
 */
export function updateState(vcpu: KvmVcpu): void {
  if (!vcpu.hasPmu()) return;
  const level = overflowStatus(vcpu) !== 0n ? 1 : 0;
  if (level === vcpu.irqLevel) return;
  vcpu.irqLevel = level;
}

/** `kvm_pmu_should_notify_user`: userspace irqchip and a level it has not seen yet. */
export function shouldNotifyUser(vcpu: KvmVcpu, inKernelIrqchip: boolean): boolean {
  if (!vcpu.hasPmu() || inKernelIrqchip) return false;
  return vcpu.irqLevel !== vcpu.userIrqLevel;
}
