/**
 * The partitioned PMU's context swap (spec §6.4, §6.5), after the kernel's pmu-direct.c:
 * `kvm_pmu_load` at vcpu_load writes the guest's registers into the physical CPU's PMU
 * (its bank in shared memory) and `kvm_pmu_put` at vcpu_put reads them back;
 * `kvm_pmu_set_physical_access` is the lazy FREE → GUEST_OWNED switch. Runs on the thread
 * of the CPU whose bank it writes, as part of vcpu_load / vcpu_put / a trapped access.
 *
 * Seam points: `pmuLoad` and `pmuPut` are generators with a point between their register
 * writes — after the counters and types, before the bitmaps; before the guest range is
 * released. Inside vcpu_load / vcpu_put they are steps of the vCPU thread (the sim may run
 * other threads there); a trapped access's load runs them as leaf work (`runLeaf`). The
 * points carry no migration: the swap runs with preemption disabled (v6). An overflow
 * interrupt lands between the writes as the hardware raises it: once the bitmaps are in.
 */
import { bit, CYCLE_IDX, EVENT, EVTYPER, PMCR } from '../arch/pmu-bits.js';
import { checkContextLoaded, checkContextSaved, checkGuestRangeOwned, checkNoStaleOverflow, checkOverflowKept } from '../check/partition-oracles.js';
import { point, runLeaf, type Op } from '../sync/seam.js';
import { NO_STEPS } from './no-steps.js';
import { takeGuestIrq } from './direct-exec.js';
import { computeMdcr32, mdcrHpmn, onShortCpu, pmuTrapped } from './mdcr.js';
import { implementedMask, stopCounter } from './pmu-emul.js';
import { PMU_ACCESS, PSTAT, REG, REQ, VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';

/** The guest range of a context with HPMN `n`: counters [0, n) and the cycle counter. */
export function guestMask(n: number): bigint {
  return ((1n << BigInt(n)) - 1n) | bit(CYCLE_IDX);
}

/** Every EL exclusion bit a filtered event gets in hardware (spec §6.4): EL1, EL0, EL3. */
const EXCLUDE_ALL = EVTYPER.P | EVTYPER.U | EVTYPER.M;

/**
 * The hardware event type for counter `i` (spec §6.4): the guest's type, or — for an event
 * the VM's filter denies — every EL excluded and INCLUDE_EL2 (NSH) cleared. The virtual
 * register keeps the guest's value. Returns the type and the event it selects.
 */
export function hwEventType(vcpu: KvmVcpu, i: number): { type: bigint; event: number } {
  const vm = vcpu.vm;
  const type = vcpu.evtyper(i);
  const event = i === CYCLE_IDX ? EVENT.CPU_CYCLES : Number(type & BigInt(vm.eventMask()));
  const never = event === EVENT.SW_INCR || event === EVENT.CHAIN; // never filtered (spec §4.9)
  if (!never && vm.hasFilter() && !vm.filterAllows(event)) return { type: (type | EXCLUDE_ALL) & ~EVTYPER.NSH, event };
  return { type, event };
}

/** The guest enabled counters (PMCR.E and a PMCNTENSET bit): "actively using the PMU" (§6.5). */
function activelyUsing(vcpu: KvmVcpu): boolean {
  return (vcpu.reg(REG.PMCR) & PMCR.E) !== 0n && (vcpu.reg(REG.PMCNTENSET) & implementedMask(vcpu)) !== 0n;
}

/** Writes counter `i` and its filtered type into the hardware. */
function loadCounter(vcpu: KvmVcpu, cpu: number, i: number): void {
  const banks = vcpu.vm.host.banks;
  banks.setCount(cpu, i, vcpu.evcntr(i));
  const { type, event } = hwEventType(vcpu, i);
  banks.setType(cpu, i, type, event);
}

export const LOAD_COUNTERS_POINT = point('kvm_pmu_load: counters and types written, bitmaps not yet');
export const PUT_RELEASE_POINT = point('kvm_pmu_put: context read back, guest range not yet released');

/**
 * The context is in hardware from here on: untrapped guest accesses act on it and the next
 * put reads it back (the oracle checks it holds the vCPU file, spec §6.4).
 */
function contextLive(vcpu: KvmVcpu, cpu: number): void {
  vcpu.contextCpu = cpu;
  checkContextLoaded(vcpu, cpu);
  checkGuestRangeOwned(vcpu, cpu, 'load');
}

/**
 * `kvm_pmu_load` (spec §6.4): skipped when not partitioned or when the vCPU runs with TPM
 * set (planted `swap-while-tpm-set` swaps anyway). The vCPU's perf events (the emulated
 * path's, from a trapped stretch) are folded first; host events leave the guest range
 * (§6.1); PMOVS is cleared (v6) before the bitmaps, so no stale flag raises an interrupt
 * (planted `pmovs-not-cleared-at-load` reverts that).
 */
export function* pmuLoad(vcpu: KvmVcpu, cpu: number): Op<void> {
  const vm = vcpu.vm;
  if (!vm.partitioned() || (pmuTrapped(vcpu) && !vm.planted('swap-while-tpm-set'))) return;
  for (let m = vcpu.eventMask(); m !== 0; m &= m - 1) stopCounter(vcpu, 31 - Math.clz32(m & -m)); // only counters with an event fold
  vcpu.setFlag(VCPU_FLAG.PMU_EVENTS_FOLDED);
  const banks = vm.host.banks;
  const n = mdcrHpmn(vcpu.mdcrEl2);
  vcpu.countStat(PSTAT.HOST_EVENTS_MOVED, banks.claimGuest(cpu, n));
  for (let i = 0; i < n; i++) loadCounter(vcpu, cpu, i);
  loadCounter(vcpu, cpu, CYCLE_IDX);
  yield LOAD_COUNTERS_POINT;
  banks.setPmuserenr(cpu, vcpu.reg(REG.PMUSERENR));
  banks.setPmselr(cpu, vcpu.reg(REG.PMSELR));
  banks.setPmcr(cpu, vcpu.reg(REG.PMCR));
  const mask = guestMask(n);
  if (!vm.planted('pmovs-not-cleared-at-load')) banks.writeBits(cpu, 'ovs', mask, mask, false); // PMOVSCLR_EL0 (v6)
  const cnten = vcpu.reg(REG.PMCNTENSET);
  const inten = vcpu.reg(REG.PMINTENSET);
  banks.writeBits(cpu, 'enable', cnten, mask, true); // PMCNTENSET_EL0 = val & mask
  banks.writeBits(cpu, 'enable', ~cnten, mask, false); // PMCNTENCLR_EL0 = ~val & mask
  banks.writeBits(cpu, 'inten', inten, mask, true);
  banks.writeBits(cpu, 'inten', ~inten, mask, false);
  checkNoStaleOverflow(vcpu, cpu);
  takeGuestIrq(vcpu, cpu); // §6.6: an interrupt the written registers assert lands here
  contextLive(vcpu, cpu);
  vcpu.countStat(PSTAT.SWAP_LOADS);
  // n + 1 counters and types, PMUSERENR, PMSELR, PMCR, two SET/CLR pairs, PMOVSCLR.
  vcpu.countStat(PSTAT.REGS_LOADED, 2 * (n + 1) + 3 + 4 + 1);
}

/**
 * `kvm_pmu_put` (spec §6.4): reads the context back (bitmaps only within the guest range),
 * hands overflow flags still in hardware to PMOVSSET (§6.6: none is lost across a put),
 * gives the guest range back to the host. The hardware keeps its flags — the put writes no
 * PMOVSCLR; the next load clears them (v6). With the debug-register rule (§6.5), a guest
 * not actively using its PMU gives up ownership: its next load keeps the traps.
 */
export function pmuPut(vcpu: KvmVcpu): Op<void> {
  // No context in hardware (every emulated vCPU, every put but a partitioned one's): no steps,
  // and no generator made for them — vcpu_put runs at every quantum.
  const cpu = vcpu.contextCpu;
  return cpu < 0 ? NO_STEPS : pmuPutSteps(vcpu, cpu);
}

function* pmuPutSteps(vcpu: KvmVcpu, cpu: number): Op<void> {
  const banks = vcpu.vm.host.banks;
  const n = banks.guestRange(cpu);
  const mask = guestMask(n);
  for (let i = 0; i < n; i++) vcpu.setReg(REG.EVCNTR + i, banks.read(cpu, i));
  vcpu.setReg(REG.EVCNTR + CYCLE_IDX, banks.read(cpu, CYCLE_IDX));
  vcpu.setReg(REG.PMUSERENR, banks.pmuserenr(cpu));
  vcpu.setReg(REG.PMSELR, banks.pmselr(cpu));
  vcpu.setReg(REG.PMCR, banks.pmcr(cpu));
  vcpu.setReg(REG.PMCNTENSET, (vcpu.reg(REG.PMCNTENSET) & ~mask) | (banks.enableMask(cpu) & mask));
  vcpu.setReg(REG.PMINTENSET, (vcpu.reg(REG.PMINTENSET) & ~mask) | (banks.intenMask(cpu) & mask));
  const ovs = banks.ovsMask(cpu) & mask;
  vcpu.setReg(REG.PMOVSSET, vcpu.reg(REG.PMOVSSET) | ovs);
  checkContextSaved(vcpu, cpu);
  checkOverflowKept(vcpu, cpu);
  checkGuestRangeOwned(vcpu, cpu, 'put');
  yield PUT_RELEASE_POINT;
  vcpu.countStat(PSTAT.HOST_EVENTS_MOVED, banks.releaseGuest(cpu));
  banks.writeBits(cpu, 'ovs', ovs, mask, true);
  vcpu.contextCpu = -1;
  vcpu.countStat(PSTAT.SWAP_PUTS);
  // n + 1 counters, PMUSERENR, PMSELR, PMCR, PMCNTENSET, PMINTENSET, PMOVSSET.
  vcpu.countStat(PSTAT.REGS_PUT, n + 1 + 6);
  if (vcpu.vm.profile.partitionSwap === 'lazy-debug' && !activelyUsing(vcpu)) vcpu.pmuAccess = PMU_ACCESS.FREE;
}

/**
 * vcpu_load's PMU part for every vCPU (spec §6.2): MDCR_EL2 for this CPU, then the swap.
 * A partitioned vCPU on a CPU short of counters is an unsupported CPU under
 * `partitionShortCpu: 'fail-entry'` (§6 is silent; docs/partition.md). One that traps
 * again after a loaded stretch gets its perf events back through KVM_REQ_RELOAD_PMU.
 */
export function vcpuLoadPmu(vcpu: KvmVcpu, cpu: number): Op<void> {
  // A plain function: its work before the swap is done when vcpu_load calls it (`yield*`
  // runs it at once), and only a swap is a generator — the emulated vCPU's load makes none.
  const vm = vcpu.vm;
  if (vm.partitioned()) {
    const profile = vm.profile;
    if (profile.partitionShortCpu === 'fail-entry' && onShortCpu(vcpu, cpu)) vcpu.setFlag(VCPU_FLAG.ON_UNSUPPORTED_CPU);
    const own = profile.partitionSwap === 'eager' || (profile.partitionSwap === 'lazy-debug' && activelyUsing(vcpu));
    if (own) vcpu.pmuAccess = PMU_ACCESS.GUEST_OWNED;
  }
  const mdcr = computeMdcr32(vcpu, cpu);
  vcpu.mdcr32 = mdcr;
  vcpu.setMdcrAtLoad32(mdcr);
  if (!pmuTrapped(vcpu) || vm.planted('swap-while-tpm-set')) return pmuLoad(vcpu, cpu);
  if (vcpu.hasFlag(VCPU_FLAG.PMU_EVENTS_FOLDED)) {
    vcpu.clearFlag(VCPU_FLAG.PMU_EVENTS_FOLDED);
    vcpu.makeRequest(REQ.RELOAD_PMU);
  }
  return NO_STEPS;
}

/**
 * `kvm_pmu_set_physical_access` (spec §6.5), on a trapped PMU access of a partitioned
 * vCPU: FREE → GUEST_OWNED and MDCR_EL2 recomputed. If that untraps it, the context is
 * loaded at once (v5), so what the guest wrote while trapped reaches the hardware and is
 * not clobbered by the next put. Planted `physical-switch-clobbers-writes` reverts v5: the
 * untrapped guest meets the hardware as it is (the range claimed, nothing written), and the
 * next put reads that back over the vCPU file.
 */
export function setPhysicalAccess(vcpu: KvmVcpu, cpu: number): void {
  if (!vcpu.vm.partitioned() || vcpu.pmuAccess === PMU_ACCESS.GUEST_OWNED) return;
  vcpu.pmuAccess = PMU_ACCESS.GUEST_OWNED;
  vcpu.mdcr32 = computeMdcr32(vcpu, cpu);
  if (!vcpu.vm.planted('physical-switch-clobbers-writes')) return runLeaf(pmuLoad(vcpu, cpu));
  if (pmuTrapped(vcpu)) return;
  vcpu.vm.host.banks.claimGuest(cpu, mdcrHpmn(vcpu.mdcrEl2));
  contextLive(vcpu, cpu);
}
