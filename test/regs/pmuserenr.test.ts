import { describe, expect, it } from 'vitest';
import { getReg, guest, setup, undef } from './helpers.js';

// spec §4.1 PMUSERENR_EL0 row: reset 0; read stored & 0xF at any EL; write only at EL1 (stored := v & 0xF);
// userspace GET/SET raw.
describe('PMUSERENR_EL0 (spec §4.1)', () => {
  it('resets to 0, the EL1 write keeps bits 3:0 only, the read works at EL0', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      expect(g.read('PMUSERENR_EL0')).toBe(0n);
      g.write('PMUSERENR_EL0', 0xffff_fff5n);
      expect(g.read('PMUSERENR_EL0')).toBe(0x5n);
      g.el = 0;
      expect(g.read('PMUSERENR_EL0')).toBe(0x5n);
      expect(undef(() => g.write('PMUSERENR_EL0', 0n))).toMatchObject({ el: 0, write: true });
    });
    expect(getReg(vcpu, 'PMUSERENR_EL0')).toBe(0x5n);
  });

  it('userspace SET is stored raw; the guest read masks it to 0xF and its flags take effect', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMUSERENR_EL0', 0xf1n)).toBe(0);
    expect(getReg(vcpu, 'PMUSERENR_EL0')).toBe(0xf1n);
    guest(vcpu, 0, (g) => {
      expect(g.read('PMUSERENR_EL0')).toBe(0x1n);
      g.el = 0;
      expect(undef(() => g.read('PMCR_EL0'))).toBeUndefined(); // EN set by userspace
    });
  });
});
