/**
 * Guest accesses to the PMU system registers (spec §4.0–§4.1, arch/arm64/kvm/sys_regs.c
 * access_pm*). Every access traps with the emulated PMU. A check that fails injects UNDEF
 * (`GuestUndefined`) before any side effect.
 */
import { EVENT, PMCR, PMUSERENR } from '../arch/pmu-bits.js';
import type { RegDesc } from '../arch/registers.js';
import { checkBitmapRegRead } from '../check/pmu-oracles.js';
import { GuestUndefined } from './guest-undefined.js';
import { pmceid } from './pmceid.js';
import {
  accessibleMask,
  counterIndexValid,
  counterValue,
  handlePmcr,
  increment,
  readPmcr,
  reprogram,
  setCounterValue,
  setEventType,
} from './pmu-emul.js';
import { REG, type KvmVcpu } from './vcpu-state.js';

/** PMUSERENR_EL0's bits (spec §4.0) as numbers: the check reads the register's low half. */
const EN = Number(PMUSERENR.EN);
const SW = Number(PMUSERENR.SW);
const CR = Number(PMUSERENR.CR);
const ER = Number(PMUSERENR.ER);

/** The EL0 permission helper `check(flags)`: privileged, or PMUSERENR & flags (spec §4.0). */
function check(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1, write: boolean, flags: number, what: string): void {
  if (el === 1 || (vcpu.lo(REG.PMUSERENR) & flags) !== 0) return;
  throw new GuestUndefined(d.name, el, write, `EL0 access disabled (PMUSERENR.${what} clear)`);
}

function checkIndex(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1, write: boolean, i: number): void {
  if (!counterIndexValid(vcpu, i)) {
    throw new GuestUndefined(d.name, el, write, `counter ${i} not implemented (PMCR_EL0.N = ${vcpu.vm.nrPmuCounters})`);
  }
}

function hidden(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1, write: boolean): void {
  if (!vcpu.hasPmu()) throw new GuestUndefined(d.name, el, write, 'the vCPU has no PMU (register hidden)');
}

/** PMSELR_EL0.SEL (bits [4:0]; the register keeps whatever 64-bit value was written). */
function selected(vcpu: KvmVcpu): number {
  return vcpu.lo(REG.PMSELR) & 0x1f;
}

/** PMCR_EL0 as the guest reads it: N filled in, the write-only P and C bits read as 0. */
function guestPmcr(vcpu: KvmVcpu): bigint {
  const n = vcpu.vm.nrPmuCounters;
  const hi = vcpu.hi(REG.PMCR);
  if (n >>> 5 !== 0 || hi !== 0) return readPmcr(vcpu) & ~(PMCR.P | PMCR.C);
  return BigInt(((vcpu.lo(REG.PMCR) & ~(0x1f << 11) & ~0b110) | (n << 11)) >>> 0);
}

/** A guest read of counter `i` (PMCCNTR, PMEVCNTRn, PMXEVCNTR): userspace must read the same (§8 item 6). */
export function guestCounterValue(vcpu: KvmVcpu, i: number): bigint {
  return counterValue(vcpu, i);
}

/** A guest read of one of the bitmaps: the register as stored (sanitised when written, §8 item 12). */
function bitmapRead(vcpu: KvmVcpu, d: RegDesc, reg: number): bigint {
  checkBitmapRegRead(vcpu, d.name, reg);
  return vcpu.reg(reg);
}

export function guestRead(vcpu: KvmVcpu, d: RegDesc, el: 0 | 1): bigint {
  hidden(vcpu, d, el, false);
  switch (d.kind) {
    case 'PMCR':
      check(vcpu, d, el, false, EN, 'EN');
      return guestPmcr(vcpu);
    case 'PMCNTENSET':
    case 'PMCNTENCLR':
      check(vcpu, d, el, false, EN, 'EN');
      return bitmapRead(vcpu, d, REG.PMCNTENSET);
    case 'PMINTENSET':
    case 'PMINTENCLR':
      check(vcpu, d, el, false, 0, 'none: EL1 register');
      return bitmapRead(vcpu, d, REG.PMINTENSET);
    case 'PMOVSSET':
    case 'PMOVSCLR':
      check(vcpu, d, el, false, EN, 'EN');
      return bitmapRead(vcpu, d, REG.PMOVSSET);
    case 'PMSWINC':
      throw new GuestUndefined(d.name, el, false, 'read from a write-only register');
    case 'PMSELR':
      check(vcpu, d, el, false, ER | EN, 'ER/EN');
      return BigInt(selected(vcpu));
    case 'PMCEID0':
    case 'PMCEID1':
      check(vcpu, d, el, false, EN, 'EN');
      return pmceid(vcpu, d.kind === 'PMCEID0' ? 0 : 1);
    case 'PMCCNTR':
      check(vcpu, d, el, false, CR | EN, 'CR/EN');
      return guestCounterValue(vcpu, 31);
    case 'PMXEVTYPER': {
      check(vcpu, d, el, false, EN, 'EN');
      const i = selected(vcpu);
      checkIndex(vcpu, d, el, false, i);
      return vcpu.evtyper(i);
    }
    case 'PMXEVCNTR': {
      check(vcpu, d, el, false, ER | EN, 'ER/EN');
      const i = selected(vcpu);
      checkIndex(vcpu, d, el, false, i);
      return guestCounterValue(vcpu, i);
    }
    case 'PMUSERENR':
      return vcpu.reg(REG.PMUSERENR) & PMUSERENR.MASK;
    case 'PMEVCNTR':
      check(vcpu, d, el, false, ER | EN, 'ER/EN');
      checkIndex(vcpu, d, el, false, d.index);
      return guestCounterValue(vcpu, d.index);
    case 'PMEVTYPER':
    case 'PMCCFILTR':
      check(vcpu, d, el, false, EN, 'EN');
      checkIndex(vcpu, d, el, false, d.index);
      return vcpu.evtyper(d.index);
    case 'PMMIR':
      check(vcpu, d, el, false, 0, 'none: EL1 register');
      return 0n; // RAZ
    case 'MDCR_EL2':
      throw new GuestUndefined(d.name, el, false, 'the VM has no EL2 (nested virtualisation not modelled)');
    case 'PMICNTR':
    case 'PMICFILTR':
      return icntrUndefined(d, el, false);
  }
}

