import { describe, expect, it } from 'vitest';
import { getReg, guest, setup } from './helpers.js';

// spec §4.1 PMSELR_EL0 row: guest write stores the full 64-bit value, guest read returns SEL (& 0x1F).
describe('PMSELR_EL0 (spec §4.1)', () => {
  it('a guest write stores all 64 bits; the guest reads only SEL; userspace reads it raw', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMSELR_EL0', 0xffff_0000_dead_bee2n);
      expect(g.read('PMSELR_EL0')).toBe(0x2n);
    });
    expect(getReg(vcpu, 'PMSELR_EL0')).toBe(0xffff_0000_dead_bee2n);
  });

  it('PMXEVCNTR uses SEL of the unmasked stored value', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMEVCNTR1_EL0', 0x55n);
      g.write('PMSELR_EL0', 0x40n | 1n); // SEL = 1, bit 6 set
      expect(g.read('PMXEVCNTR_EL0')).toBe(0x55n);
    });
  });

  it('userspace SET is raw and the guest sees its SEL', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMSELR_EL0', 0xabcd_ef23n)).toBe(0);
    expect(getReg(vcpu, 'PMSELR_EL0')).toBe(0xabcd_ef23n);
    guest(vcpu, 0, (g) => expect(g.read('PMSELR_EL0')).toBe(0x3n));
  });
});
