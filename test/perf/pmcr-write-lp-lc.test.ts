import { describe, expect, it } from 'vitest';
import { getReg, guest, pmcrN, PMCR_LC, PMCR_LP, setup, v3p5Host } from '../regs/helpers.js';

// spec §4.1 PMCR guest write (keep bits 7:0, force LC without AArch32 EL0) and §4.2 step 1
// (LP cleared when the VM's PMUVer < V3P5).
describe('guest PMCR_EL0 write: writable bits, LP and LC (spec §4.1, §4.2)', () => {
  it('bits above 7 (N, IDCODE) are not writable by the guest', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      g.write('PMCR_EL0', 0xffff_f800n | 0x8n); // N = 31, IDCODE, D
      return g.read('PMCR_EL0');
    });
    expect(pmcrN(v)).toBe(6);
    expect(v >> 16n).toBe(0n);
    expect(v & 0x8n).toBe(0x8n);
  });

  it('D, X, DP and LC are stored as written on a host with AArch32 EL0', () => {
    const { vcpu } = setup();
    const v = guest(vcpu, 0, (g) => {
      g.write('PMCR_EL0', 0x78n); // D | X | DP | LC
      const a = g.read('PMCR_EL0') & 0xffn;
      g.write('PMCR_EL0', 0x0n);
      return [a, g.read('PMCR_EL0') & 0xffn];
    });
    expect(v).toEqual([0x78n, 0n]);
  });

  it('LP is cleared on a PMUv3p1 VM', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMCR_EL0', PMCR_LP);
      expect(g.read('PMCR_EL0') & PMCR_LP).toBe(0n);
    });
    expect(getReg(vcpu, 'PMCR_EL0') & PMCR_LP).toBe(0n);
  });

  it('LP is kept on a PMUv3p5 VM', () => {
    const { vcpu } = setup({ topology: v3p5Host });
    guest(vcpu, 0, (g) => {
      g.write('PMCR_EL0', PMCR_LP);
      expect(g.read('PMCR_EL0') & PMCR_LP).toBe(PMCR_LP);
    });
  });

  it('LC is forced to 1 on apple-m1 (no AArch32 EL0) even when the guest writes 0', () => {
    const { vcpu } = setup({ topology: 'apple-m1' });
    guest(vcpu, 0, (g) => {
      g.write('PMCR_EL0', 0n);
      expect(g.read('PMCR_EL0') & PMCR_LC).toBe(PMCR_LC);
    });
  });
});
