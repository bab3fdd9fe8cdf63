import { describe, expect, it } from 'vitest';
import { guest, PMCR_E, setup, undef } from './helpers.js';

// spec §4.1: PMSWINC_EL0 guest read is UNDEF ("read from write-only"); PMCEID0/1 are read-only.
describe('write-only PMSWINC and read-only PMCEID (spec §4.1)', () => {
  it('reading PMSWINC_EL0 is UNDEF even at EL1 with every PMUSERENR flag', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMUSERENR_EL0', 0xfn);
      expect(undef(() => g.read('PMSWINC_EL0'))).toMatchObject({ register: 'PMSWINC_EL0', write: false, el: 1 });
      g.el = 0;
      expect(undef(() => g.read('PMSWINC_EL0'))).toBeDefined();
    });
  });

  it('the UNDEF PMSWINC read does not increment a SW_INCR counter', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMEVTYPER0_EL0', 0n);
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMCNTENSET_EL0', 1n);
      g.write('PMCR_EL0', PMCR_E);
      expect(undef(() => g.read('PMSWINC_EL0'))).toBeDefined();
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
    });
  });

  it('writing PMCEID0_EL0 or PMCEID1_EL0 is UNDEF and they keep reading the same', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      const before = [g.read('PMCEID0_EL0'), g.read('PMCEID1_EL0')];
      expect(undef(() => g.write('PMCEID0_EL0', 0n))).toMatchObject({ register: 'PMCEID0_EL0', write: true });
      expect(undef(() => g.write('PMCEID1_EL0', 0n))).toMatchObject({ register: 'PMCEID1_EL0', write: true });
      expect([g.read('PMCEID0_EL0'), g.read('PMCEID1_EL0')]).toEqual(before);
      expect(before[0]).not.toBe(0n);
    });
  });
});
