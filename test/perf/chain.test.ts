import { describe, expect, it } from 'vitest';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { BIT, clearBitmaps, guest, PMCR_E, PMCR_LP, setup, v3p5Host } from '../regs/helpers.js';

const CHAIN = 0x1en;

/** Counter `lo` counts `loEvent` from 0xffff_ffff; counter lo+1 is typed `hiType` at 5. */
function pair(g: GuestCpu, lo: number, loEvent: bigint, hiType: bigint, enable: bigint, pmcr = PMCR_E): void {
  clearBitmaps(g);
  g.write(`PMEVTYPER${lo}_EL0`, loEvent);
  g.write(`PMEVCNTR${lo}_EL0`, 0xffff_ffffn);
  g.write(`PMEVTYPER${lo + 1}_EL0`, hiType);
  g.write(`PMEVCNTR${lo + 1}_EL0`, 5n);
  g.write('PMCNTENSET_EL0', enable);
  g.write('PMCR_EL0', pmcr);
}

// spec §4.4 can_chain / chaining and §8 item 20: an even counter's overflow increments the odd
// counter i+1 only if it is enabled and typed CHAIN (0x1E), and only without 64-bit overflow.
describe('chained counters (spec §4.4, §8 item 20)', () => {
  it('a perf overflow of counter 0 increments counter 1 typed CHAIN', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      pair(g, 0, 0x11n, CHAIN, BIT(0) | BIT(1));
      g.exec(1);
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
      expect(g.read('PMEVCNTR1_EL0')).toBe(6n);
      expect(vcpu.model.hasEvent(1)).toBe(false); // CHAIN is never backed by perf
    });
  });

  it('a SW_INCR overflow of counter 2 increments counter 3 typed CHAIN', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      pair(g, 2, 0x00n, CHAIN, BIT(2) | BIT(3));
      g.write('PMSWINC_EL0', BIT(2));
      expect(g.read('PMEVCNTR2_EL0')).toBe(0n);
      expect(g.read('PMEVCNTR3_EL0')).toBe(6n);
      expect(g.read('PMOVSSET_EL0') & BIT(2)).toBe(BIT(2));
    });
  });

  it('no chain increment if the odd counter is disabled', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      pair(g, 0, 0x11n, CHAIN, BIT(0));
      g.exec(1);
      expect(g.read('PMEVCNTR1_EL0')).toBe(5n);
      expect(g.read('PMOVSSET_EL0') & BIT(0)).toBe(BIT(0));
    });
  });

  it('no chain increment if the odd counter is not typed CHAIN', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      pair(g, 0, 0x00n, 0x00n, BIT(0) | BIT(1)); // counter 1 is SW_INCR, not CHAIN
      g.write('PMSWINC_EL0', BIT(0));
      expect(g.read('PMEVCNTR1_EL0')).toBe(5n);
    });
  });

  it('an odd counter never chains into the next one', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER1_EL0', 0x00n);
      g.write('PMEVCNTR1_EL0', 0xffff_ffffn);
      g.write('PMEVTYPER2_EL0', CHAIN);
      g.write('PMEVCNTR2_EL0', 5n);
      g.write('PMCNTENSET_EL0', BIT(1) | BIT(2));
      g.write('PMCR_EL0', PMCR_E);
      g.write('PMSWINC_EL0', BIT(1));
      expect(g.read('PMEVCNTR1_EL0')).toBe(0n);
      expect(g.read('PMOVSSET_EL0') & BIT(1)).toBe(BIT(1));
      expect(g.read('PMEVCNTR2_EL0')).toBe(5n);
    });
  });

  it('an odd CHAIN counter wrapping sets its own PMOVS bit', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      pair(g, 0, 0x00n, CHAIN, BIT(0) | BIT(1));
      g.write('PMEVCNTR1_EL0', 0xffff_ffffn);
      g.write('PMSWINC_EL0', BIT(0));
      expect(g.read('PMEVCNTR1_EL0')).toBe(0n);
      expect(g.read('PMOVSSET_EL0') & 0x3n).toBe(0x3n);
    });
  });

  it('with 64-bit overflow (PMUv3p5, LP = 1) the even counter does not chain', () => {
    const { vcpu } = setup({ topology: v3p5Host });
    guest(vcpu, 0, (g) => {
      pair(g, 0, 0x00n, CHAIN, BIT(0) | BIT(1), PMCR_E | PMCR_LP);
      g.write('PMEVCNTR0_EL0', 0xffff_ffff_ffff_ffffn);
      g.write('PMSWINC_EL0', BIT(0));
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
      expect(g.read('PMOVSSET_EL0') & BIT(0)).toBe(BIT(0));
      expect(g.read('PMEVCNTR1_EL0')).toBe(5n);
    });
  });

  it('counter 30 (even, but 31 is the cycle counter) never chains', () => {
    const { vcpu } = setup({ topology: { name: 'big', pmus: [{ name: 'p', cpus: [0], counters: 31, pmuver: 4 }] } });
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER30_EL0', 0x00n);
      g.write('PMEVCNTR30_EL0', 0xffff_ffffn);
      g.write('PMCCFILTR_EL0', 0n);
      g.write('PMCCNTR_EL0', 5n);
      g.write('PMCNTENSET_EL0', BIT(30) | BIT(31));
      g.write('PMCR_EL0', PMCR_E);
      g.write('PMSWINC_EL0', BIT(30));
      expect(g.read('PMOVSSET_EL0') & BIT(30)).toBe(BIT(30));
      expect(g.read('PMCCNTR_EL0')).toBe(5n);
    });
  });
});
