import { describe, expect, it } from 'vitest';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { BIT, clearBitmaps, guest, PMCR_E, PMCR_LP, setup, undef, v3p5Host } from '../regs/helpers.js';

/** Counters 0..3: 0, 1 SW_INCR; 2 CPU_CYCLES; 3 SW_INCR; all start at 10. */
function prepare(g: GuestCpu, enable: bigint, pmcr = PMCR_E): void {
  clearBitmaps(g);
  const types = [0x00n, 0x00n, 0x11n, 0x00n];
  types.forEach((t, i) => {
    g.write(`PMEVTYPER${i}_EL0`, t);
    g.write(`PMEVCNTR${i}_EL0`, 10n);
  });
  g.write('PMCCNTR_EL0', 10n);
  g.write('PMCNTENSET_EL0', enable);
  g.write('PMCR_EL0', pmcr);
}

function values(g: GuestCpu): bigint[] {
  return [0, 1, 2, 3].map((i) => g.read(`PMEVCNTR${i}_EL0`));
}

// spec §4.6: PMSWINC = increment(v & accessible, SW_INCR): needs PMCR.E, PMCNTENSET and a
// SW_INCR-typed counter; 32-bit wrap sets PMOVS; never the cycle counter.
describe('software increment (spec §4.6)', () => {
  it('increments exactly the enabled SW_INCR counters named in the mask', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      prepare(g, BIT(0) | BIT(2) | BIT(3));
      g.write('PMSWINC_EL0', 0xfn);
      g.write('PMSWINC_EL0', BIT(3));
      return values(g);
    });
    // 0: enabled SW_INCR; 1: disabled; 2: CPU_CYCLES; 3: enabled SW_INCR (twice).
    expect(v).toEqual([11n, 10n, 10n, 12n]);
  });

  it('does nothing while PMCR.E is clear', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      prepare(g, 0xfn, 0n);
      g.write('PMSWINC_EL0', 0xfn);
      return values(g);
    });
    expect(v).toEqual([10n, 10n, 10n, 10n]);
  });

  it('never touches the cycle counter (bit 31) nor counters ≥ N', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      prepare(g, BIT(31) | 0xfn);
      g.write('PMSWINC_EL0', BIT(31) | BIT(6) | BIT(30));
      expect(g.read('PMCCNTR_EL0')).toBe(10n);
      expect(values(g)).toEqual([10n, 10n, 10n, 10n]);
    });
  });

  it('the P and U bits are not part of the event number compared with SW_INCR', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      prepare(g, BIT(0));
      g.write('PMEVTYPER0_EL0', 0xc000_0000n); // P and U set, event 0: still SW_INCR
      g.write('PMSWINC_EL0', BIT(0));
      expect(g.read('PMEVCNTR0_EL0')).toBe(11n);
    });
  });

  it('a 32-bit wrap sets PMOVSSET', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      prepare(g, BIT(1));
      g.write('PMEVCNTR1_EL0', 0xffff_ffffn);
      g.write('PMSWINC_EL0', BIT(1));
      expect(g.read('PMEVCNTR1_EL0')).toBe(0n);
      expect(g.read('PMOVSSET_EL0')).toBe(BIT(1));
    });
  });

  it('EL0: allowed with SW or EN, UNDEF otherwise', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      prepare(g, BIT(0));
      g.write('PMUSERENR_EL0', 0x2n); // SW
      g.el = 0;
      g.write('PMSWINC_EL0', BIT(0));
      g.el = 1;
      g.write('PMUSERENR_EL0', 0xcn); // CR | ER
      g.el = 0;
      expect(undef(() => g.write('PMSWINC_EL0', BIT(0)))).toBeDefined();
      g.el = 1;
      expect(g.read('PMEVCNTR0_EL0')).toBe(11n);
    });
  });

  it('PMUv3p5, LP = 0: a 64-bit counter carries into bit 32 and the low-32 wrap sets PMOVS', () => {
    const { vcpu } = setup({ topology: v3p5Host });
    guest(vcpu, 0, (g) => {
      prepare(g, BIT(0));
      g.write('PMEVCNTR0_EL0', 0xffff_ffffn);
      g.write('PMSWINC_EL0', BIT(0));
      expect(g.read('PMEVCNTR0_EL0')).toBe(0x1_0000_0000n);
      expect(g.read('PMOVSSET_EL0')).toBe(BIT(0));
    });
  });

  it('PMUv3p5, LP = 1: only the 64-bit wrap sets PMOVS', () => {
    const { vcpu } = setup({ topology: v3p5Host });
    guest(vcpu, 0, (g) => {
      prepare(g, BIT(0), PMCR_E | PMCR_LP);
      g.write('PMEVCNTR0_EL0', 0xffff_ffffn);
      g.write('PMSWINC_EL0', BIT(0));
      expect(g.read('PMEVCNTR0_EL0')).toBe(0x1_0000_0000n);
      expect(g.read('PMOVSSET_EL0')).toBe(0n);
      g.write('PMEVCNTR0_EL0', 0xffff_ffff_ffff_ffffn);
      g.write('PMSWINC_EL0', BIT(0));
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
      expect(g.read('PMOVSSET_EL0')).toBe(BIT(0));
    });
  });
});
