/**
 * Configuration oracles (spec §8 items 3, 4, 5, 11, 13, 25, 27), called by the model where
 * the configuration changes or a guest enters. Each reads only state the caller's locks
 * make stable: attribute paths hold config_lock, INIT holds vcpu->mutex (and config_lock
 * for a first INIT), guest entry runs as the loaded vCPU.
 */
import type { KvmVcpu } from '../kvm/vcpu-state.js';
import { VM_FLAG, type KvmVm } from '../kvm/vm-state.js';
import { violated } from './oracles.js';

/** Item 3, at the end of a successful first INIT of a PMU vCPU: a default PMU was chosen. */
export function checkArmPmuChosen(vcpu: KvmVcpu): void {
  if (!vcpu.vm.host.checks['arm-pmu-chosen'] || !vcpu.hasPmu()) return;
  if (vcpu.vm.armPmu < 0) violated('arm-pmu-chosen', `vm${vcpu.vm.id}: arm_pmu is NULL after the first KVM_ARM_VCPU_INIT of PMU vCPU ${vcpu.id}`);
}

/** Item 3, where arm_pmu is written: the default only while none is set, SET_PMU only before the first run. */
export function checkArmPmuWrite(vm: KvmVm, entry: number, why: 'default' | 'set-pmu'): void {
  if (!vm.host.checks['arm-pmu-chosen']) return;
  if (why === 'default' && vm.armPmu >= 0 && vm.armPmu !== entry) {
    violated('arm-pmu-chosen', `vm${vm.id}: the default-PMU probe replaced arm_pmu ${vm.armPmu} by ${entry}`);
  }
  if (why === 'set-pmu' && vm.hasRanOnce()) violated('arm-pmu-chosen', `vm${vm.id}: SET_PMU changed arm_pmu to ${entry} after the VM ran`);
}

/** Items 5 and 13, when FILTER or SET_PMU succeeded: not after the VM ran. */
export function checkConfigBeforeRun(vm: KvmVm, what: 'FILTER' | 'SET_PMU'): void {
  if (vm.host.checks['config-frozen-after-run'] && vm.hasRanOnce()) {
    violated('config-frozen-after-run', `vm${vm.id}: ${what} succeeded after the VM ran`);
  }
}

/** Item 13, when SET_NR_COUNTERS succeeded, under a profile that freezes the count. */
export function checkNrCountersWrite(vm: KvmVm, n: number): void {
  const c = vm.host.checks;
  if (c['config-frozen-after-run'] && vm.profile.nrCountersFrozenAfterRun && vm.hasRanOnce() && n !== vm.nrPmuCounters) {
    violated('config-frozen-after-run', `vm${vm.id}: SET_NR_COUNTERS changed N ${vm.nrPmuCounters} → ${n} after the VM ran`);
  }
  if (c['nr-counters-kept-at-reset'] && n > vm.maxCounters()) {
    violated('nr-counters-kept-at-reset', `vm${vm.id}: N = ${n} exceeds the PMU's ${vm.maxCounters()} counters`);
  }
}

/**
 * Item 11, at the end of a vCPU reset: the reset did not change N (`nBefore` is read where
 * the reset's writes begin, so a SET_NR_COUNTERS racing an unserialised reset — item 24, a
 * kernel hole on mainline — is not mistaken for it).
 */
export function checkResetKeepsN(vcpu: KvmVcpu, nBefore: number): void {
  const vm = vcpu.vm;
  if (vm.host.checks['nr-counters-kept-at-reset'] && vm.nrPmuCounters !== nBefore) {
    violated('nr-counters-kept-at-reset', `vm${vm.id}: resetting vCPU ${vcpu.id} changed N ${nBefore} → ${vm.nrPmuCounters}`);
  }
}

/** Item 25, after FILTER, SET_PMU or FIXED_COUNTERS_ONLY succeeded. */
export function checkFixedExclusive(vm: KvmVm): void {
  if (!vm.host.checks['fixed-excludes-filter'] || !vm.fixedCountersOnly()) return;
  if (vm.hasFlag(VM_FLAG.PMU_V3_EXPLICIT)) violated('fixed-excludes-filter', `vm${vm.id}: FIXED_COUNTERS_ONLY and an explicit SET_PMU are both in effect`);
  if (vm.profile.fixedExcludesFilter && vm.hasFilter()) violated('fixed-excludes-filter', `vm${vm.id}: FIXED_COUNTERS_ONLY and an event filter are both in effect`);
}

/** Item 27, after a first INIT failed: the VM's features are what they were. */
export function checkInitFailureRestores(vm: KvmVm, featuresBefore: number): void {
  if (vm.host.checks['init-failure-leaves-vm-unchanged'] && vm.profile.initFailureRestoresFeatures && vm.features !== featuresBefore) {
    violated('init-failure-leaves-vm-unchanged', `vm${vm.id}: a failed first INIT left features ${vm.features} (were ${featuresBefore})`);
  }
}
