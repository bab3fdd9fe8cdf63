import { describe, expect, it } from 'vitest';
import { getReg, guest, setup } from '../regs/helpers.js';

// spec §4.5 and §8 item 22 / §9 c: an AArch32 guest write to an event counter is meant to
// keep the upper 32 bits and replace the lower 32; the observed kernel source loses the
// written low half (profile switch aarch32CounterWriteAnomaly, on in mainline).
describe('set_counter_value from an AArch32 guest (spec §4.5)', () => {
  it('mainline anomaly: the written low half is lost, the old upper half is kept', () => {
    const { vcpu } = setup({ el1_32bit: true });
    expect(vcpu.setOneReg('PMEVCNTR0_EL0', 0xabcd_0000_0000_0099n)).toBe(0);
    const v = guest(vcpu, 0, (g) => {
      g.write('PMEVCNTR0_EL0', 0x1234n);
      return g.read('PMEVCNTR0_EL0');
    });
    expect(v).toBe(0n);
    expect(vcpu.model.evcntr(0)).toBe(0xabcd_0000_0000_0000n);
  });

  it('the anomaly applies to PMXEVCNTR writes too', () => {
    const { vcpu } = setup({ el1_32bit: true });
    const v = guest(vcpu, 0, (g) => {
      g.write('PMSELR_EL0', 1n);
      g.write('PMXEVCNTR_EL0', 0x77n);
      return g.read('PMEVCNTR1_EL0');
    });
    expect(v).toBe(0n);
  });

  it('with the switch off: upper half kept, low half replaced', () => {
    const { vcpu } = setup({ el1_32bit: true, switches: { aarch32CounterWriteAnomaly: false } });
    expect(vcpu.setOneReg('PMEVCNTR0_EL0', 0xabcd_0000_0000_0099n)).toBe(0);
    const v = guest(vcpu, 0, (g) => {
      g.write('PMEVCNTR0_EL0', 0xffff_ffff_0000_1234n);
      return g.read('PMEVCNTR0_EL0');
    });
    expect(v).toBe(0x1234n);
    expect(vcpu.model.evcntr(0)).toBe(0xabcd_0000_0000_1234n);
  });

  it('the cycle counter is written in full by an AArch32 guest', () => {
    const { vcpu } = setup({ el1_32bit: true });
    guest(vcpu, 0, (g) => g.write('PMCCNTR_EL0', 0x1_0000_0005n));
    expect(getReg(vcpu, 'PMCCNTR_EL0')).toBe(0x1_0000_0005n);
  });

  it('an AArch64 guest replaces the whole stored value (control)', () => {
    const { vcpu } = setup();
    expect(vcpu.setOneReg('PMEVCNTR0_EL0', 0xabcd_0000_0000_0099n)).toBe(0);
    guest(vcpu, 0, (g) => g.write('PMEVCNTR0_EL0', 0x1234n));
    expect(vcpu.model.evcntr(0)).toBe(0x1234n);
  });

  it('a guest counter write re-creates the perf event (§4.5 step 4)', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      g.write('PMEVTYPER0_EL0', 0x11n);
      g.write('PMEVCNTR0_EL0', 3n);
    });
    expect(vcpu.model.hasEvent(0)).toBe(true);
    expect(vcpu.model.eventSel(0)).toBe(0x11);
  });
});
