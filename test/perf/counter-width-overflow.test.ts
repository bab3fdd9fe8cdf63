import { describe, expect, it } from 'vitest';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { BIT, clearBitmaps, guest, PMCR_E, PMCR_LC, PMCR_LP, setup, v3p5Host } from '../regs/helpers.js';

/** Counter 0 counts CPU_CYCLES from `start0`; the cycle counter from `start31`. */
function arm(g: GuestCpu, start0: bigint, start31: bigint, pmcr = PMCR_E): void {
  clearBitmaps(g);
  g.write('PMEVTYPER0_EL0', 0x11n);
  g.write('PMEVCNTR0_EL0', start0);
  g.write('PMCCNTR_EL0', start31);
  g.write('PMCNTENSET_EL0', BIT(0) | BIT(31));
  g.write('PMCR_EL0', pmcr);
}

// spec §4.4: event counters are 32-bit below PMUv3p5, the cycle counter is always 64-bit;
// overflow at 2^64 only if 64-bit and LC/LP, else on the low 32 bits; PMOVS set on wrap.
describe('counter widths and overflow (spec §4.4)', () => {
  it('PMUv3p1: an event counter wraps at 2^32 and sets PMOVSSET', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      arm(g, 0xffff_fff0n, 0n);
      g.exec(0x0f);
      expect(g.read('PMOVSSET_EL0') & BIT(0)).toBe(0n);
      g.exec(0x11);
      expect(g.read('PMEVCNTR0_EL0')).toBe(0x10n);
      expect(g.read('PMOVSSET_EL0') & BIT(0)).toBe(BIT(0));
    });
  });

  it('cycle counter with LC = 0: 64-bit value, PMOVS on the low-32-bit wrap', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      arm(g, 0n, 0xffff_fff0n);
      g.exec(0x20);
      expect(g.read('PMCCNTR_EL0')).toBe(0x1_0000_0010n);
      expect(g.read('PMOVSSET_EL0') & BIT(31)).toBe(BIT(31));
    });
  });

  it('cycle counter with LC = 1: no overflow at 2^32, overflow at 2^64', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      arm(g, 0n, 0xffff_fff0n, PMCR_E | PMCR_LC);
      g.exec(0x20);
      expect(g.read('PMCCNTR_EL0')).toBe(0x1_0000_0010n);
      expect(g.read('PMOVSSET_EL0') & BIT(31)).toBe(0n);
      g.write('PMCCNTR_EL0', 0xffff_ffff_ffff_fff0n);
      g.exec(0x20);
      expect(g.read('PMCCNTR_EL0')).toBe(0x10n);
      expect(g.read('PMOVSSET_EL0') & BIT(31)).toBe(BIT(31));
    });
  });

  it('PMUv3p5 with LP = 0: event counters are 64-bit but overflow on the low 32 bits', () => {
    const { vcpu } = setup({ topology: v3p5Host });
    guest(vcpu, 0, (g) => {
      arm(g, 0xffff_fff0n, 0n);
      g.exec(0x20);
      expect(g.read('PMEVCNTR0_EL0')).toBe(0x1_0000_0010n);
      expect(g.read('PMOVSSET_EL0') & BIT(0)).toBe(BIT(0));
    });
  });

  it('PMUv3p5 with LP = 1: no overflow at 2^32, overflow at 2^64', () => {
    const { vcpu } = setup({ topology: v3p5Host });
    guest(vcpu, 0, (g) => {
      arm(g, 0xffff_fff0n, 0n, PMCR_E | PMCR_LP);
      g.exec(0x20);
      expect(g.read('PMEVCNTR0_EL0')).toBe(0x1_0000_0010n);
      expect(g.read('PMOVSSET_EL0') & BIT(0)).toBe(0n);
      g.write('PMEVCNTR0_EL0', 0xffff_ffff_ffff_fffen);
      g.exec(3);
      expect(g.read('PMEVCNTR0_EL0')).toBe(1n);
      expect(g.read('PMOVSSET_EL0') & BIT(0)).toBe(BIT(0));
    });
  });

  it('an overflow sets only the wrapping counter' + "'s PMOVS bit", () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      arm(g, 0xffff_fffen, 0n);
      g.exec(5);
      expect(g.read('PMOVSSET_EL0')).toBe(BIT(0));
    });
  });
});
