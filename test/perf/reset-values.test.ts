import { describe, expect, it } from 'vitest';
import { BIT, clearBitmaps, getReg, guest, pmcrN, PMCR_E, reloadPending, setup } from '../regs/helpers.js';

const POISON = 0x1de7_ec7e_dbad_c0den;

// spec §4.0 reset values ("UNKNOWN" = poison 0x1de7ec7edbadc0de, masked), §8 items 10 and 11.
describe('vCPU reset of the PMU registers (spec §4.0)', () => {
  it('after the first INIT: poisoned bitmaps/counters/types, PMSELR 0x1e, PMUSERENR/PMCCFILTR/PMCR 0', () => {
    const { vcpu } = setup();
    for (const r of ['PMCNTENSET_EL0', 'PMINTENSET_EL1', 'PMOVSSET_EL0']) expect(getReg(vcpu, r), r).toBe(0x8000_001en);
    for (let n = 0; n < 31; n++) {
      expect(getReg(vcpu, `PMEVCNTR${n}_EL0`)).toBe(0xdbad_c0den);
      expect(getReg(vcpu, `PMEVTYPER${n}_EL0`)).toBe(0xc000_c0den); // poison & 0xC000FFFF
    }
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(POISON);
    expect(getReg(vcpu, 'PMSELR_EL0')).toBe(0x1en);
    expect(getReg(vcpu, 'PMUSERENR_EL0')).toBe(0n);
    expect(getReg(vcpu, 'PMCCFILTR_EL0')).toBe(0n);
    expect(getReg(vcpu, 'PMCR_EL0')).toBe(6n << 11n);
  });

  it('PMEVTYPER reset uses the VM event mask (10-bit on RK3399)', () => {
    const { vcpu } = setup({ topology: 'rk3399' });
    expect(getReg(vcpu, 'PMEVTYPER0_EL0')).toBe(0xc000_00den);
  });

  it('a repeated INIT resets what the guest wrote, keeps N, and raises RELOAD', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCR_EL0', 4n << 11n)).toBe(0);
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMCR_EL0', PMCR_E);
      g.write('PMEVCNTR0_EL0', 1n);
      g.write('PMEVTYPER0_EL0', 0x11n);
      g.write('PMSELR_EL0', 2n);
      g.write('PMUSERENR_EL0', 0xfn);
      g.write('PMCCFILTR_EL0', 1n << 31n);
    });
    expect(vcpu.init({ pmu: true })).toBe(0);
    expect(reloadPending(vcpu)).toBe(true);
    expect(getReg(vcpu, 'PMCR_EL0')).toBe(4n << 11n);
    expect(getReg(vcpu, 'PMCNTENSET_EL0')).toBe(0x8000_000en); // poison & [0,4) ∪ {31}
    expect(getReg(vcpu, 'PMEVCNTR0_EL0')).toBe(0xdbad_c0den);
    expect(getReg(vcpu, 'PMEVTYPER0_EL0')).toBe(0xc000_c0den);
    expect(getReg(vcpu, 'PMSELR_EL0')).toBe(0x1en);
    expect(getReg(vcpu, 'PMUSERENR_EL0')).toBe(0n);
    expect(getReg(vcpu, 'PMCCFILTR_EL0')).toBe(0n);
    expect(pmcrN(guest(vcpu, 0, (g) => g.read('PMCR_EL0')))).toBe(4);
  });

  function countThenReset(resetKeepsStaleEvents: boolean) {
    const { vcpu } = setup({ switches: { resetKeepsStaleEvents } });
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMCCNTR_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(31));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(100);
    });
    expect(vcpu.init({ pmu: true })).toBe(0);
    return vcpu;
  }

  it('mainline (resetKeepsStaleEvents): the pre-reset event survives, its count on top of the reset value (§8 item 10)', () => {
    const vcpu = countThenReset(true);
    expect(vcpu.model.hasEvent(31)).toBe(true);
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(POISON + 100n);
  });

  it('resetKeepsStaleEvents = false: immediately after reset the counter reads the reset value', () => {
    const vcpu = countThenReset(false);
    expect(vcpu.model.hasEvent(31)).toBe(false);
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(POISON);
    expect(guest(vcpu, 0, (g) => g.read('PMCCNTR_EL0'))).toBe(POISON);
  });
});
