import { describe, expect, it } from 'vitest';
import { BIT, clearBitmaps, getReg, guest, PMCR_E, reloadPending, setup } from './helpers.js';

// spec §4.1 PMEVTYPER<n>/PMCCFILTR userspace columns and §8 item 16: raw store, no event
// re-creation, no RELOAD.
describe('userspace SET of PMEVTYPER/PMCCFILTR is raw (spec §4.1, §8 item 16)', () => {
  it('stores every bit, unmasked; GET and the guest read return it raw', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMEVTYPER2_EL0', 0xffff_ffff_ffff_ffffn)).toBe(0);
    expect(vcpu.setOneReg('PMCCFILTR_EL0', 0x3c00_0000n)).toBe(0);
    expect(getReg(vcpu, 'PMEVTYPER2_EL0')).toBe(0xffff_ffff_ffff_ffffn);
    expect(getReg(vcpu, 'PMCCFILTR_EL0')).toBe(0x3c00_0000n);
    const seen = guest(vcpu, 0, (g) => [g.read('PMEVTYPER2_EL0'), g.read('PMCCFILTR_EL0')]);
    expect(seen).toEqual([0xffff_ffff_ffff_ffffn, 0x3c00_0000n]);
  });

  it('does not raise RELOAD and leaves the live event on its old event number', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0x11n); // CPU_CYCLES
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(0));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(10, 1);
    });
    expect(vcpu.setOneReg('PMEVTYPER0_EL0', 0x08n)).toBe(0); // INST_RETIRED
    expect(reloadPending(vcpu)).toBe(false);
    expect(vcpu.model.eventSel(0)).toBe(0x11);
    // The stale event keeps counting cycles, not instructions.
    guest(vcpu, 0, (g) => g.exec(100, 3));
    expect(getReg(vcpu, 'PMEVCNTR0_EL0')).toBe(110n);
  });

  it('a later guest write of the type re-creates the event with the new number (control)', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0x11n);
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(0));
      g.write('PMCR_EL0', PMCR_E);
      g.write('PMEVTYPER0_EL0', 0x08n);
      g.exec(100, 3);
      expect(g.read('PMEVCNTR0_EL0')).toBe(3n);
    });
    expect(vcpu.model.eventSel(0)).toBe(0x08);
  });
});
