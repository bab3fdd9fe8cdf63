import { describe, expect, it } from 'vitest';
import { BIT, getReg, guest, setup } from './helpers.js';

// spec §4.1 rows PMCNTENSET/CLR, PMINTENSET/CLR, PMOVSSET/CLR: read raw stored bitmap;
// SET: stored |= v & accessible; CLR: stored &= ~(v & accessible). N = 6 → accessible = 0x8000003f.
const pairs = [
  ['PMCNTENSET_EL0', 'PMCNTENCLR_EL0'],
  ['PMINTENSET_EL1', 'PMINTENCLR_EL1'],
  ['PMOVSSET_EL0', 'PMOVSCLR_EL0'],
] as const;
const ACCESSIBLE = 0x8000_003fn;

describe('guest SET/CLR bitmap registers (spec §4.1)', () => {
  for (const [set, clr] of pairs) {
    it(`${set} ORs in, ${clr} clears, both views read the same storage`, () => {
      const { vcpu } = setup();
      guest(vcpu, 0, (g) => {
        g.write(clr, ~0n);
        expect(g.read(set)).toBe(0n);
        g.write(set, BIT(0) | BIT(2));
        g.write(set, BIT(31));
        expect(g.read(set)).toBe(BIT(0) | BIT(2) | BIT(31));
        expect(g.read(clr)).toBe(BIT(0) | BIT(2) | BIT(31));
        g.write(clr, BIT(2) | BIT(31));
        expect(g.read(set)).toBe(BIT(0));
        g.write(clr, 0n);
        g.write(set, 0n);
        expect(g.read(clr)).toBe(BIT(0));
      });
    });

    it(`${set}: bits of unimplemented counters (6..30) and above 31 are dropped`, () => {
      const { vcpu } = setup();
      guest(vcpu, 0, (g) => {
        g.write(clr, ~0n);
        g.write(set, ~0n);
        expect(g.read(set)).toBe(ACCESSIBLE);
        g.write(clr, BIT(7) | BIT(40)); // unimplemented bits: no effect on the stored value
        expect(g.read(set)).toBe(ACCESSIBLE);
      });
      expect(getReg(vcpu, set)).toBe(ACCESSIBLE);
    });
  }

  it('the guest read is the raw stored value: reset poison & implemented = 0x8000001e for N = 6', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      for (const [set, clr] of pairs) {
        expect(g.read(set), set).toBe(0x8000_001en);
        expect(g.read(clr), clr).toBe(0x8000_001en);
      }
    });
  });
});
