import { describe, expect, it } from 'vitest';
import { BIT, clearBitmaps, getReg, guest, PMCR_E, setup } from './helpers.js';

// spec §4.1 rows PMEVCNTR<n>_EL0 and PMCCNTR_EL0: read value(i) (§2.2: stored + live count,
// truncated to 32 bits unless 64-bit), write = set_counter_value (§4.5).
describe('guest counter registers (spec §4.1, §2.2)', () => {
  it('event counters are 32-bit on a PMUv3p1 VM: a 64-bit write reads back its low half', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMEVCNTR3_EL0', 0x1234_5678_9abc_def0n);
      expect(g.read('PMEVCNTR3_EL0')).toBe(0x9abc_def0n);
    });
    expect(getReg(vcpu, 'PMEVCNTR3_EL0')).toBe(0x9abc_def0n);
  });

  it('the cycle counter is 64-bit', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMCCNTR_EL0', 0x1234_5678_9abc_def0n);
      expect(g.read('PMCCNTR_EL0')).toBe(0x1234_5678_9abc_def0n);
    });
  });

  it('the read includes the live perf count of an enabled counter', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER2_EL0', 0x11n); // CPU_CYCLES
      g.write('PMEVCNTR2_EL0', 1000n);
      g.write('PMCCNTR_EL0', 50n);
      g.write('PMCNTENSET_EL0', BIT(2) | BIT(31));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(300);
      expect(g.read('PMEVCNTR2_EL0')).toBe(1300n);
      expect(g.read('PMCCNTR_EL0')).toBe(350n);
      g.write('PMSELR_EL0', 2n);
      expect(g.read('PMXEVCNTR_EL0')).toBe(1300n);
    });
  });

  it('a guest counter write discards the live count and restarts from the written value', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0x11n);
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(0) | BIT(31));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(100);
      g.write('PMEVCNTR0_EL0', 7n);
      g.write('PMCCNTR_EL0', 9n);
      expect(g.read('PMEVCNTR0_EL0')).toBe(7n);
      expect(g.read('PMCCNTR_EL0')).toBe(9n);
      g.exec(10);
      expect(g.read('PMEVCNTR0_EL0')).toBe(17n);
      expect(g.read('PMCCNTR_EL0')).toBe(19n);
    });
  });
});
