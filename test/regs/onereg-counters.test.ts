import { describe, expect, it } from 'vitest';
import { v3p5Host, BIT, clearBitmaps, getReg, guest, PMCR_E, reloadPending, setup } from './helpers.js';

function counting(topology?: string | typeof v3p5Host) {
  const s = setup(topology ? { topology } : {});
  guest(s.vcpu, 0, (g) => {
    clearBitmaps(g);
    g.write('PMEVTYPER0_EL0', 0x11n);
    g.write('PMEVCNTR0_EL0', 0n);
    g.write('PMCCNTR_EL0', 0n);
    g.write('PMCNTENSET_EL0', BIT(0) | BIT(31));
    g.write('PMCR_EL0', PMCR_E);
    g.exec(100);
  });
  return s;
}

// spec §4.1 userspace columns of PMCCNTR / PMEVCNTR<n>, §8 items 6 and 8.
describe('userspace ONE_REG of the counters (spec §4.1, §8 items 6, 8)', () => {
  it('GET = stored + live perf count, equal to what the guest reads (§8 item 6)', () => {
    const { vcpu } = counting();
    expect(vcpu.model.hasEvent(31)).toBe(true);
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(100n);
    expect(getReg(vcpu, 'PMEVCNTR0_EL0')).toBe(100n);
    const seen = guest(vcpu, 0, (g) => [g.read('PMCCNTR_EL0'), g.read('PMEVCNTR0_EL0')]);
    expect(seen).toEqual([100n, 100n]);
  });

  it('SET releases the perf event (live count lost), stores the value and raises RELOAD', () => {
    const { vcpu } = counting();
    expect(vcpu.setOneReg('PMCCNTR_EL0', 5000n)).toBe(0);
    expect(vcpu.setOneReg('PMEVCNTR0_EL0', 7000n)).toBe(0);
    expect(vcpu.model.hasEvent(31)).toBe(false);
    expect(vcpu.model.hasEvent(0)).toBe(false);
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(5000n); // not 5100
    expect(getReg(vcpu, 'PMEVCNTR0_EL0')).toBe(7000n);
    expect(reloadPending(vcpu)).toBe(true);
  });

  it('after SET the next guest entry sees exactly the written value and the counter counts again (§8 item 8)', () => {
    const { vcpu } = counting();
    expect(vcpu.setOneReg('PMEVCNTR0_EL0', 7000n)).toBe(0);
    const seen = guest(vcpu, 0, (g) => {
      const first = g.read('PMEVCNTR0_EL0');
      g.exec(11);
      return [first, g.read('PMEVCNTR0_EL0')];
    });
    expect(seen).toEqual([7000n, 7011n]);
  });

  it('SET stores the raw 64-bit value (no truncation); a 32-bit counter reads its low half', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMEVCNTR1_EL0', 0x1_0000_0005n)).toBe(0);
    expect(vcpu.model.evcntr(1)).toBe(0x1_0000_0005n);
    expect(getReg(vcpu, 'PMEVCNTR1_EL0')).toBe(5n);
  });

  it('on a PMUv3p5 VM event counters are 64-bit through ONE_REG too', () => {
    const { vcpu } = setup({ topology: v3p5Host });
    expect(vcpu.setOneReg('PMEVCNTR1_EL0', 0x1_0000_0005n)).toBe(0);
    expect(getReg(vcpu, 'PMEVCNTR1_EL0')).toBe(0x1_0000_0005n);
  });
});
