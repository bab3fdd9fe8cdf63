/**
 * Counter emulation (spec §2.2, §4.2, §4.4–§4.7, §5.2, §5.4): counter values and widths,
 * the perf events that back counters, reprogramming, KVM_REQ_RELOAD_PMU and PMCR writes.
 * Mirrors arch/arm64/kvm/pmu-emul.c. Every function here is leaf work: it runs under the
 * caller's vcpu->mutex (or as the running vCPU) and reads VM-wide config lock-free, as
 * the kernel does (spec §5.1 "none" row). Event creation has one point (FIXED mode, after
 * it read vcpu->cpu): a step where KVM_RUN services RELOAD, passed over everywhere else.
 */
import { bit, CYCLE_IDX, EVENT, EVTYPER, PMCR, U32, U64 } from '../arch/pmu-bits.js';
import { PMUVER } from '../arch/pmuver.js';
import { hardwareCount, scheduleEvent, setEventEnabled, unscheduleEvent } from './perf-sched.js';
import { point, runLeaf, type Op, type SyncOp } from '../sync/seam.js';
import { EV, REG, REQ, type KvmVcpu } from './vcpu-state.js';
import { checkEventImplemented } from '../check/pmu-oracles.js';

/** Bits of PMCR_EL0's low half (spec §4.1), as numbers for the hot paths. */
const PMCR_E = 1 << 0;
const PMCR_LC = 1 << 6;
const PMCR_LP = 1 << 7;
const PMCR_N_FIELD = 0x1f << 11;

/** PMCR_EL0.N as the guest and userspace read it: nr_pmu_counters in its 5-bit field. */
export function pmcrN(vcpu: KvmVcpu): number {
  return vcpu.vm.nrPmuCounters & 0x1f;
}

/** `kvm_vcpu_read_pmcr`: stored PMCR with N = nr_pmu_counters (spec §4.0). */
export function readPmcr(vcpu: KvmVcpu): bigint {
  const n = vcpu.vm.nrPmuCounters;
  if (n >>> 5 !== 0) {
    // Never with a valid counter count (≤ 31): the field's overflow, as the kernel's OR has it.
    return (vcpu.reg(REG.PMCR) & ~(PMCR.N_MASK << PMCR.N_SHIFT)) | (BigInt(n) << PMCR.N_SHIFT);
  }
  const lo = ((vcpu.lo(REG.PMCR) & ~PMCR_N_FIELD) | (n << 11)) >>> 0;
  const hi = vcpu.hi(REG.PMCR);
  return hi === 0 ? BigInt(lo) : (BigInt(hi) << 32n) | BigInt(lo);
}

/** `kvm_pmu_implemented_counter_mask` as a 32-bit number: bits [0, N) ∪ {31} (spec §4.0). */
export function implementedMask32(vcpu: KvmVcpu): number {
  const n = pmcrN(vcpu);
  return ((n === 31 ? 0x7fffffff : (1 << n) - 1) | 0x80000000) >>> 0;
}

/** `kvm_pmu_implemented_counter_mask`: bits [0, N) ∪ {31} (spec §4.0). */
export function implementedMask(vcpu: KvmVcpu): bigint {
  return BigInt(implementedMask32(vcpu));
}

/** `kvm_pmu_accessible_counter_mask`: = implemented without NV (no vEL2 in this model). */
export const accessibleMask = implementedMask;
export const accessibleMask32 = implementedMask32;

/** Index validity for counter/type accessors: i < PMCR.N or i == 31 (spec §4.0). */
export function counterIndexValid(vcpu: KvmVcpu, i: number): boolean {
  return i === CYCLE_IDX || (i >= 0 && i < pmcrN(vcpu));
}

/** `kvm_pmc_is_64bit` (spec §4.4). */
export function isLong(vcpu: KvmVcpu, i: number): boolean {
  return i === CYCLE_IDX || vcpu.vm.countersAre64bit();
}

