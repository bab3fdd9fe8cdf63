/**
 * Guest PMU accesses of a partitioned vCPU whose context is loaded (spec §6.2–§6.4): they act
 * on the physical CPU's registers (its bank). PMCR, the counters, PMSELR, PMUSERENR and the
 * enable/interrupt bitmaps are untrapped; FGT still traps the event types (the filter),
 * PMCEIDn and PMMIR to KVM's handlers, and — in this model — PMOVSSET/CLR, because the host
 * PMU interrupt hands the guest's overflow flags to the virtual PMOVSSET (§6.6): a read sees
 * those and the flags still in hardware, PMOVSCLR clears both.
 *
 * Counters at or above PMCR.N (= HPMN) belong to the host: the architecture does not make
 * the guest's access UNDEFINED (§6.3). The model makes them RAZ/WI (one of the CONSTRAINED
 * UNPREDICTABLE choices), so a guest can never see or disturb a host counter.
 */
import { bit, CYCLE_IDX, EVENT, PMCR, PMUSERENR, U32, U64 } from '../arch/pmu-bits.js';
import { PMUVER } from '../arch/pmuver.js';
import type { RegDesc } from '../arch/registers.js';
import { countGuest, takeGuestIrq } from './direct-exec.js';
import { GuestUndefined } from './guest-undefined.js';
import { guestMask, hwEventType } from './pmu-direct.js';
import { pmceid } from './pmceid.js';
import { REG, type KvmVcpu } from './vcpu-state.js';

const { EN, SW, CR, ER } = PMUSERENR;

/** The hardware's EL0 check with the loaded PMUSERENR (the same rule as spec §4.0). */
function check(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1, write: boolean, flags: bigint, what: string): void {
  if (el === 1 || (vcpu.vm.host.banks.pmuserenr(vcpu.contextCpu) & flags) !== 0n) return;
  throw new GuestUndefined(d.name, el, write, `EL0 access disabled (PMUSERENR.${what} clear)`);
}

/** HPMN of the loaded context: the guest's PMCR.N. */
function hpmnOf(vcpu: KvmVcpu): number {
  return vcpu.vm.host.banks.guestRange(vcpu.contextCpu);
}

function inGuestRange(vcpu: KvmVcpu, i: number): boolean {
  return i === CYCLE_IDX || i < hpmnOf(vcpu);
}

/** Counter width as the guest sees it: 64-bit for the cycle counter or with FEAT_PMUv3p5. */
function widthMask(vcpu: KvmVcpu, i: number): bigint {
  return i === CYCLE_IDX || vcpu.vm.countersAre64bit() ? U64 : U32;
}

function readCounter(vcpu: KvmVcpu, i: number): bigint {
  if (!inGuestRange(vcpu, i)) return 0n; // RAZ (§6.3)
  return vcpu.vm.host.banks.read(vcpu.contextCpu, i) & widthMask(vcpu, i);
}

function writeCounter(vcpu: KvmVcpu, i: number, v: bigint): void {
  if (inGuestRange(vcpu, i)) vcpu.vm.host.banks.setCount(vcpu.contextCpu, i, v & widthMask(vcpu, i)); // else WI
}

/** KVM's index check in the trapped type handlers: i < PMCR.N (= HPMN) or 31 (spec §4.0). */
function checkIndex(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1, write: boolean, i: number): void {
  if (!inGuestRange(vcpu, i)) throw new GuestUndefined(d.name, el, write, `counter ${i} not implemented (PMCR_EL0.N = ${hpmnOf(vcpu)})`);
}

function selected(vcpu: KvmVcpu): number {
  return Number(vcpu.vm.host.banks.pmselr(vcpu.contextCpu));
}

function undefIcntr(d: RegDesc, el: 0 | 1, write: boolean): never {
  throw new GuestUndefined(d.name, el, write, 'FEAT_PMUv3_ICNTR is not given to guests (fine-grained UNDEF, spec §6.2)');
}

