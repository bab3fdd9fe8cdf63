import { describe, expect, it } from 'vitest';
import { BIT, clearBitmaps, guest, PMCR_E, setup } from '../regs/helpers.js';

// spec §4.7 (set_event_type stores v & evtyper_mask) and §2.1 evtyper_mask: P | U | event_mask
// (0x3FF for PMUVer IMP, 0xFFFF from V3P1); no EL2/EL3 advertised, so NSK/NSU/NSH/M read 0.
describe('event type register mask (spec §4.7, §2.1)', () => {
  it('PMUv3p1 VM (RK3588): PMEVTYPER keeps P, U and a 16-bit event number', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      g.write('PMEVTYPER1_EL0', 0xffff_ffff_ffff_ffffn);
      g.write('PMSELR_EL0', 2n);
      g.write('PMXEVTYPER_EL0', 0xffff_ffff_ffff_ffffn);
      return [g.read('PMEVTYPER1_EL0'), g.read('PMEVTYPER2_EL0')];
    });
    expect(v).toEqual([0xc000_ffffn, 0xc000_ffffn]);
  });

  it('PMUv3 v8.0 VM (RK3399): the event number is 10 bits', () => {
    const { vcpu } = setup({ topology: 'rk3399' });
    const v = guest(vcpu, 0, (g) => {
      g.write('PMEVTYPER0_EL0', 0xffff_ffffn);
      return g.read('PMEVTYPER0_EL0');
    });
    expect(v).toBe(0xc000_03ffn);
  });

  it('NSK, NSU, NSH and M (bits 29..26) read back 0', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      g.write('PMEVTYPER0_EL0', 0x3c00_0011n);
      return g.read('PMEVTYPER0_EL0');
    });
    expect(v).toBe(0x11n);
  });

  it('PMCCFILTR uses the same mask', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      g.write('PMCCFILTR_EL0', 0xffff_ffffn);
      return g.read('PMCCFILTR_EL0');
    });
    expect(v).toBe(0xc000_ffffn);
  });

  it('the guest write re-creates the event with the masked event number', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => g.write('PMEVTYPER3_EL0', 0x1_0008n)); // bit 16 dropped → 0x08
    expect(vcpu.model.hasEvent(3)).toBe(true);
    expect(vcpu.model.eventSel(3)).toBe(0x08);
  });

  it('re-creating the event on a type write folds the count: the value is kept', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0x11n);
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(0));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(50, 5);
      g.write('PMEVTYPER0_EL0', 0x08n);
      expect(g.read('PMEVCNTR0_EL0')).toBe(50n);
      g.exec(100, 7);
      expect(g.read('PMEVCNTR0_EL0')).toBe(57n);
    });
  });
});
