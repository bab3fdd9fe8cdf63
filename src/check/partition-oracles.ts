/**
 * Partitioned-PMU oracles (spec §6.1, §6.4, §6.6), called by the swap (`pmu-direct.ts`) and
 * the direct counting path (`direct-exec.ts`) where the state they are about changes. They
 * read the physical CPU's registers (its bank) and the vCPU file directly instead of reusing
 * the swap's helpers, so a bug planted in the swap is seen. Every check runs on the thread of
 * the CPU whose bank it reads, while the vCPU's context is (being) loaded there.
 */
import { bit, CYCLE_IDX, EVTYPER, MDCR, PMCR, U32, U64 } from '../arch/pmu-bits.js';
import { GUEST_OWNER } from '../host/pcpu-banks.js';
import { REG, type KvmVcpu } from '../kvm/vcpu-state.js';
import { violated } from './oracles.js';

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** Counters [0, n) and the cycle counter, as bits and as indices. */
function rangeMask(n: number): bigint {
  return ((1n << BigInt(Math.max(n, 0))) - 1n) | bit(CYCLE_IDX);
}
function rangeIndices(n: number): number[] {
  return [...Array.from({ length: Math.max(n, 0) }, (_, i) => i), CYCLE_IDX];
}

/**
 * §6.4, as the context goes live on `cpu` (end of `kvm_pmu_load`, or an untrap that claims
 * the range): the guest runs untrapped (TPM clear — a swap while TPM is set leaves trapped
 * writes in the vCPU file for the next put to overwrite), PMCR.N = HPMN is the VM's counter
 * count, and the hardware holds exactly what the vCPU file holds — what the last put read.
 */
export function checkContextLoaded(vcpu: KvmVcpu, cpu: number): void {
  if (!vcpu.vm.host.checks['guest-context-survives-swap']) return;
  const banks = vcpu.vm.host.banks;
  const n = banks.guestRange(cpu);
  const fail = (what: string) => violated('guest-context-survives-swap', `${vcpu.name}: context loaded on cpu ${cpu}, ${what}`);
  if ((vcpu.mdcrEl2 & MDCR.TPM) !== 0n) fail('but MDCR_EL2.TPM is set: trapped accesses act on the vCPU file, which the next put overwrites');
  if (n !== vcpu.vm.nrPmuCounters) fail(`HPMN ${n}, but the VM has ${vcpu.vm.nrPmuCounters} counters`);
  for (const i of rangeIndices(n)) {
    const hw = banks.read(cpu, i);
    if (hw !== vcpu.reg(REG.EVCNTR + i)) fail(`counter ${i} is ${hex(hw)} in hardware, ${hex(vcpu.reg(REG.EVCNTR + i))} in the vCPU file`);
  }
  const pmcr = vcpu.reg(REG.PMCR) & PMCR.WRITABLE;
  if (banks.pmcr(cpu) !== pmcr) fail(`PMCR_EL0 is ${hex(banks.pmcr(cpu))} in hardware, ${hex(pmcr)} in the vCPU file`);
  const mask = rangeMask(n);
  for (const [name, hw, reg] of [['PMCNTENSET', banks.enableMask(cpu), REG.PMCNTENSET], ['PMINTENSET', banks.intenMask(cpu), REG.PMINTENSET]] as const) {
    if ((hw & mask) !== (vcpu.reg(reg) & mask)) fail(`${name} is ${hex(hw & mask)} in hardware, ${hex(vcpu.reg(reg) & mask)} in the vCPU file`);
  }
}

/** §6.4, at `kvm_pmu_put` once the context is read back: the vCPU file holds what the hardware held. */
export function checkContextSaved(vcpu: KvmVcpu, cpu: number): void {
  if (!vcpu.vm.host.checks['guest-context-survives-swap']) return;
  const banks = vcpu.vm.host.banks;
  for (const i of rangeIndices(banks.guestRange(cpu))) {
    const hw = banks.read(cpu, i);
    if (hw !== vcpu.reg(REG.EVCNTR + i)) violated('guest-context-survives-swap', `${vcpu.name}: put on cpu ${cpu} saved counter ${i} as ${hex(vcpu.reg(REG.EVCNTR + i))}, the hardware held ${hex(hw)}`);
  }
}

