/**
 * MDCR_EL2 for a vCPU's PMU (spec §6.2), computed at every vcpu_load and kept per vCPU
 * (`vcpu->arch.mdcr_el2`, in shared memory): the emulated default traps every PMU register;
 * a partitioned vCPU also keeps its guest range from counting at EL2 and, when the hardware
 * lets it (FEAT_FGT, a usable HPMN) and it owns its PMU, untraps PMCR and the counters with
 * HPMN = its counter count. Mirrors `kvm_arm_setup_mdcr_el2` and `kvm_pmu_hpmn`.
 */
import { MDCR } from '../arch/pmu-bits.js';
import { PMU_ACCESS, VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';

/** Spec §6.2 "Default (emulated)": TPM | TPMS | TTRF | TPMCR | TDRA | TDOSA | HPME. */
const MDCR_DEFAULT = MDCR.TPM | MDCR.TPMS | MDCR.TTRF | MDCR.TPMCR | MDCR.TDRA | MDCR.TDOSA | MDCR.HPME;
/** The bits KVM programs all lie below bit 24: the value is computed as a number (every vcpu_load). */
const N_DEFAULT = Number(MDCR_DEFAULT);
const N_PARTITION = Number(MDCR.HPMD | MDCR.HCCD);
const N_UNTRAP = Number(MDCR.TPM | MDCR.TPMCR);
const N_TPM = Number(MDCR.TPM);

/**
 * The CPU cannot give a partitioned vCPU HPMN = its counter count: fewer guest counters
 * there (`hpmn_max` of that CPU's PMU) than the VM has, or no PMU at all. §6 is silent;
 * the profile switch `partitionShortCpu` decides what follows (arm.ts, docs/partition.md).
 */
export function onShortCpu(vcpu: KvmVcpu, cpu: number): boolean {
  const host = vcpu.vm.host;
  return host.banks.countersOf(cpu) === 0 || vcpu.vm.nrPmuCounters > host.hpmnMax(cpu);
}

/**
 * `kvm_pmu_hpmn` (spec §6.2): the VM's counter count — when the untrap conditions hold
 * (FEAT_HPMN0 or a count > 0). Otherwise the fallback is `hpmn_max` of the CPU
 * (partitioned) or all its counters (emulated), which `computeMdcr` programs with the traps.
 */
export function hpmn(vcpu: KvmVcpu): number {
  return vcpu.vm.nrPmuCounters;
}

/**
 * `kvm_vcpu_pmu_use_fgt` (spec §6.2, §6.5): the partitioned vCPU's PMU registers can be
 * untrapped on `cpu` — FEAT_FGT, not on an unsupported (or short) CPU, FEAT_HPMN0 or at
 * least one guest counter, and (lazy swap) the guest owns its PMU.
 */
export function pmuUseFgt(vcpu: KvmVcpu, cpu: number): boolean {
  const vm = vcpu.vm;
  if (!vm.partitioned() || !vm.host.topology.features.fgt) return false;
  if (vcpu.hasFlag(VCPU_FLAG.ON_UNSUPPORTED_CPU) || onShortCpu(vcpu, cpu)) return false;
  if (!vm.host.topology.features.hpmn0 && vm.nrPmuCounters === 0) return false;
  return vm.profile.partitionSwap === 'eager' || vcpu.pmuAccess === PMU_ACCESS.GUEST_OWNED;
}

/**
 * MDCR_EL2 as KVM programs it for `vcpu` on `cpu` (spec §6.2). Without the untrap, HPMN
 * stays the fallback of `kvm_pmu_hpmn` (all host counters for an emulated PMU).
 */
export function computeMdcr(vcpu: KvmVcpu, cpu: number): bigint {
  return BigInt(computeMdcr32(vcpu, cpu));
}

/** `computeMdcr` as a number (HPMN is 5 bits wide, so the OR never reaches past bit 23). */
export function computeMdcr32(vcpu: KvmVcpu, cpu: number): number {
  if (!vcpu.vm.partitioned()) return N_DEFAULT | vcpu.vm.host.banks.countersOf(cpu);
  const mdcr = N_DEFAULT | N_PARTITION;
  if (!pmuUseFgt(vcpu, cpu)) return mdcr | vcpu.vm.host.hpmnMax(cpu);
  return (mdcr & ~N_UNTRAP) | hpmn(vcpu);
}

/** HPMN of an MDCR_EL2 value. */
export function mdcrHpmn(mdcr: bigint): number {
  return Number(mdcr & MDCR.HPMN_MASK);
}

/** The vCPU's PMU registers trap (TPM set in the MDCR_EL2 of its last load). */
export function pmuTrapped(vcpu: KvmVcpu): boolean {
  return (vcpu.mdcr32 & N_TPM) !== 0;
}
