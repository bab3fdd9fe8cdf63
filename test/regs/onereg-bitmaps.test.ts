import { describe, expect, it } from 'vitest';
import { BIT, getReg, guest, reloadPending, setup } from './helpers.js';

// spec §4.1 userspace columns of PMCNTEN/PMINTEN/PMOVS: GET = stored & accessible;
// SET (either id) := v & accessible, raise RELOAD. A CLR id is NOT a clear.
const ids = [
  ['PMCNTENSET_EL0', 'PMCNTENCLR_EL0'],
  ['PMINTENSET_EL1', 'PMINTENCLR_EL1'],
  ['PMOVSSET_EL0', 'PMOVSCLR_EL0'],
] as const;

describe('userspace ONE_REG of the bitmap registers (spec §4.1)', () => {
  for (const [set, clr] of ids) {
    it(`${set}: SET stores v & implemented (0x8000003f for N = 6); GET masks too`, () => {
      const { vcpu } = setup();
      expect(vcpu.setOneReg(set, ~0n & 0xffff_ffff_ffff_ffffn)).toBe(0);
      expect(getReg(vcpu, set)).toBe(0x8000_003fn);
      expect(getReg(vcpu, clr)).toBe(0x8000_003fn);
    });

    it(`${clr}: SET through the CLR id overwrites the bitmap like the SET id (not a clear)`, () => {
      const { vcpu } = setup();
      expect(getReg(vcpu, set)).toBe(0x8000_001en); // reset poison & implemented
      expect(vcpu.setOneReg(clr, BIT(0) | BIT(5))).toBe(0);
      expect(getReg(vcpu, set)).toBe(BIT(0) | BIT(5));
      // The guest sees the same raw stored value.
      const seen = guest(vcpu, 0, (g) => g.read(set));
      expect(seen).toBe(BIT(0) | BIT(5));
    });

    it(`${set}: a SET raises KVM_REQ_RELOAD_PMU`, () => {
      const { vcpu } = setup();
      guest(vcpu, 0, () => undefined); // services the reset's RELOAD
      expect(reloadPending(vcpu)).toBe(false);
      expect(vcpu.setOneReg(set, 0n)).toBe(0);
      expect(reloadPending(vcpu)).toBe(true);
    });
  }

  it('the masks follow N: with N lowered to 2 through PMCR, a SET keeps bits 0, 1 and 31', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', 2n << 11n)).toBe(0);
    expect(vcpu.setOneReg('PMCNTENSET_EL0', 0xffff_ffffn)).toBe(0);
    expect(getReg(vcpu, 'PMCNTENSET_EL0')).toBe(0x8000_0003n);
  });

  it('a SET with a counter enabled gets an enabled perf event at the next run (RELOAD handler)', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', (6n << 11n) | 1n)).toBe(0); // E
    expect(vcpu.setOneReg('PMCNTENSET_EL0', BIT(31))).toBe(0);
    const v0 = getReg(vcpu, 'PMCCNTR_EL0');
    guest(vcpu, 0, (g) => g.exec(40));
    expect(vcpu.model.hasEvent(31)).toBe(true);
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(v0 + 40n);
  });
});