/** `kvm_pmc_has_64bit_overflow` (spec §4.4). */
export function overflowsAt64(vcpu: KvmVcpu, i: number): boolean {
  return (vcpu.lo(REG.PMCR) & (i === CYCLE_IDX ? PMCR_LC : PMCR_LP)) !== 0;
}

/** `kvm_pmu_counter_can_chain` (spec §4.4). */
export function canChain(vcpu: KvmVcpu, i: number): boolean {
  return (i & 1) === 0 && i + 1 < CYCLE_IDX && !overflowsAt64(vcpu, i);
}

/** `kvm_pmu_counter_is_enabled`: PMCNTENSET[i] && PMCR.E (spec §4.0, no hyp range). */
export function pmcEnabled(vcpu: KvmVcpu, i: number): boolean {
  return (vcpu.lo(REG.PMCR) & PMCR_E) !== 0 && ((vcpu.lo(REG.PMCNTENSET) >>> i) & 1) !== 0;
}

/**
 * `kvm_pmu_get_pmc_value`: stored + live perf count (folded count + what the hardware
 * counted since sched-in), truncated unless 64-bit (spec §2.2).
 */
export function counterValue(vcpu: KvmVcpu, i: number): bigint {
  let v = vcpu.evcntr(i);
  if (vcpu.hasEvent(i)) v = (v + vcpu.evCount[i]! + hardwareCount(vcpu, i)) & U64;
  return isLong(vcpu, i) ? v : v & U32;
}

/** `kvm_pmu_release_perf_event`: destroy the event (off the hardware too), losing its count. */
export function releasePerfEvent(vcpu: KvmVcpu, i: number): void {
  unscheduleEvent(vcpu, i);
  vcpu.clearEvent(i);
}

/** `kvm_pmu_stop_counter`: fold the live count into the register, then release. */
export function stopCounter(vcpu: KvmVcpu, i: number): void {
  if (!vcpu.hasEvent(i)) return;
  vcpu.setReg(REG.EVCNTR + i, counterValue(vcpu, i));
  releasePerfEvent(vcpu, i);
}

/**
 * The host PMU an event for this vCPU is created on: the VM's `arm_pmu`, or in
 * FIXED_COUNTERS_ONLY mode the PMU covering `READ_ONCE(vcpu->cpu)` (spec §5.5), retried
 * by the caller if the vCPU moved meanwhile. -1: none (the kernel WARNs and gives up).
 */
function eventPmuFor(vcpu: KvmVcpu): number {
  const vm = vcpu.vm;
  if (!vm.fixedCountersOnly()) return vm.armPmu;
  return vm.host.list.firstCovering(vcpu.cpu);
}

/**
 * The point in FIXED-mode event creation right after `READ_ONCE(vcpu->cpu)` picked the PMU:
 * the creation runs preemptible (check_vcpu_requests), so the vCPU thread may migrate
 * before the event is bound (§8 item 26). Callers in a run give a point that can migrate.
 */
export const CREATE_EVENT_POINT_LABEL = 'create_perf_event: after READ_ONCE(vcpu->cpu)';
const CREATE_EVENT_POINT = point(CREATE_EVENT_POINT_LABEL);

/** `kvm_pmu_create_perf_event` (spec §5.2), as leaf work. */
export function createPerfEvent(vcpu: KvmVcpu, i: number): void {
  runLeaf(createPerfEventSteps(vcpu, i, CREATE_EVENT_POINT));
}

