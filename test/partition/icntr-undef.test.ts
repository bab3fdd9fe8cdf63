import { describe, expect, it } from 'vitest';
import { errno } from '../../src/arch/errno.js';
import { GuestUndefined } from '../../src/kvm/guest-undefined.js';
import { guest, partitioned } from './helpers.js';

// spec §6.2: FEAT_PMUv3_ICNTR is not given to guests; PMICNTR/PMICFILTR UNDEF (fine-grained).
describe('PMICNTR_EL0 / PMICFILTR_EL0 UNDEF with no side effect (spec §6.2)', () => {
  for (const profile of ['mainline', 'partition']) {
    it(`${profile}: reads and writes UNDEF, registers unchanged, no ONE_REG`, () => {
      const { host, vcpu } = partitioned({ profile, enable: profile === 'partition' ? 1 : undefined, switches: { partitionSwap: 'eager' } });
      const before = vcpu.model.regs.slice();
      guest(vcpu, 1, (g) => {
        const bank = host.model.banks.programmed(1);
        for (const name of ['PMICNTR_EL0', 'PMICFILTR_EL0']) {
          expect(() => g.read(name)).toThrow(GuestUndefined);
          expect(() => g.write(name, 5n)).toThrow(GuestUndefined);
        }
        expect(host.model.banks.programmed(1)).toEqual(bank);
      });
      expect(vcpu.model.regs).toEqual(before);
      expect(vcpu.getOneReg('PMICNTR_EL0').ret).toBe(-errno.ENOENT);
    });
  }
});
