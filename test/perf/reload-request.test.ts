import { describe, expect, it } from 'vitest';
import { BIT, guest, reloadPending, setup } from '../regs/helpers.js';

const N = (n: number) => BigInt(n) << 11n;

// spec §5.4: who raises KVM_REQ_RELOAD_PMU, and the handler: mask PMOVSSET/PMINTENSET/PMCNTENSET
// with implemented(vcpu), then enable (creating if needed) or disable each implemented counter's event.
describe('KVM_REQ_RELOAD_PMU sources and handler (spec §5.4)', () => {
  it('raised by vCPU reset (KVM_ARM_VCPU_INIT) and serviced by the next KVM_RUN', () => {
    const { vcpu } = setup();
    expect(reloadPending(vcpu)).toBe(true); // the first INIT's reset
    guest(vcpu, 0, () => undefined);
    expect(reloadPending(vcpu)).toBe(false);
    expect(vcpu.init({ pmu: true })).toBe(0);
    expect(reloadPending(vcpu)).toBe(true);
  });

  it('raised by userspace PMCR, bitmap and counter writes; not by PMEVTYPER, PMCCFILTR, PMSELR, PMUSERENR', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, () => undefined);
    const raises: [string, bigint][] = [
      ['PMCR_EL0', N(6)],
      ['PMCNTENSET_EL0', 0n],
      ['PMCNTENCLR_EL0', 0n],
      ['PMINTENSET_EL1', 0n],
      ['PMINTENCLR_EL1', 0n],
      ['PMOVSSET_EL0', 0n],
      ['PMOVSCLR_EL0', 0n],
      ['PMCCNTR_EL0', 0n],
      ['PMEVCNTR4_EL0', 0n],
    ];
    for (const [name, v] of raises) {
      vcpu.model.checkRequest(1);
      expect(vcpu.setOneReg(name, v)).toBe(0);
      expect(reloadPending(vcpu), name).toBe(true);
    }
    for (const [name, v] of [
      ['PMEVTYPER0_EL0', 0x11n],
      ['PMCCFILTR_EL0', 0n],
      ['PMSELR_EL0', 1n],
      ['PMUSERENR_EL0', 1n],
    ] as const) {
      vcpu.model.checkRequest(1);
      expect(vcpu.setOneReg(name, v)).toBe(0);
      expect(reloadPending(vcpu), name).toBe(false);
    }
  });

  it('the handler masks the raw bitmaps with the implemented counters', () => {
    const { vcpu } = setup();
    // Bits for counters 0..5 stored while N = 6, then N lowered to 2: only RELOAD can drop them.
    for (const r of ['PMCNTENSET_EL0', 'PMINTENSET_EL1', 'PMOVSSET_EL0']) expect(vcpu.setOneReg(r, 0x8000_003fn)).toBe(0);
    expect(vcpu.setOneReg('PMCR_EL0', N(2))).toBe(0);
    const raw = guest(vcpu, 0, (g) => ['PMCNTENSET_EL0', 'PMINTENSET_EL1', 'PMOVSSET_EL0'].map((r) => g.read(r)));
    expect(raw).toEqual([0x8000_0003n, 0x8000_0003n, 0x8000_0003n]);
  });

  it('creates enabled events for enabled implemented counters only (no event for i ≥ N, spec §8 item 9)', () => {
    const { vcpu } = setup();
    for (let i = 0; i < 6; i++) expect(vcpu.setOneReg(`PMEVTYPER${i}_EL0`, 0x11n)).toBe(0);
    expect(vcpu.setOneReg('PMCNTENSET_EL0', 0x8000_003dn)).toBe(0); // counter 1 disabled
    expect(vcpu.setOneReg('PMCR_EL0', N(4) | 1n)).toBe(0); // N = 4, E
    guest(vcpu, 0, () => undefined);
    const m = vcpu.model;
    expect([0, 1, 2, 3, 4, 5, 31].map((i) => m.hasEvent(i))).toEqual([true, false, true, true, false, false, true]);
    expect([0, 2, 3, 31].every((i) => (m.eventFlags(i) & 1) === 1)).toBe(true);
  });

  it('disables (but keeps) the events when E is cleared, and re-enables them when E is set again', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMCNTENSET_EL0', BIT(31))).toBe(0);
    expect(vcpu.setOneReg('PMCR_EL0', N(6) | 1n)).toBe(0);
    guest(vcpu, 0, () => undefined);
    expect(vcpu.model.eventFlags(31) & 1).toBe(1);
    expect(vcpu.setOneReg('PMCR_EL0', N(6))).toBe(0);
    guest(vcpu, 0, () => undefined);
    expect(vcpu.model.hasEvent(31)).toBe(true);
    expect(vcpu.model.eventFlags(31) & 1).toBe(0);
    expect(vcpu.setOneReg('PMCR_EL0', N(6) | 1n)).toBe(0);
    guest(vcpu, 0, () => undefined);
    expect(vcpu.model.eventFlags(31) & 1).toBe(1);
  });
});