/** `kvm_pmu_create_perf_event` with its FIXED-mode point (`at`) as a step. */
export function* createPerfEventSteps(vcpu: KvmVcpu, i: number, at: SyncOp): Op<void> {
  const vm = vcpu.vm;
  const type = vcpu.evtyper(i);
  stopCounter(vcpu, i);
  const sel = i === CYCLE_IDX ? EVENT.CPU_CYCLES : Number(type & BigInt(vm.eventMask()));
  if (sel === EVENT.SW_INCR || sel === EVENT.CHAIN) return;
  if (vm.hasFilter() && !vm.filterAllows(sel)) return;
  for (;;) {
    const entry = eventPmuFor(vcpu);
    if (entry < 0) return;
    if (vm.fixedCountersOnly()) yield at;
    const pmu = vm.host.pmuOf(entry);
    if (pmu.mapsEvents && !pmu.events.includes(sel)) return; // map_pmuv3_event < 0
    const u = (type & EVTYPER.U) !== 0n;
    const nsu = (type & EVTYPER.NSU) !== 0n;
    const p = (type & EVTYPER.P) !== 0n;
    const nsk = (type & EVTYPER.NSK) !== 0n;
    let flags = 0;
    if (pmcEnabled(vcpu, i)) flags |= EV.ENABLED;
    if (u !== nsu) flags |= EV.EXCLUDE_USER;
    if (p !== nsk) flags |= EV.EXCLUDE_KERNEL;
    if (isLong(vcpu, i)) flags |= EV.LONG;
    checkEventImplemented(vcpu, i);
    vcpu.setEvent(i, entry, sel, flags);
    scheduleEvent(vcpu, i); // a pinned event of a loaded vCPU goes on the hardware now
    // FIXED mode: retry if vcpu->cpu moved to a CPU this PMU does not cover (spec §5.5),
    // releasing the event bound to the wrong PMU (its count folded first).
    if (!vm.fixedCountersOnly() || vm.host.list.covers(entry, vcpu.cpu)) return;
    stopCounter(vcpu, i);
  }
}

/** The event exists but is bound to a PMU that cannot count on the vCPU's current CPU. */
function eventOnForeignPmu(vcpu: KvmVcpu, i: number): boolean {
  return vcpu.hasEvent(i) && !vcpu.vm.host.list.covers(vcpu.eventPmu(i), vcpu.cpu);
}

/**
 * `kvm_pmu_reprogram_counter_mask` for the bits in `mask`: an enabled counter gets its
 * event created (if missing) or enabled; a disabled one has its event disabled. In
 * FIXED mode an event on a PMU that does not cover the current CPU is re-created (the
 * value is kept: creation folds the old event first), spec §5.5.
 */
export function reprogram(vcpu: KvmVcpu, mask: bigint): void {
  runLeaf(reprogramSteps(vcpu, mask, CREATE_EVENT_POINT));
}

/** `reprogram` with event creation's FIXED-mode point (`at`) as a step. */
function* reprogramSteps(vcpu: KvmVcpu, mask: bigint, at: SyncOp): Op<void> {
  if (!vcpu.hasPmu() || mask === 0n) return;
  const fixed = vcpu.vm.fixedCountersOnly();
  for (let i = 0; i < 32; i++) {
    if ((mask & bit(i)) === 0n) continue;
    if (pmcEnabled(vcpu, i)) {
      // Planted `fixed-reload-keeps-foreign-event`: only a missing event is created.
      const foreign = fixed && eventOnForeignPmu(vcpu, i) && !vcpu.vm.planted('fixed-reload-keeps-foreign-event');
      if (!vcpu.hasEvent(i) || foreign) yield* createPerfEventSteps(vcpu, i, at);
      else setEventEnabled(vcpu, i, true);
    } else if (vcpu.hasEvent(i)) {
      setEventEnabled(vcpu, i, false);
    }
  }
}

/**
 * `kvm_vcpu_reload_pmu`, the KVM_REQ_RELOAD_PMU handler (spec §5.4), with event creation's
 * FIXED-mode point (`at`) as a step.
 */
export function* reloadPmu(vcpu: KvmVcpu, at: SyncOp = CREATE_EVENT_POINT): Op<void> {
  // A loaded partitioned context (spec §6.4) is in hardware, masked at load: no perf events.
  if (vcpu.contextCpu >= 0) return;
  const mask = implementedMask(vcpu);
  // Planted `reload-before-mask` (§8 item 9): reprogram what PMCNTENSET holds, then mask.
  if (vcpu.vm.planted('reload-before-mask')) yield* reprogramSteps(vcpu, vcpu.reg(REG.PMCNTENSET) | mask, at);
  vcpu.setReg(REG.PMOVSSET, vcpu.reg(REG.PMOVSSET) & mask);
  vcpu.setReg(REG.PMINTENSET, vcpu.reg(REG.PMINTENSET) & mask);
  vcpu.setReg(REG.PMCNTENSET, vcpu.reg(REG.PMCNTENSET) & mask);
  yield* reprogramSteps(vcpu, mask, at);
}

