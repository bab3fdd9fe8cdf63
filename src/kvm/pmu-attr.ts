/**
 * The KVM_ARM_VCPU_PMU_V3_CTRL attribute group (spec §3): SET under config_lock (taken by
 * the caller, guest.c), GET and HAS without any KVM lock. Errnos come in exactly the
 * order the spec lists them.
 */
import { errno } from '../arch/errno.js';
import { uapi } from '../arch/uapi.js';
import { eventMaskFor } from '../arch/pmuver.js';
import type { Op } from '../sync/seam.js';
import { assertHeld } from '../sync/assert-held.js';
import { checkArmPmuWrite, checkConfigBeforeRun, checkFixedExclusive, checkNrCountersWrite } from '../check/config-oracles.js';
import { TIMER_PPIS, isPpi, isSpi } from './vgic.js';
import { getEnablePartition, setEnablePartition } from './partition-attr.js';
import type { KvmVcpu } from './vcpu-state.js';
import { VCPU_FLAG } from './vcpu-state.js';
import { VM_FLAG } from './vm-state.js';
import type { KvmVm } from './vm-state.js';

/** The FILTER payload, `struct kvm_pmu_event_filter`. */
export interface PmuEventFilter {
  baseEvent: number;
  nevents: number;
  action: number;
}

export type AttrValue = number | PmuEventFilter | undefined;

const A = uapi;

function fixedAttrEnabled(vm: KvmVm): boolean {
  return vm.profile.attr5 === 'fixed-counters-only';
}

function partitionAttrEnabled(vm: KvmVm): boolean {
  return vm.profile.attr5 === 'enable-partition';
}

/** `kvm_arm_pmu_v3_set_attr`; the caller holds config_lock. */
export function* pmuV3SetAttr(vcpu: KvmVcpu, attr: number, value: AttrValue): Op<number> {
  const vm = vcpu.vm;
  assertHeld(vm.configLock); // lockdep_assert_held(&kvm->arch.config_lock)
  // §3.0 common prologue.
  if (!vcpu.hasPmu()) return -errno.ENODEV;
  if (vcpu.hasFlag(VCPU_FLAG.PMU_CREATED)) return -errno.EBUSY;
  // Planted `lazy-default-pmu` (§8 item 3, before 427733579744): the first PMU attribute
  // probes the default PMU. The old probe used the caller's CPU; a VMM thread's CPU is not
  // modelled, so CPU 0's PMU.
  if (vm.armPmu < 0 && vm.planted('lazy-default-pmu')) {
    const entry = yield* vm.host.list.probe(0);
    if (entry >= 0) armSetPmu(vm, entry, 'default');
  }
  switch (attr) {
    case A.KVM_ARM_VCPU_PMU_V3_IRQ:
      return setIrq(vcpu, value);
    case A.KVM_ARM_VCPU_PMU_V3_INIT:
      return initPmu(vcpu);
    case A.KVM_ARM_VCPU_PMU_V3_FILTER:
      return setFilter(vm, value);
    case A.KVM_ARM_VCPU_PMU_V3_SET_PMU:
      return yield* setPmu(vm, value);
    case A.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS:
      return setNrCounters(vm, value);
    case A.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY: // = ENABLE_PARTITION: the profile decides (§9 f)
      if (fixedAttrEnabled(vm)) return setFixedCountersOnly(vm);
      if (partitionAttrEnabled(vm)) return yield* setEnablePartition(vm, typeof value === 'number' ? value : undefined);
      return -errno.ENXIO;
    default:
      return -errno.ENXIO;
  }
}

/** `pmu_irq_is_valid` (spec §3.1 step 4). */
function irqIsValid(vm: KvmVm, irq: number): boolean {
  for (const other of vm.vcpus) {
    if (!other.hasFlag(VCPU_FLAG.CREATED) || !other.irqInitialized()) continue;
    if (isPpi(irq) ? other.irqNum !== irq : other.irqNum === irq) return false;
  }
  return true;
}

function setIrq(vcpu: KvmVcpu, value: AttrValue): number {
  if (!vcpu.vm.vgic.created) return -errno.EINVAL;
  if (typeof value !== 'number') return -errno.EFAULT;
  const irq = value;
  if (!isPpi(irq) && !isSpi(irq)) return -errno.EINVAL;
  if (!irqIsValid(vcpu.vm, irq)) return -errno.EINVAL;
  if (vcpu.irqInitialized()) return -errno.EBUSY;
  vcpu.irqNum = irq;
  return 0;
}

/** `kvm_arm_pmu_v3_init` (spec §3.2). */
function initPmu(vcpu: KvmVcpu): number {
  const vgic = vcpu.vm.vgic;
  if (vgic.created) {
    if (!vgic.initialized) return -errno.ENODEV;
    if (!vcpu.irqInitialized()) return -errno.ENXIO;
    const timerOwnsIt = vcpu.hasFlag(VCPU_FLAG.TIMER_ENABLED) && TIMER_PPIS.includes(vcpu.irqNum);
    const ret = vgic.setOwner(vcpu.id, vcpu.irqNum, timerOwnsIt);
    if (ret) return ret;
  }
  vcpu.setFlag(VCPU_FLAG.PMU_CREATED);
  return 0;
}

