import { describe, expect, it } from 'vitest';
import { PSTAT } from '../../src/kvm/vcpu-state.js';
import { guest, partitioned } from './helpers.js';

function mix(g: import('../../src/kvm/guest-cpu.js').GuestCpu): void {
  g.read('PMEVCNTR0_EL0'); // counter
  g.write('PMSELR_EL0', 1n); // selector
  g.read('PMCNTENSET_EL0'); // bitmap
  g.read('PMCR_EL0'); // PMCR
  g.write('PMEVTYPER0_EL0', 0x11n); // event type
}

// spec §6.2: without FGT every access traps; the common ones take the hyp fast path.
describe('trap accounting per vCPU (spec §6.2)', () => {
  it('no FGT: counters, PMSELR and bitmaps on the fast path; PMCR and types take full exits', () => {
    const { vcpu } = partitioned({ nr: 4, features: { fgt: false } });
    guest(vcpu, 1, mix);
    expect([vcpu.model.stat(PSTAT.FAST_PATH), vcpu.model.stat(PSTAT.FULL_EXITS), vcpu.model.stat(PSTAT.DIRECT)]).toEqual([3, 2, 0]);
  });

  it('FGT: after the first (trapped) access only the event type still exits', () => {
    const { vcpu } = partitioned({ nr: 4 });
    guest(vcpu, 1, mix);
    expect([vcpu.model.stat(PSTAT.FAST_PATH), vcpu.model.stat(PSTAT.FULL_EXITS), vcpu.model.stat(PSTAT.DIRECT)]).toEqual([0, 2, 3]);
  });
});
