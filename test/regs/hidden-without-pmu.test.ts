import { describe, expect, it } from 'vitest';
import { errno } from '../../src/arch/errno.js';
import { oneRegNames, registerNames } from '../../src/arch/registers.js';
import { GuestUndefined } from '../../src/kvm/guest-undefined.js';
import { guest, setup } from './helpers.js';

// spec §4.0: every PMU register is hidden unless the vCPU has the PMU feature:
// guest access → UNDEF, userspace GET/SET_ONE_REG → ENOENT.
describe('PMU registers of a vCPU without the PMU feature (spec §4.0)', () => {
  it('every guest read and write of a PMU register is UNDEF, at EL1 too', () => {
    const { vcpu } = setup({ pmu: false });
    guest(vcpu, 0, (g) => {
      for (const name of registerNames) {
        expect(() => g.read(name), name).toThrow(GuestUndefined);
        expect(() => g.write(name, 0n), name).toThrow(GuestUndefined);
      }
    });
  });

  it('the hidden PMUSERENR write is UNDEF (reason: no PMU) and its GET is ENOENT', () => {
    const { vcpu } = setup({ pmu: false });
    guest(vcpu, 0, (g) => {
      expect(() => g.write('PMUSERENR_EL0', 0xfn)).toThrow(/no PMU/);
    });
    expect(vcpu.getOneReg('PMUSERENR_EL0').ret).toBe(-errno.ENOENT);
  });

  it('userspace GET/SET_ONE_REG of every PMU register is -ENOENT', () => {
    const { vcpu } = setup({ pmu: false });
    for (const name of oneRegNames) {
      expect(vcpu.getOneReg(name).ret, name).toBe(-errno.ENOENT);
      expect(vcpu.setOneReg(name, 1n), name).toBe(-errno.ENOENT);
    }
  });

  it('the same registers are reachable on a vCPU with the PMU feature (control)', () => {
    const { vcpu } = setup();
    for (const name of oneRegNames) expect(vcpu.getOneReg(name).ret, name).toBe(0);
    guest(vcpu, 0, (g) => expect(() => g.read('PMCR_EL0')).not.toThrow());
  });
});