export function directRead(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1): bigint {
  const banks = vcpu.vm.host.banks;
  const cpu = vcpu.contextCpu;
  const mask = guestMask(hpmnOf(vcpu));
  switch (d.kind) {
    case 'PMCR':
      check(vcpu, d, el, false, EN, 'EN');
      return (banks.pmcr(cpu) & ~(PMCR.P | PMCR.C)) | (BigInt(hpmnOf(vcpu)) << PMCR.N_SHIFT);
    case 'PMCNTENSET':
    case 'PMCNTENCLR':
      check(vcpu, d, el, false, EN, 'EN');
      return banks.enableMask(cpu) & mask;
    case 'PMINTENSET':
    case 'PMINTENCLR':
      check(vcpu, d, el, false, 0n, 'none: EL1 register');
      return banks.intenMask(cpu) & mask;
    case 'PMOVSSET':
    case 'PMOVSCLR':
      check(vcpu, d, el, false, EN, 'EN');
      return (vcpu.reg(REG.PMOVSSET) | banks.ovsMask(cpu)) & mask; // flags the interrupt has not taken are in hardware
    case 'PMSWINC':
      throw new GuestUndefined(d.name, el, false, 'read from a write-only register');
    case 'PMSELR':
      check(vcpu, d, el, false, ER | EN, 'ER/EN');
      return banks.pmselr(cpu);
    case 'PMCEID0':
    case 'PMCEID1':
      check(vcpu, d, el, false, EN, 'EN');
      return pmceid(vcpu, d.kind === 'PMCEID0' ? 0 : 1);
    case 'PMCCNTR':
      check(vcpu, d, el, false, CR | EN, 'CR/EN');
      return readCounter(vcpu, CYCLE_IDX);
    case 'PMXEVTYPER': {
      check(vcpu, d, el, false, EN, 'EN');
      const i = selected(vcpu);
      checkIndex(vcpu, d, el, false, i);
      return vcpu.evtyper(i);
    }
    case 'PMXEVCNTR':
      check(vcpu, d, el, false, ER | EN, 'ER/EN');
      return readCounter(vcpu, selected(vcpu));
    case 'PMUSERENR':
      return banks.pmuserenr(cpu);
    case 'PMEVCNTR':
      check(vcpu, d, el, false, ER | EN, 'ER/EN');
      return readCounter(vcpu, d.index);
    case 'PMEVTYPER':
    case 'PMCCFILTR':
      check(vcpu, d, el, false, EN, 'EN');
      checkIndex(vcpu, d, el, false, d.index);
      return vcpu.evtyper(d.index);
    case 'PMMIR':
      check(vcpu, d, el, false, 0n, 'none: EL1 register');
      return 0n;
    case 'MDCR_EL2':
      throw new GuestUndefined(d.name, el, false, 'the VM has no EL2 (nested virtualisation not modelled)');
    case 'PMICNTR':
    case 'PMICFILTR':
      return undefIcntr(d, el, false);
  }
}

/** KVM's trapped type write: the virtual register gets the guest's value, the hardware the filtered one (§6.4). */
function writeType(vcpu: KvmVcpu, i: number, v: bigint): void {
  vcpu.setReg(REG.EVTYPER + i, v & vcpu.vm.evtyperMask());
  const { type, event } = hwEventType(vcpu, i);
  vcpu.vm.host.banks.setType(vcpu.contextCpu, i, type, event);
}

/** A guest PMCR write on the hardware: bits 7:0 kept, C and P act on the guest range only. */
function writePmcr(vcpu: KvmVcpu, v: bigint): void {
  const vm = vcpu.vm;
  let val = v & PMCR.WRITABLE;
  if (!vm.host.topology.aarch32El0) val |= PMCR.LC;
  if (vm.pmuver < PMUVER.V3P5 || vm.pmuver === PMUVER.IMP_DEF) val &= ~PMCR.LP;
  if ((val & PMCR.C) !== 0n) writeCounter(vcpu, CYCLE_IDX, 0n);
  if ((val & PMCR.P) !== 0n) for (let i = 0; i < hpmnOf(vcpu); i++) writeCounter(vcpu, i, 0n);
  vm.host.banks.setPmcr(vcpu.contextCpu, val & ~(PMCR.C | PMCR.P));
  takeGuestIrq(vcpu, vcpu.contextCpu);
}

