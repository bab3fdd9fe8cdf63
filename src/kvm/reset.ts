/**
 * vCPU reset of the PMU registers (`kvm_reset_sys_regs`, spec §4.0 reset values), run by
 * every KVM_ARM_VCPU_INIT. PMCR_EL0.N is not stored, so it survives (spec §8 item 11);
 * `pmu.created` and `irq_num` are not touched.
 */
import { PMCR, RESET_UNKNOWN, U32 } from '../arch/pmu-bits.js';
import { implementedMask, releasePerfEvent } from './pmu-emul.js';
import { REG, REQ, type KvmVcpu } from './vcpu-state.js';
import { checkResetBitmaps, checkResetValues } from '../check/pmu-oracles.js';
import { checkResetKeepsN } from '../check/config-oracles.js';
import { point, runLeaf, type Op } from '../sync/seam.js';

/** Between reading N and writing the registers: where a concurrent SET_NR_COUNTERS can land. */
const RESET_POINT = point('vcpu reset: after reading PMCR_EL0.N');

/** The reset as leaf work (a first INIT, under config_lock: nothing can land at its point). */
export function resetPmuRegs(vcpu: KvmVcpu): void {
  runLeaf(resetPmuRegsSteps(vcpu));
}

/**
 * The reset with its point as a step (a repeated INIT): unless the repeated INIT holds
 * config_lock (profile switch serializeRepeatedInit, §8 item 24), SET_NR_COUNTERS through
 * another vCPU can change N between the mask read here and the register writes below.
 */
export function* resetPmuRegsSteps(vcpu: KvmVcpu): Op<void> {
  const vm = vcpu.vm;
  const implemented = implementedMask(vcpu);
  yield RESET_POINT;
  // From here to the end nothing yields: N can change only if the reset itself writes it.
  const n = vm.nrPmuCounters;
  vcpu.setReg(REG.PMCR, vm.host.topology.aarch32El0 ? 0n : PMCR.LC);
  vcpu.setReg(REG.PMSELR, RESET_UNKNOWN & 0x1fn);
  vcpu.setReg(REG.PMCNTENSET, RESET_UNKNOWN & implemented);
  vcpu.setReg(REG.PMINTENSET, RESET_UNKNOWN & implemented);
  vcpu.setReg(REG.PMOVSSET, RESET_UNKNOWN & implemented);
  vcpu.setReg(REG.PMUSERENR, 0n);
  const typeMask = vm.evtyperMask();
  for (let i = 0; i < 31; i++) {
    vcpu.setReg(REG.EVCNTR + i, RESET_UNKNOWN & U32);
    vcpu.setReg(REG.EVTYPER + i, RESET_UNKNOWN & typeMask);
  }
  vcpu.setReg(REG.EVCNTR + 31, RESET_UNKNOWN);
  vcpu.setReg(REG.EVTYPER + 31, 0n);
  // Mainline only asks for a reload, which enables existing events without re-creating
  // them, so a pre-reset event keeps its count on top of the reset value (§8 item 10).
  // Planted `reset-keeps-stale-events` re-opens that hole in a profile that closed it.
  const recreate = !vm.profile.resetKeepsStaleEvents && !vm.planted('reset-keeps-stale-events');
  if (recreate) for (let i = 0; i < 32; i++) releasePerfEvent(vcpu, i);
  // Planted `pmcr-n-reset-to-host` (§8 item 11): N back to the PMU's count, as before the
  // SET_NR_COUNTERS series preserved it.
  if (vm.planted('pmcr-n-reset-to-host') && vm.armPmu >= 0) vm.nrPmuCounters = vm.maxCounters();
  checkResetKeepsN(vcpu, n);
  checkResetValues(vcpu);
  checkResetBitmaps(vcpu);
  if (vcpu.hasPmu()) vcpu.makeRequest(REQ.RELOAD_PMU);
}