/** FEAT_PMUv3_ICNTR is never given to a guest: its registers UNDEF, no side effect (spec §6.2). */
function icntrUndefined(d: RegDesc, el: 0 | 1, write: boolean): never {
  throw new GuestUndefined(d.name, el, write, 'FEAT_PMUv3_ICNTR is not given to guests (fine-grained UNDEF, spec §6.2)');
}

/**
 * A guest write through the SET or CLR view of a bitmap register: sets or clears the
 * written bits that are accessible (spec §4.1). Returns the bits written, for reprogramming.
 */
function writeSetClr(vcpu: KvmVcpu, reg: number, v: bigint, set: boolean): bigint {
  const val = v & accessibleMask(vcpu);
  const cur = vcpu.reg(reg);
  vcpu.setReg(reg, set ? cur | val : cur & ~val);
  return val;
}

export function guestWrite(vcpu: KvmVcpu, d: RegDesc, v: bigint, el: 0 | 1): void {
  hidden(vcpu, d, el, true);
  switch (d.kind) {
    case 'PMCR': {
      check(vcpu, d, el, true, EN, 'EN');
      let val = (readPmcr(vcpu) & ~PMCR.WRITABLE) | (v & PMCR.WRITABLE);
      if (!vcpu.vm.host.topology.aarch32El0) val |= PMCR.LC;
      handlePmcr(vcpu, val);
      return;
    }
    case 'PMCNTENSET':
    case 'PMCNTENCLR':
      check(vcpu, d, el, true, EN, 'EN');
      reprogram(vcpu, writeSetClr(vcpu, REG.PMCNTENSET, v, d.kind === 'PMCNTENSET'));
      return;
    case 'PMINTENSET':
    case 'PMINTENCLR':
      check(vcpu, d, el, true, 0, 'none: EL1 register');
      writeSetClr(vcpu, REG.PMINTENSET, v, d.kind === 'PMINTENSET');
      return;
    case 'PMOVSSET':
    case 'PMOVSCLR':
      check(vcpu, d, el, true, EN, 'EN');
      writeSetClr(vcpu, REG.PMOVSSET, v, d.kind === 'PMOVSSET');
      return;
    case 'PMSWINC':
      check(vcpu, d, el, true, SW | EN, 'SW/EN');
      increment(vcpu, v & accessibleMask(vcpu), EVENT.SW_INCR);
      return;
    case 'PMSELR':
      check(vcpu, d, el, true, ER | EN, 'ER/EN');
      vcpu.setReg(REG.PMSELR, v); // the full 64-bit value, unmasked (spec §4.1)
      return;
    case 'PMCEID0':
    case 'PMCEID1':
      throw new GuestUndefined(d.name, el, true, 'write to a read-only register');
    case 'PMCCNTR':
      check(vcpu, d, el, true, CR | EN, 'CR/EN');
      check(vcpu, d, el, true, EN, 'EN');
      setCounterValue(vcpu, 31, v);
      return;
    case 'PMXEVTYPER': {
      check(vcpu, d, el, true, EN, 'EN');
      const i = selected(vcpu);
      checkIndex(vcpu, d, el, true, i);
      setEventType(vcpu, i, v);
      return;
    }
    case 'PMXEVCNTR': {
      check(vcpu, d, el, true, ER | EN, 'ER/EN');
      const i = selected(vcpu);
      checkIndex(vcpu, d, el, true, i);
      check(vcpu, d, el, true, EN, 'EN');
      setCounterValue(vcpu, i, v);
      return;
    }
    case 'PMUSERENR':
      if (el === 0) throw new GuestUndefined(d.name, el, true, 'writable only from a privileged EL');
      vcpu.setReg(REG.PMUSERENR, v & PMUSERENR.MASK);
      return;
    case 'PMEVCNTR':
      check(vcpu, d, el, true, ER | EN, 'ER/EN');
      checkIndex(vcpu, d, el, true, d.index);
      check(vcpu, d, el, true, EN, 'EN');
      setCounterValue(vcpu, d.index, v);
      return;
    case 'PMEVTYPER':
    case 'PMCCFILTR':
      check(vcpu, d, el, true, EN, 'EN');
      checkIndex(vcpu, d, el, true, d.index);
      setEventType(vcpu, d.index, v);
      return;
    case 'PMMIR':
      check(vcpu, d, el, true, 0, 'none: EL1 register');
      return; // WI
    case 'MDCR_EL2':
      throw new GuestUndefined(d.name, el, true, 'the VM has no EL2 (nested virtualisation not modelled)');
    case 'PMICNTR':
    case 'PMICFILTR':
      icntrUndefined(d, el, true);
  }
}