/** `kvm_pmu_set_pmc_value` (spec §4.5): release (count lost), store, re-create. */
export function setPmcValue(vcpu: KvmVcpu, i: number, v: bigint, force: boolean): void {
  releasePerfEvent(vcpu, i);
  let value = v & U64;
  if (vcpu.isAarch32() && i !== CYCLE_IDX && !force) {
    const upper = vcpu.evcntr(i) & (U32 << 32n);
    // §4.5 anomaly: the kernel overwrites `val` with the old upper half before OR-ing
    // in the low half of that same variable, so the written low 32 bits are lost.
    value = vcpu.vm.profile.aarch32CounterWriteAnomaly ? upper : upper | (value & U32);
  }
  vcpu.setReg(REG.EVCNTR + i, value);
  createPerfEvent(vcpu, i);
}

/** `kvm_pmu_set_counter_value`: the guest's non-forced write. */
export function setCounterValue(vcpu: KvmVcpu, i: number, v: bigint): void {
  setPmcValue(vcpu, i, v, false);
}

/** `kvm_pmu_set_counter_event_type` (spec §4.7). */
export function setEventType(vcpu: KvmVcpu, i: number, v: bigint): void {
  vcpu.setReg(REG.EVTYPER + i, v & vcpu.vm.evtyperMask());
  createPerfEvent(vcpu, i);
}

/**
 * `kvm_pmu_counter_increment` (spec §4.6): SW_INCR / CHAIN increments on the stored value
 * only (such counters never have perf events).
 */
export function increment(vcpu: KvmVcpu, mask: bigint, event: number): void {
  if ((vcpu.reg(REG.PMCR) & PMCR.E) === 0n) return;
  const m = mask & vcpu.reg(REG.PMCNTENSET);
  const evmask = BigInt(vcpu.vm.eventMask());
  for (let i = 0; i < CYCLE_IDX; i++) {
    if ((m & bit(i)) === 0n) continue;
    if (Number(vcpu.evtyper(i) & evmask) !== event) continue;
    let v = (vcpu.evcntr(i) + 1n) & U64;
    if (!isLong(vcpu, i)) v &= U32;
    vcpu.setReg(REG.EVCNTR + i, v);
    const wrapped = overflowsAt64(vcpu, i) ? v === 0n : (v & U32) === 0n;
    if (!wrapped) continue;
    vcpu.setReg(REG.PMOVSSET, vcpu.reg(REG.PMOVSSET) | bit(i));
    if (canChain(vcpu, i)) increment(vcpu, bit(i + 1), EVENT.CHAIN);
  }
}

/** `kvm_pmu_handle_pmcr`, the guest's PMCR_EL0 write (spec §4.2). `v` is the merged value. */
export function handlePmcr(vcpu: KvmVcpu, v: bigint): void {
  let val = v;
  if (vcpu.vm.pmuver < PMUVER.V3P5 || vcpu.vm.pmuver === PMUVER.IMP_DEF) val &= ~PMCR.LP;
  const old = vcpu.reg(REG.PMCR);
  if (((old ^ val) & PMCR.E) !== 0n) vcpu.makeRequest(REQ.RELOAD_PMU);
  vcpu.setReg(REG.PMCR, val & ~(PMCR.C | PMCR.P) & ~(PMCR.N_MASK << PMCR.N_SHIFT));
  if ((val & PMCR.C) !== 0n) setCounterValue(vcpu, CYCLE_IDX, 0n);
  if ((val & PMCR.P) !== 0n) {
    const mask = accessibleMask(vcpu) & ~bit(CYCLE_IDX);
    for (let i = 0; i < CYCLE_IDX; i++) if ((mask & bit(i)) !== 0n) setPmcValue(vcpu, i, 0n, true);
  }
}
