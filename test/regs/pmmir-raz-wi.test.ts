import { describe, expect, it } from 'vitest';
import { guest, setup } from './helpers.js';

// spec §4.1 PMMIR_EL1 row: RAZ / WI (why PMCEID1 hides STALL_SLOT*, §4.8).
describe('PMMIR_EL1 (spec §4.1)', () => {
  it('reads as zero at EL1 and ignores writes', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      expect(g.read('PMMIR_EL1')).toBe(0n);
      g.write('PMMIR_EL1', 0xffn);
      expect(g.read('PMMIR_EL1')).toBe(0n);
    });
  });
});
