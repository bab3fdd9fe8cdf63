import { describe, expect, it } from 'vitest';
import { guest, partitioned } from './helpers.js';

// API.md: vcpu.hostState() in every profile.
describe('vcpu.hostState() (API.md, spec §6.2, §6.5)', () => {
  for (const profile of ['mainline', 'fixed-counters-only', 'partition']) {
    it(`${profile}: 0n and -1 before the first run, loadedOn = the CPU inside it, -1 after`, () => {
      const { vcpu } = partitioned({ profile, enable: undefined });
      expect(vcpu.hostState()).toEqual({ mdcrEl2: 0n, pmuOwner: 'host', loadedOn: -1 });
      expect(guest(vcpu, 5, () => vcpu.hostState().loadedOn)).toBe(5);
      const after = vcpu.hostState();
      expect(after.loadedOn).toBe(-1);
      expect(after.pmuOwner).toBe('host');
      expect(after.mdcrEl2).not.toBe(0n);
    });
  }

  it('partition: owner host until the first access, guest after', () => {
    const { vcpu } = partitioned({ nr: 2 });
    guest(vcpu, 0, () => expect(vcpu.hostState().pmuOwner).toBe('host'));
    guest(vcpu, 0, (g) => {
      g.read('PMCCNTR_EL0');
      expect(vcpu.hostState().pmuOwner).toBe('guest');
    });
  });
});
