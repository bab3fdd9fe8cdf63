import { describe, expect, it } from 'vitest';
import { GuestUndefined } from '../../src/kvm/guest-undefined.js';
import { guest, partitioned } from './helpers.js';

const N = (pmcr: bigint) => Number((pmcr >> 11n) & 0x1fn);

// spec §6.3: the guest's PMCR_EL0.N is HPMN; ONE_REG PMCR.N no longer affects it (v6).
describe('untrapped PMCR (spec §6.3)', () => {
  it('the guest reads N = HPMN = the VM counter count, trapped or loaded', () => {
    const { vcpu } = partitioned({ nr: 3 });
    expect(guest(vcpu, 2, (g) => [N(g.read('PMCR_EL0')), N(g.read('PMCR_EL0'))])).toEqual([3, 3]);
    expect(vcpu.hostState().pmuOwner).toBe('guest');
  });

  it('a ONE_REG PMCR_EL0 write with another N leaves the N the guest sees (mainline would take it)', () => {
    const { vcpu } = partitioned({ nr: 3 });
    expect(vcpu.setOneReg('PMCR_EL0', 5n << 11n)).toBe(0);
    expect(N(vcpu.getOneReg('PMCR_EL0').value)).toBe(3);
    expect(guest(vcpu, 2, (g) => N(g.read('PMCR_EL0')))).toBe(3);
    const emulated = partitioned({ profile: 'mainline', enable: undefined });
    expect(emulated.vcpu.setOneReg('PMCR_EL0', 5n << 11n)).toBe(0);
    expect(N(emulated.vcpu.getOneReg('PMCR_EL0').value)).toBe(5);
  });

  it('counters at or above N: no UNDEF while loaded, RAZ/WI (the host counter is untouched)', () => {
    const { host, vcpu } = partitioned({ nr: 3, switches: { partitionSwap: 'eager' } });
    guest(vcpu, 1, (g) => {
      host.model.banks.setCount(1, 4, 77n); // what a host event there would hold
      expect(g.read('PMEVCNTR4_EL0')).toBe(0n);
      g.write('PMEVCNTR4_EL0', 5n);
      expect(host.model.banks.read(1, 4)).toBe(77n);
    });
  });

  it('the trapped event-type handlers still UNDEF at or above N', () => {
    const { vcpu } = partitioned({ nr: 3, switches: { partitionSwap: 'eager' } });
    guest(vcpu, 1, (g) => expect(() => g.read('PMEVTYPER4_EL0')).toThrow(GuestUndefined));
  });
});
