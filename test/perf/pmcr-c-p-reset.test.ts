import { describe, expect, it } from 'vitest';
import { BIT, clearBitmaps, getReg, guest, PMCR_C, PMCR_E, PMCR_P, setup } from '../regs/helpers.js';

// spec §4.2 steps 3-5 and §8 item 7: C and P are actions, never stored; C zeroes the cycle
// counter, P zeroes every implemented event counter (all 64 bits, forced).
describe('guest PMCR.C / PMCR.P (spec §4.2, §8 item 7)', () => {
  it('C and P are never stored (userspace GET after a guest write has bits 1 and 2 clear)', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => g.write('PMCR_EL0', PMCR_E | PMCR_C | PMCR_P));
    const v = getReg(vcpu, 'PMCR_EL0');
    expect(v & (PMCR_C | PMCR_P)).toBe(0n);
    expect(v & PMCR_E).toBe(PMCR_E);
  });

  it('C resets the cycle counter only', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      g.write('PMCCNTR_EL0', 0x5_0000_1234n);
      g.write('PMEVCNTR0_EL0', 77n);
      g.write('PMCR_EL0', PMCR_C);
      return [g.read('PMCCNTR_EL0'), g.read('PMEVCNTR0_EL0')];
    });
    expect(v).toEqual([0n, 77n]);
  });

  it('P resets every implemented event counter but not the cycle counter', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      for (let n = 0; n < 6; n++) g.write(`PMEVCNTR${n}_EL0`, BigInt(100 + n));
      g.write('PMCCNTR_EL0', 999n);
      g.write('PMCR_EL0', PMCR_P);
      return [...Array.from({ length: 6 }, (_, n) => g.read(`PMEVCNTR${n}_EL0`)), g.read('PMCCNTR_EL0')];
    });
    expect(v).toEqual([0n, 0n, 0n, 0n, 0n, 0n, 999n]);
  });

  it('P discards live counts and the counter restarts from 0', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER1_EL0', 0x11n);
      g.write('PMEVCNTR1_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(1));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(500);
      g.write('PMCR_EL0', PMCR_E | PMCR_P);
      expect(g.read('PMEVCNTR1_EL0')).toBe(0n);
      g.exec(4);
      expect(g.read('PMEVCNTR1_EL0')).toBe(4n);
    });
  });

  it('P zeroes all 64 stored bits even for an AArch32 guest (forced write)', () => {
    const { vcpu } = setup({ el1_32bit: true });
    expect(vcpu.setOneReg('PMEVCNTR2_EL0', 0xabcd_0000_0000_1234n)).toBe(0);
    guest(vcpu, 0, (g) => g.write('PMCR_EL0', PMCR_P));
    expect(vcpu.model.evcntr(2)).toBe(0n);
  });
});
