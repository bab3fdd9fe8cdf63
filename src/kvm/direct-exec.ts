/**
 * A partitioned guest counting directly on the physical CPU's counters (spec §6.1, §6.6):
 * the guest range counts what its hardware event types select, at the ELs they do not
 * exclude, while PMCR.E (the guest's) and PMCNTENSET allow it. A counter wrapping at its
 * overflow width sets its hardware overflow flag; the PMU interrupt is asserted while a
 * guest-range flag meets its PMINTENSET bit and PMCR.E, and then the host's handler hands
 * the guest range's flags to the running vCPU's PMOVSSET (`kvm_pmu_handle_guest_irq`) and
 * kicks it. Flags of counters without the interrupt stay in hardware (the guest reads them
 * there) until the put folds them into PMOVSSET.
 */
import { bit, CYCLE_IDX, EVENT, EVTYPER, PMCR, U32, U64 } from '../arch/pmu-bits.js';
import { checkDirectCycles, checkDirectOverflow, checkGuestRangeOwned } from '../check/partition-oracles.js';
import { guestMask } from './pmu-direct.js';
import { overflowPending } from './pmu-irq.js';
import { REG, REQ, type KvmVcpu } from './vcpu-state.js';

/** Overflow at 64 bits: the cycle counter with PMCR.LC, an event counter with LP and FEAT_PMUv3p5 (spec §4.4). */
function overflowsAt64(vcpu: KvmVcpu, pmcr: bigint, i: number): boolean {
  if (i === CYCLE_IDX) return (pmcr & PMCR.LC) !== 0n;
  return vcpu.vm.countersAre64bit() && (pmcr & PMCR.LP) !== 0n;
}

/** `kvm_pmu_handle_guest_irq` (spec §6.6): guest-range overflow flags → PMOVSSET, cleared in hardware. */
function handleGuestIrq(vcpu: KvmVcpu, cpu: number): void {
  const banks = vcpu.vm.host.banks;
  const mask = guestMask(banks.guestRange(cpu));
  const ovs = banks.ovsMask(cpu) & mask;
  banks.writeBits(cpu, 'ovs', ovs, mask, false);
  vcpu.setReg(REG.PMOVSSET, vcpu.reg(REG.PMOVSSET) | ovs);
  if (overflowPending(vcpu)) vcpu.makeRequest(REQ.IRQ_PENDING);
}

/**
 * The host PMU interrupt, taken as soon as the hardware asserts it for the guest range: a
 * flag up with its PMINTENSET bit, PMCR.E set. Called wherever one of those changes.
 */
export function takeGuestIrq(vcpu: KvmVcpu, cpu: number): void {
  const banks = vcpu.vm.host.banks;
  const asserted = banks.ovsMask(cpu) & banks.intenMask(cpu) & guestMask(banks.guestRange(cpu));
  if (asserted !== 0n && (banks.pmcr(cpu) & PMCR.E) !== 0n) handleGuestIrq(vcpu, cpu);
}

/**
 * Counts `n` on guest counter `i` of CPU `cpu`'s hardware. Each wrap at the overflow width
 * sets the overflow flag and, for an even counter that does not overflow at 64 bits, counts
 * one CHAIN event on the odd counter above it if that one is enabled and selects CHAIN.
 */
export function countGuest(vcpu: KvmVcpu, cpu: number, i: number, n: bigint): void {
  const banks = vcpu.vm.host.banks;
  const pmcr = banks.pmcr(cpu);
  const at64 = overflowsAt64(vcpu, pmcr, i);
  const width = at64 ? U64 : U32;
  const before = banks.read(cpu, i);
  const wraps = ((before & width) + n) >> (at64 ? 64n : 32n);
  const long = i === CYCLE_IDX || vcpu.vm.countersAre64bit();
  banks.setCount(cpu, i, (before + n) & (long ? U64 : U32));
  if (wraps > 0n) {
    banks.writeBits(cpu, 'ovs', bit(i), bit(i), true);
    const odd = i + 1;
    const chains = (i & 1) === 0 && odd < banks.guestRange(cpu) && !at64 && banks.cntEnabled(cpu, odd);
    if (chains && Number(banks.type(cpu, odd) & BigInt(vcpu.vm.eventMask())) === EVENT.CHAIN) countGuest(vcpu, cpu, odd, wraps);
    takeGuestIrq(vcpu, cpu);
  }
  checkDirectOverflow(vcpu, cpu, i, before, n, wraps);
}

/** `g.exec` on the CPU holding the vCPU's context: its guest counters count in hardware. */
export function directExecute(vcpu: KvmVcpu, cpu: number, el: 0 | 1, cycles: bigint, instructions: bigint): void {
  const banks = vcpu.vm.host.banks;
  checkGuestRangeOwned(vcpu, cpu, 'guest executing');
  const cyclesBefore = banks.read(cpu, CYCLE_IDX);
  if ((banks.pmcr(cpu) & PMCR.E) === 0n) return;
  const excluded = el === 0 ? EVTYPER.U : EVTYPER.P;
  const evmask = BigInt(vcpu.vm.eventMask());
  const n = banks.guestRange(cpu);
  for (let i = 0; i < 32; i++) {
    if ((i >= n && i !== CYCLE_IDX) || !banks.cntEnabled(cpu, i)) continue;
    const type = banks.type(cpu, i);
    if ((type & excluded) !== 0n) continue;
    const event = i === CYCLE_IDX ? EVENT.CPU_CYCLES : Number(type & evmask);
    const k = event === EVENT.CPU_CYCLES ? cycles : event === EVENT.INST_RETIRED ? instructions : 0n;
    if (k > 0n) countGuest(vcpu, cpu, i, k);
  }
  checkDirectCycles(vcpu, cpu, el, cycles, cyclesBefore);
}
