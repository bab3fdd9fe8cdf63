import { describe, expect, it } from 'vitest';
import { errno } from '../../src/arch/errno.js';
import { oneRegNames } from '../../src/arch/registers.js';
import { BIT, clearBitmaps, getReg, guest, PMCR_E, setup } from './helpers.js';

// spec §4.1 userspace columns: PMSWINC reads 0 / write ignored; PMCEID*, PMXEV* not exposed.
describe('userspace ONE_REG of PMSWINC, PMCEID, PMXEV* (spec §4.1)', () => {
  it('PMSWINC_EL0: GET reads 0, SET is accepted and ignored (no software increment)', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0n); // SW_INCR
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(0));
      g.write('PMCR_EL0', PMCR_E);
    });
    expect(vcpu.setOneReg('PMSWINC_EL0', BIT(0))).toBe(0);
    expect(getReg(vcpu, 'PMSWINC_EL0')).toBe(0n);
    expect(getReg(vcpu, 'PMEVCNTR0_EL0')).toBe(0n);
  });

  it('PMCEID0/1, PMXEVCNTR, PMXEVTYPER are not exposed to userspace (ENOENT) and not listed', () => {
    const { vcpu } = setup();
    for (const name of ['PMCEID0_EL0', 'PMCEID1_EL0', 'PMXEVCNTR_EL0', 'PMXEVTYPER_EL0']) {
      expect(vcpu.getOneReg(name).ret, name).toBe(-errno.ENOENT);
      expect(vcpu.setOneReg(name, 0n), name).toBe(-errno.ENOENT);
      expect(oneRegNames).not.toContain(name);
    }
  });
});
