import { describe, expect, it } from 'vitest';
import { GuestUndefined } from '../../src/kvm/guest-undefined.js';
import { BIT, clearBitmaps, getReg, guest, PMCR_C, PMCR_E, PMCR_P, setup, undef } from './helpers.js';

// spec §4.0: a failed EL0 check injects UNDEF "and the access is abandoned (no side effects)".
describe('an UNDEF guest access has no side effect (spec §4.0)', () => {
  it('throws GuestUndefined carrying the register, EL and direction', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.el = 0;
      const e = undef(() => g.write('PMCNTENSET_EL0', 1n));
      expect(e).toBeInstanceOf(GuestUndefined);
      expect(e).toMatchObject({ register: 'PMCNTENSET_EL0', el: 0, write: true });
    });
  });

  it('a denied EL0 PMCR write (E|C|P) neither enables, resets counters nor raises RELOAD', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMCCNTR_EL0', 1234n);
      g.write('PMEVCNTR0_EL0', 77n);
      g.el = 0;
      expect(undef(() => g.write('PMCR_EL0', PMCR_E | PMCR_C | PMCR_P))).toBeDefined();
      expect(vcpu.model.pendingRequests()).toBe(0);
      g.el = 1;
      expect(g.read('PMCR_EL0') & PMCR_E).toBe(0n);
      expect(g.read('PMCCNTR_EL0')).toBe(1234n);
      expect(g.read('PMEVCNTR0_EL0')).toBe(77n);
    });
  });

  it('denied EL0 writes to bitmaps leave them unchanged', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMCNTENSET_EL0', BIT(0));
      g.write('PMOVSSET_EL0', BIT(1));
      g.write('PMINTENSET_EL1', BIT(2));
      g.write('PMUSERENR_EL0', 0xen); // SW|CR|ER but not EN
      g.el = 0;
      for (const [r, v] of [
        ['PMCNTENSET_EL0', 0x3n],
        ['PMCNTENCLR_EL0', 0x3n],
        ['PMOVSSET_EL0', 0x3n],
        ['PMOVSCLR_EL0', 0x3n],
      ] as const) {
        expect(undef(() => g.write(r, v)), r).toBeDefined();
      }
      g.el = 1;
      g.write('PMUSERENR_EL0', 0xfn); // even with every flag, PMINTEN* is UNDEF at EL0
      g.el = 0;
      expect(undef(() => g.write('PMINTENSET_EL1', 0x3n))).toBeDefined();
      expect(undef(() => g.write('PMINTENCLR_EL1', 0x7n))).toBeDefined();
      g.el = 1;
      expect(g.read('PMCNTENSET_EL0')).toBe(BIT(0));
      expect(g.read('PMOVSSET_EL0')).toBe(BIT(1));
      expect(g.read('PMINTENSET_EL1')).toBe(BIT(2));
    });
  });

  it('a PMUSERENR write at EL0 does not change PMUSERENR', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMUSERENR_EL0', 0x1n);
      g.el = 0;
      expect(undef(() => g.write('PMUSERENR_EL0', 0xfn))).toBeDefined();
      expect(g.read('PMUSERENR_EL0')).toBe(0x1n);
    });
  });

  it('PMCCNTR: CR allows the EL0 read but a CR-only write is UNDEF and keeps the value and its event', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMCCNTR_EL0', 10n);
      g.write('PMCNTENSET_EL0', BIT(31));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(5);
      g.write('PMUSERENR_EL0', 0x4n); // CR
      g.el = 0;
      expect(g.read('PMCCNTR_EL0')).toBe(15n);
      expect(undef(() => g.write('PMCCNTR_EL0', 0n))).toBeDefined();
      expect(vcpu.model.hasEvent(31)).toBe(true);
      expect(g.read('PMCCNTR_EL0')).toBe(15n);
    });
  });

  it('PMEVCNTR: ER allows the EL0 read; an ER-only write is UNDEF and the live count survives', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0x11n);
      g.write('PMEVCNTR0_EL0', 100n);
      g.write('PMCNTENSET_EL0', BIT(0));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(20);
      g.write('PMUSERENR_EL0', 0x8n); // ER
      g.el = 0;
      expect(g.read('PMEVCNTR0_EL0')).toBe(120n);
      expect(undef(() => g.write('PMEVCNTR0_EL0', 0n))).toBeDefined();
      expect(undef(() => g.write('PMXEVCNTR_EL0', 0n))).toBeDefined();
      g.exec(3);
      expect(g.read('PMEVCNTR0_EL0')).toBe(123n);
    });
  });

  it('denied PMSWINC, PMSELR, PMEVTYPER and PMCCFILTR writes change nothing', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0x0n); // SW_INCR
      g.write('PMEVCNTR0_EL0', 5n);
      g.write('PMCNTENSET_EL0', BIT(0));
      g.write('PMCR_EL0', PMCR_E);
      g.write('PMSELR_EL0', 3n);
      g.write('PMCCFILTR_EL0', 0n);
      g.el = 0; // PMUSERENR = 0
      expect(undef(() => g.write('PMSWINC_EL0', BIT(0)))).toBeDefined();
      expect(undef(() => g.write('PMSELR_EL0', 1n))).toBeDefined();
      expect(undef(() => g.write('PMEVTYPER0_EL0', 0x11n))).toBeDefined();
      expect(undef(() => g.write('PMCCFILTR_EL0', 1n << 31n))).toBeDefined();
      g.el = 1;
      expect(g.read('PMEVCNTR0_EL0')).toBe(5n);
      expect(g.read('PMSELR_EL0')).toBe(3n);
      expect(g.read('PMEVTYPER0_EL0')).toBe(0n);
      expect(g.read('PMCCFILTR_EL0')).toBe(0n);
    });
    expect(getReg(vcpu, 'PMSELR_EL0')).toBe(3n);
  });
});