/** §6.1, at load, at put and as the guest counts: only the guest owns counters of its range. */
export function checkGuestRangeOwned(vcpu: KvmVcpu, cpu: number, where: string): void {
  if (!vcpu.vm.host.checks['host-events-outside-guest-range']) return;
  const mask = rangeMask(vcpu.vm.host.banks.guestRange(cpu));
  for (const c of vcpu.vm.host.banks.programmed(cpu)) {
    if ((mask & bit(c.slot)) !== 0n && c.owner !== GUEST_OWNER) {
      violated('host-events-outside-guest-range', `${vcpu.name} (${where}, cpu ${cpu}): host event ${c.owner} occupies counter ${c.slot} of the guest range`);
    }
  }
}

/** §6.6, at put once the flags are folded: every guest-range flag the hardware holds is in PMOVSSET. */
export function checkOverflowKept(vcpu: KvmVcpu, cpu: number): void {
  if (!vcpu.vm.host.checks['overflow-kept-across-put']) return;
  const banks = vcpu.vm.host.banks;
  const lost = banks.ovsMask(cpu) & rangeMask(banks.guestRange(cpu)) & ~vcpu.reg(REG.PMOVSSET);
  if (lost !== 0n) violated('overflow-kept-across-put', `${vcpu.name}: put on cpu ${cpu} left overflow flags ${hex(lost)} out of PMOVSSET`);
}

/**
 * §8 item 20 on the direct path, once a load has written the bitmaps: nothing has counted
 * yet, so no guest-range overflow flag may be up in hardware (one would be a stale flag the
 * guest sees, or the interrupt it raises: v6 clears PMOVS at load).
 */
export function checkNoStaleOverflow(vcpu: KvmVcpu, cpu: number): void {
  if (!vcpu.vm.host.checks['overflow-exactly-once']) return;
  const banks = vcpu.vm.host.banks;
  const stale = banks.ovsMask(cpu) & rangeMask(banks.guestRange(cpu));
  if (stale !== 0n) violated('overflow-exactly-once', `${vcpu.name}: overflow flags ${hex(stale)} are up in cpu ${cpu}'s hardware right after the load, before anything counted`);
}

/**
 * §8 item 20 on the direct path, after the hardware counted `n` on guest counter `i` from
 * `before`: it wrapped `wraps` times as the width PMCR_EL0.LC / LP select says, and the
 * flag is up (in hardware, or already handed to PMOVSSET by the interrupt).
 */
export function checkDirectOverflow(vcpu: KvmVcpu, cpu: number, i: number, before: bigint, n: bigint, wraps: bigint): void {
  if (!vcpu.vm.host.checks['overflow-exactly-once']) return;
  const banks = vcpu.vm.host.banks;
  const pmcr = banks.pmcr(cpu);
  const long = i === CYCLE_IDX || vcpu.vm.countersAre64bit();
  const at64 = long && (pmcr & (i === CYCLE_IDX ? PMCR.LC : PMCR.LP)) !== 0n;
  const expected = at64 ? (before + n) >> 64n : ((before & U32) + n) >> 32n;
  if (wraps !== expected) violated('overflow-exactly-once', `${vcpu.name}: counter ${i} counted ${n} in hardware from ${hex(before)}: ${expected} overflow(s) due, ${wraps} delivered`);
  if (expected > 0n && ((banks.ovsMask(cpu) | vcpu.reg(REG.PMOVSSET)) & bit(i)) === 0n) {
    violated('overflow-exactly-once', `${vcpu.name}: counter ${i} wrapped in cpu ${cpu}'s hardware but no overflow flag is up`);
  }
}

/**
 * The direct path's continuity (§6.1): with PMCR_EL0.E and the cycle counter enabled and
 * PMCCFILTR not excluding `el`, the cycle counter advanced by exactly the `cycles` executed.
 */
export function checkDirectCycles(vcpu: KvmVcpu, cpu: number, el: 0 | 1, cycles: bigint, before: bigint): void {
  if (!vcpu.vm.host.checks['partition-cycles-counted']) return;
  const banks = vcpu.vm.host.banks;
  if ((banks.pmcr(cpu) & PMCR.E) === 0n || (banks.enableMask(cpu) & bit(CYCLE_IDX)) === 0n) return;
  if ((banks.type(cpu, CYCLE_IDX) & (el === 0 ? EVTYPER.U : EVTYPER.P)) !== 0n) return;
  const counted = (banks.read(cpu, CYCLE_IDX) - before) & U64;
  if (counted !== cycles) violated('partition-cycles-counted', `${vcpu.name} executed ${cycles} cycles on cpu ${cpu}, its cycle counter counted ${counted}`);
}
