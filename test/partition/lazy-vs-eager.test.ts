import { describe, expect, it } from 'vitest';
import { PSTAT } from '../../src/kvm/vcpu-state.js';
import { E, MDCR, guest, has, partitioned } from './helpers.js';

// spec §6.5: FREE → GUEST_OWNED on the first trapped access; eager swaps at every load.
describe('lazy swap (spec §6.5, default)', () => {
  it('a guest that never touches the PMU keeps it FREE: no swap, traps kept', () => {
    const { vcpu } = partitioned({ nr: 4 });
    for (let k = 0; k < 3; k++) guest(vcpu, 1, (g) => g.exec(100));
    expect(vcpu.hostState().pmuOwner).toBe('host');
    expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(0);
    expect(has(vcpu.hostState().mdcrEl2, MDCR.TPM)).toBe(true);
  });

  it('the first trapped access takes it for the guest and loads at once: that write survives the put', () => {
    const { vcpu } = partitioned({ nr: 4 });
    guest(vcpu, 1, (g) => {
      g.write('PMEVCNTR0_EL0', 42n); // trapped: switches to physical access, then lands in hardware
      expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(1);
      expect(vcpu.hostState().pmuOwner).toBe('guest');
    });
    expect(vcpu.getOneReg('PMEVCNTR0_EL0').value).toBe(42n);
  });

  it('userspace writes made while FREE reach the hardware at the load the first access triggers', () => {
    const { vcpu } = partitioned({ nr: 4 });
    expect(vcpu.setOneReg('PMEVCNTR3_EL0', 7n)).toBe(0);
    expect(guest(vcpu, 2, (g) => g.read('PMEVCNTR3_EL0'))).toBe(7n);
  });

  it('from then on every load swaps (sticky owner, v6 13/19)', () => {
    const { vcpu } = partitioned({ nr: 4 });
    guest(vcpu, 1, (g) => g.read('PMCR_EL0'));
    guest(vcpu, 1, () => undefined);
    guest(vcpu, 5, () => undefined);
    expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(3);
    expect(vcpu.hostState().pmuOwner).toBe('guest');
  });
});

describe('eager swap and the debug-register rule (spec §6.4, §6.5)', () => {
  it('eager swaps at every load even if the guest never touches the PMU', () => {
    const { vcpu } = partitioned({ nr: 4, switches: { partitionSwap: 'eager' } });
    for (let k = 0; k < 3; k++) guest(vcpu, 1, () => undefined);
    expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(3);
  });

  it('lazy-debug: a guest that touched the PMU but enabled nothing is FREE again after the put', () => {
    const { vcpu } = partitioned({ nr: 4, switches: { partitionSwap: 'lazy-debug' } });
    guest(vcpu, 1, (g) => g.write('PMCR_EL0', 0n));
    expect(vcpu.hostState().pmuOwner).toBe('host');
    guest(vcpu, 1, () => undefined);
    expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(1);
  });

  it('lazy-debug: a guest with counters enabled keeps its context loaded at every load', () => {
    const { vcpu } = partitioned({ nr: 4, switches: { partitionSwap: 'lazy-debug' } });
    guest(vcpu, 1, (g) => {
      g.write('PMCNTENSET_EL0', 1n);
      g.write('PMCR_EL0', E);
    });
    guest(vcpu, 1, () => undefined);
    expect(vcpu.hostState().pmuOwner).toBe('guest');
    expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(2);
  });
});