/** PMSWINC on the hardware: SW_INCR counters of the guest range that are enabled (PMCR.E too). */
function softwareIncrement(vcpu: KvmVcpu, v: bigint): void {
  const banks = vcpu.vm.host.banks;
  const cpu = vcpu.contextCpu;
  if ((banks.pmcr(cpu) & PMCR.E) === 0n) return;
  const evmask = BigInt(vcpu.vm.eventMask());
  for (let i = 0; i < hpmnOf(vcpu); i++) {
    if ((v & bit(i)) === 0n || !banks.cntEnabled(cpu, i)) continue;
    if (Number(banks.type(cpu, i) & evmask) === EVENT.SW_INCR) countGuest(vcpu, cpu, i, 1n);
  }
}

export function directWrite(vcpu: KvmVcpu, d: RegDesc, v: bigint, el: 0 | 1): void {
  const banks = vcpu.vm.host.banks;
  const cpu = vcpu.contextCpu;
  const mask = guestMask(hpmnOf(vcpu));
  switch (d.kind) {
    case 'PMCR':
      check(vcpu, d, el, true, EN, 'EN');
      writePmcr(vcpu, v);
      return;
    case 'PMCNTENSET':
    case 'PMCNTENCLR':
      check(vcpu, d, el, true, EN, 'EN');
      banks.writeBits(cpu, 'enable', v, mask, d.kind === 'PMCNTENSET');
      return;
    case 'PMINTENSET':
    case 'PMINTENCLR':
      check(vcpu, d, el, true, 0n, 'none: EL1 register');
      banks.writeBits(cpu, 'inten', v, mask, d.kind === 'PMINTENSET');
      takeGuestIrq(vcpu, cpu);
      return;
    case 'PMOVSSET':
    case 'PMOVSCLR': {
      check(vcpu, d, el, true, EN, 'EN');
      const cur = vcpu.reg(REG.PMOVSSET);
      vcpu.setReg(REG.PMOVSSET, d.kind === 'PMOVSSET' ? cur | (v & mask) : cur & ~(v & mask));
      if (d.kind === 'PMOVSCLR') banks.writeBits(cpu, 'ovs', v, mask, false);
      return;
    }
    case 'PMSWINC':
      check(vcpu, d, el, true, SW | EN, 'SW/EN');
      softwareIncrement(vcpu, v);
      return;
    case 'PMSELR':
      check(vcpu, d, el, true, ER | EN, 'ER/EN');
      banks.setPmselr(cpu, v);
      return;
    case 'PMCEID0':
    case 'PMCEID1':
      throw new GuestUndefined(d.name, el, true, 'write to a read-only register');
    case 'PMCCNTR':
      check(vcpu, d, el, true, CR | EN, 'CR/EN');
      check(vcpu, d, el, true, EN, 'EN');
      writeCounter(vcpu, CYCLE_IDX, v);
      return;
    case 'PMXEVTYPER': {
      check(vcpu, d, el, true, EN, 'EN');
      const i = selected(vcpu);
      checkIndex(vcpu, d, el, true, i);
      writeType(vcpu, i, v);
      return;
    }
    case 'PMXEVCNTR':
      check(vcpu, d, el, true, ER | EN, 'ER/EN');
      check(vcpu, d, el, true, EN, 'EN');
      writeCounter(vcpu, selected(vcpu), v);
      return;
    case 'PMUSERENR':
      if (el === 0) throw new GuestUndefined(d.name, el, true, 'writable only from a privileged EL');
      banks.setPmuserenr(cpu, v);
      return;
    case 'PMEVCNTR':
      check(vcpu, d, el, true, ER | EN, 'ER/EN');
      check(vcpu, d, el, true, EN, 'EN');
      writeCounter(vcpu, d.index, v);
      return;
    case 'PMEVTYPER':
    case 'PMCCFILTR':
      check(vcpu, d, el, true, EN, 'EN');
      checkIndex(vcpu, d, el, true, d.index);
      writeType(vcpu, d.index, v);
      return;
    case 'PMMIR':
      check(vcpu, d, el, true, 0n, 'none: EL1 register');
      return;
    case 'MDCR_EL2':
      throw new GuestUndefined(d.name, el, true, 'the VM has no EL2 (nested virtualisation not modelled)');
    case 'PMICNTR':
    case 'PMICFILTR':
      undefIcntr(d, el, true);
  }
}
