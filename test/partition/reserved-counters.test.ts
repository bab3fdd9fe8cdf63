import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { errno } from '../../src/arch/errno.js';
import { CTRL, E, SET_NR, guest, partitioned, rk3588 } from './helpers.js';

function emulatedCyclesSlot(reserved: number, mode: 'static' | 'upper-bound'): number[] {
  // A non-partitioned VM on the same host: where do its perf events go on CPU 1?
  const { host, vcpu } = partitioned({ enable: undefined, reserved, switches: { reservedCountersMode: mode } });
  return guest(vcpu, 1, (g) => {
    g.write('PMEVTYPER0_EL0', 0x08n);
    g.write('PMCNTENCLR_EL0', 0xffffffffn);
    g.write('PMCNTENSET_EL0', 0x80000001n);
    g.write('PMCR_EL0', E);
    return host.model.banks.programmed(1).map((c) => c.slot);
  });
}

// spec §6.1: arm_pmuv3.reserved_host_counters, a static split (v5/v6) or an upper bound (v7+).
describe('reserved host counters (spec §6.1)', () => {
  it('createHost validates it: a non-negative integer', () => {
    for (const bad of [-1, 1.5, '2']) {
      expect(() => createHost(rk3588(), { profile: 'partition', reservedHostCounters: bad as never })).toThrow(/reservedHostCounters/);
    }
    expect(createHost(rk3588(), { profile: 'partition' }).model.profile.reservedHostCounters).toBe(0);
  });

  it('max counters while partitioned = host counters − reserved (never below 0)', () => {
    const { vcpu } = partitioned({ reserved: 2, enable: undefined, configure: (v) => {
      expect(v.setDeviceAttr(CTRL, 5, 1)).toBe(0);
      expect(v.setDeviceAttr(CTRL, SET_NR, 5)).toBe(-errno.EINVAL);
    } });
    expect(Number((vcpu.getOneReg('PMCR_EL0').value >> 11n) & 0x1fn)).toBe(4);
    const all = partitioned({ reserved: 9 });
    expect(Number((all.vcpu.getOneReg('PMCR_EL0').value >> 11n) & 0x1fn)).toBe(0);
  });

  it('upper bound (default): with no partitioned vCPU loaded the host uses every counter', () => {
    expect(emulatedCyclesSlot(2, 'upper-bound')).toEqual([0, 31]);
  });

  it('static split: host perf only ever gets the reserved counters, never the cycle counter', () => {
    expect(emulatedCyclesSlot(2, 'static')).toEqual([4, 5]);
    expect(emulatedCyclesSlot(0, 'static')).toEqual([]); // nothing reserved: host perf has no counter
  });
});
