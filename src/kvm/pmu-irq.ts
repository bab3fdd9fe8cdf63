/**
 * Overflow status and the PMU interrupt line (spec §5.3).
 */
import { PMCR } from '../arch/pmu-bits.js';
import { REG, type KvmVcpu } from './vcpu-state.js';

const PMCR_E = Number(PMCR.E);

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
 * `kvm_pmu_overflow_status(vcpu) != 0` — the interrupt level — on the registers' 32-bit
 * halves, without a BigInt: it is computed after every trapped access (`updateState`).
 */
export function overflowPending(vcpu: KvmVcpu): boolean {
  const cpu = vcpu.contextCpu;
  if (cpu >= 0) return partitionOverflowPending(vcpu, cpu);
  if ((vcpu.lo(REG.PMCR) & PMCR_E) === 0) return false;
  let lo = vcpu.lo(REG.PMOVSSET) & vcpu.lo(REG.PMINTENSET);
  let hi = vcpu.hi(REG.PMOVSSET) & vcpu.hi(REG.PMINTENSET);
  if (vcpu.vm.profile.overflowNeedsCntEn) {
    lo &= vcpu.lo(REG.PMCNTENSET);
    hi &= vcpu.hi(REG.PMCNTENSET);
  }
  return (lo | hi) !== 0;
}

/** `partitionOverflowStatus(vcpu, cpu) != 0`: the hardware bitmaps are 32 bits wide. */
function partitionOverflowPending(vcpu: KvmVcpu, cpu: number): boolean {
  const banks = vcpu.vm.host.banks;
  if ((banks.pmcr32(cpu) & PMCR_E) === 0) return false;
  let reg = vcpu.lo(REG.PMOVSSET) & banks.inten32(cpu);
  if (vcpu.vm.profile.overflowNeedsCntEn) reg &= banks.enable32(cpu);
  return reg !== 0;
}

/**
 * `kvm_pmu_update_state`: drive the line (level-sensitive) when the level changed. With
 * the in-kernel vGIC the line is `irq_num`; without it userspace sees the level in
 * `device_irq_level` (spec §5.3).
 */
export function updateState(vcpu: KvmVcpu): void {
  if (!vcpu.hasPmu()) return;
  const level = overflowPending(vcpu) ? 1 : 0;
  if (level === vcpu.irqLevel) return;
  vcpu.irqLevel = level;
}

/** `kvm_pmu_should_notify_user`: userspace irqchip and a level it has not seen yet. */
export function shouldNotifyUser(vcpu: KvmVcpu, inKernelIrqchip: boolean): boolean {
  if (!vcpu.hasPmu() || inKernelIrqchip) return false;
  return vcpu.irqLevel !== vcpu.userIrqLevel;
}
