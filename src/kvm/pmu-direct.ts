/**
 * The partitioned PMU's context swap (spec §6.4, §6.5), after the kernel's pmu-direct.c:
 * `kvm_pmu_load` at vcpu_load writes the guest's registers into the physical CPU's PMU
 * (its bank in shared memory) and `kvm_pmu_put` at vcpu_put reads them back;
 * `kvm_pmu_set_physical_access` is the lazy FREE → GUEST_OWNED switch. Runs on the thread
 * of the CPU whose bank it writes, as part of vcpu_load / vcpu_put / a trapped access.
 *
 * Seam points for the sim (the lead's): the swap is leaf work today; a point between the
 * counters and the bitmaps in `pmuLoad` (after `loadCounters`) and before `releaseGuest` in
 * `pmuPut` are where a migration or an overflow would interleave.
 */
import { bit, CYCLE_IDX, EVENT, EVTYPER, PMCR } from '../arch/pmu-bits.js';
import { computeMdcr, mdcrHpmn, onShortCpu, pmuTrapped } from './mdcr.js';
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

/**
 * `kvm_pmu_load` (spec §6.4): skipped when not partitioned or when the vCPU runs with TPM
 * set. The vCPU's perf events (the emulated path's, from a trapped stretch) are folded
 * first; host events leave the guest range (§6.1); PMOVS is cleared (v6).
 */
export function pmuLoad(vcpu: KvmVcpu, cpu: number): void {
  if (!vcpu.vm.partitioned() || pmuTrapped(vcpu)) return;
  for (let i = 0; i < 32; i++) stopCounter(vcpu, i);
  vcpu.setFlag(VCPU_FLAG.PMU_EVENTS_FOLDED);
  const banks = vcpu.vm.host.banks;
  const n = mdcrHpmn(vcpu.mdcrEl2);
  vcpu.countStat(PSTAT.HOST_EVENTS_MOVED, banks.claimGuest(cpu, n));
  for (let i = 0; i < n; i++) loadCounter(vcpu, cpu, i);
  loadCounter(vcpu, cpu, CYCLE_IDX);
  banks.setPmuserenr(cpu, vcpu.reg(REG.PMUSERENR));
  banks.setPmselr(cpu, vcpu.reg(REG.PMSELR));
  banks.setPmcr(cpu, vcpu.reg(REG.PMCR));
  const mask = guestMask(n);
  const cnten = vcpu.reg(REG.PMCNTENSET);
  const inten = vcpu.reg(REG.PMINTENSET);
  banks.writeBits(cpu, 'enable', cnten, mask, true); // PMCNTENSET_EL0 = val & mask
  banks.writeBits(cpu, 'enable', ~cnten, mask, false); // PMCNTENCLR_EL0 = ~val & mask
  banks.writeBits(cpu, 'inten', inten, mask, true);
  banks.writeBits(cpu, 'inten', ~inten, mask, false);
  banks.writeBits(cpu, 'ovs', mask, mask, false); // PMOVSCLR_EL0: no spurious interrupt (v6)
  vcpu.contextCpu = cpu;
  vcpu.countStat(PSTAT.SWAP_LOADS);
  // n + 1 counters and types, PMUSERENR, PMSELR, PMCR, two SET/CLR pairs, PMOVSCLR.
  vcpu.countStat(PSTAT.REGS_LOADED, 2 * (n + 1) + 3 + 4 + 1);
}

/**
 * `kvm_pmu_put` (spec §6.4): reads the context back (bitmaps only within the guest range),
 * hands overflow flags still in hardware to PMOVSSET (§6.6: none is lost across a put),
 * gives the guest range back to the host. With the debug-register rule (§6.5), a guest
 * not actively using its PMU gives up ownership: its next load keeps the traps.
 */
export function pmuPut(vcpu: KvmVcpu): void {
  const cpu = vcpu.contextCpu;
  if (cpu < 0) return;
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
  vcpu.setReg(REG.PMOVSSET, vcpu.reg(REG.PMOVSSET) | (banks.ovsMask(cpu) & mask));
  vcpu.countStat(PSTAT.HOST_EVENTS_MOVED, banks.releaseGuest(cpu));
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
export function vcpuLoadPmu(vcpu: KvmVcpu, cpu: number): void {
  const vm = vcpu.vm;
  if (vm.partitioned()) {
    const profile = vm.profile;
    if (profile.partitionShortCpu === 'fail-entry' && onShortCpu(vcpu, cpu)) vcpu.setFlag(VCPU_FLAG.ON_UNSUPPORTED_CPU);
    const own = profile.partitionSwap === 'eager' || (profile.partitionSwap === 'lazy-debug' && activelyUsing(vcpu));
    if (own) vcpu.pmuAccess = PMU_ACCESS.GUEST_OWNED;
  }
  vcpu.mdcrEl2 = computeMdcr(vcpu, cpu);
  if (!pmuTrapped(vcpu)) {
    pmuLoad(vcpu, cpu);
  } else if (vcpu.hasFlag(VCPU_FLAG.PMU_EVENTS_FOLDED)) {
    vcpu.clearFlag(VCPU_FLAG.PMU_EVENTS_FOLDED);
    vcpu.makeRequest(REQ.RELOAD_PMU);
  }
}

/**
 * `kvm_pmu_set_physical_access` (spec §6.5), on a trapped PMU access of a partitioned
 * vCPU: FREE → GUEST_OWNED and MDCR_EL2 recomputed. If that untraps it, the context is
 * loaded at once (v5), so what the guest wrote while trapped reaches the hardware and is
 * not clobbered by the next put.
 */
export function setPhysicalAccess(vcpu: KvmVcpu, cpu: number): void {
  if (!vcpu.vm.partitioned() || vcpu.pmuAccess === PMU_ACCESS.GUEST_OWNED) return;
  vcpu.pmuAccess = PMU_ACCESS.GUEST_OWNED;
  vcpu.mdcrEl2 = computeMdcr(vcpu, cpu);
  pmuLoad(vcpu, cpu);
}