/** `kvm_arm_pmu_v3_set_attr` FILTER case (spec §3.3). */
function setFilter(vm: KvmVm, value: AttrValue): number {
  const nrEvents = eventMaskFor(vm.host.pmuverLimit) + 1; // the host limit, on purpose
  if (typeof value !== 'object') return -errno.EFAULT;
  const { baseEvent, nevents, action } = value;
  if ((baseEvent + nevents) >>> 0 > nrEvents || (action !== A.KVM_PMU_EVENT_ALLOW && action !== A.KVM_PMU_EVENT_DENY)) {
    return -errno.EINVAL;
  }
  if (vm.hasRanOnce() && !vm.planted('config-after-run')) return -errno.EBUSY;
  if (vm.profile.fixedExcludesFilter && vm.fixedCountersOnly() && !vm.planted('fixed-with-filter')) return -errno.EBUSY;
  if (!vm.hasFilter()) vm.createFilter(nrEvents, action === A.KVM_PMU_EVENT_DENY);
  vm.setFilterRange(baseEvent, nevents, action === A.KVM_PMU_EVENT_ALLOW);
  checkConfigBeforeRun(vm, 'FILTER');
  checkFixedExclusive(vm);
  return 0;
}

/** `kvm_arm_set_pmu`: select the PMU; the counter count resets to its max (spec §1.3, §3.4). */
export function armSetPmu(vm: KvmVm, entry: number, why: 'default' | 'set-pmu'): void {
  assertHeld(vm.configLock); // lockdep_assert_held(&kvm->arch.config_lock)
  checkArmPmuWrite(vm, entry, why);
  vm.armPmu = entry;
  vm.nrPmuCounters = vm.maxCounters();
}

/** `kvm_arm_pmu_v3_set_pmu` (spec §3.4); config_lock held, arm_pmus read side nested in it. */
function* setPmu(vm: KvmVm, value: AttrValue): Op<number> {
  if (typeof value !== 'number') return -errno.EFAULT;
  const list = vm.host.list;
  yield list.readLock();
  const entry = yield* list.findType(value);
  let ret = -errno.ENXIO;
  if (entry >= 0) {
    const ran = vm.hasRanOnce() && !vm.planted('config-after-run');
    const partitionBlocks = vm.profile.partitionExcludesSetPmu && vm.partitioned();
    if (ran || (vm.hasFilter() && entry !== vm.armPmu) || vm.fixedCountersOnly() || partitionBlocks) {
      ret = -errno.EBUSY;
    } else {
      checkConfigBeforeRun(vm, 'SET_PMU');
      if (fixedAttrEnabled(vm) || vm.profile.partitionExcludesSetPmu) vm.setFlag(VM_FLAG.PMU_V3_EXPLICIT);
      armSetPmu(vm, entry, 'set-pmu');
      vm.setSupportedCpusFromPmu(entry);
      checkFixedExclusive(vm);
      ret = 0;
    }
  }
  yield list.readUnlock();
  return ret;
}

/** `kvm_arm_pmu_v3_set_nr_counters` (spec §3.5). */
function setNrCounters(vm: KvmVm, value: AttrValue): number {
  if (typeof value !== 'number') return -errno.EFAULT;
  const n = value >>> 0; // unsigned int
  if (vm.armPmu < 0) return -errno.EINVAL;
  if (vm.profile.nrCountersFrozenAfterRun && vm.hasRanOnce() && !vm.planted('nr-counters-not-frozen')) return -errno.EBUSY;
  if (n > vm.maxCounters()) return -errno.EINVAL;
  checkNrCountersWrite(vm, n);
  if (vm.hasRanOnce() && n !== vm.nrPmuCounters) vm.countNrCountersChangedAfterRun(); // the §8 item 13 hole
  vm.nrPmuCounters = n;
  return 0;
}

/** FIXED_COUNTERS_ONLY (spec §3.6, v8). */
function setFixedCountersOnly(vm: KvmVm): number {
  const filterBlocks = vm.profile.fixedExcludesFilter && vm.hasFilter() && !vm.planted('fixed-with-filter');
  if (vm.hasRanOnce() || filterBlocks || vm.hasFlag(VM_FLAG.PMU_V3_EXPLICIT)) return -errno.EBUSY;
  vm.setFlag(VM_FLAG.PMU_V3_FIXED_COUNTERS_ONLY);
  vm.nrPmuCounters = 0;
  checkFixedExclusive(vm);
  return 0;
}

export interface GetAttrResult {
  ret: number;
  value?: number;
}

/** `kvm_arm_pmu_v3_get_attr` (no KVM lock). */
export function pmuV3GetAttr(vcpu: KvmVcpu, attr: number): GetAttrResult {
  const vm = vcpu.vm;
  if (attr === A.KVM_ARM_VCPU_PMU_V3_IRQ) {
    if (!vm.vgic.created) return { ret: -errno.EINVAL };
    if (!vcpu.hasPmu()) return { ret: -errno.ENODEV };
    if (!vcpu.irqInitialized()) return { ret: -errno.ENXIO };
    return { ret: 0, value: vcpu.irqNum };
  }
  if (attr === A.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY && fixedAttrEnabled(vm)) {
    return { ret: vm.fixedCountersOnly() ? 0 : -errno.ENXIO };
  }
  if (attr === A.KVM_ARM_VCPU_PMU_V3_ENABLE_PARTITION && partitionAttrEnabled(vm)) return getEnablePartition(vcpu);
  return { ret: -errno.ENXIO };
}

/** `kvm_arm_pmu_v3_has_attr` (no KVM lock). */
export function pmuV3HasAttr(vcpu: KvmVcpu, attr: number): number {
  const known =
    (attr >= A.KVM_ARM_VCPU_PMU_V3_IRQ && attr <= A.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS) ||
    (attr === A.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY && (fixedAttrEnabled(vcpu.vm) || partitionAttrEnabled(vcpu.vm)));
  return known && vcpu.hasPmu() ? 0 : -errno.ENXIO;
}
