import { describe, expect, it } from 'vitest';
import { register } from '../../src/arch/registers.js';
import { guestWrite } from '../../src/kvm/sys-regs.js';
import { BIT, clearBitmaps, guest, PMCR_E, PMCR_LC, reloadPending, setup } from '../regs/helpers.js';

// spec §4.2 step 2: a guest PMCR write that toggles E raises KVM_REQ_RELOAD_PMU; the
// enabling/disabling happens when the request is serviced, before the guest's next access
// (API.md Guest: every access traps and requests are serviced on re-entry).
describe('guest PMCR.E toggle and KVM_REQ_RELOAD_PMU (spec §4.2, §5.4)', () => {
  it('setting E enables the counters' + "' events before the next guest instruction", () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMEVTYPER0_EL0', 0x11n);
      g.write('PMEVCNTR0_EL0', 0n);
      g.write('PMCCNTR_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(0) | BIT(31));
      g.exec(50); // E = 0: nothing counts
      expect(g.read('PMEVCNTR0_EL0')).toBe(0n);
      expect(vcpu.model.hasEvent(0) && (vcpu.model.eventFlags(0) & 1) !== 0).toBe(false);
      g.write('PMCR_EL0', PMCR_E);
      g.exec(30);
      expect(g.read('PMEVCNTR0_EL0')).toBe(30n);
      expect(g.read('PMCCNTR_EL0')).toBe(30n);
    });
  });

  it('clearing E stops counting; the value is kept', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMCCNTR_EL0', 0n);
      g.write('PMCNTENSET_EL0', BIT(31));
      g.write('PMCR_EL0', PMCR_E);
      g.exec(30);
      g.write('PMCR_EL0', 0n);
      g.exec(1000);
      expect(g.read('PMCCNTR_EL0')).toBe(30n);
    });
  });

  it('only an E change raises RELOAD (checked on the model, outside the run loop)', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, () => undefined); // service the reset's RELOAD
    const pmcr = register('PMCR_EL0');
    guestWrite(vcpu.model, pmcr, PMCR_LC, 1); // E stays 0
    expect(reloadPending(vcpu)).toBe(false);
    guestWrite(vcpu.model, pmcr, PMCR_LC | PMCR_E, 1);
    expect(reloadPending(vcpu)).toBe(true);
    vcpu.model.checkRequest(1);
    guestWrite(vcpu.model, pmcr, PMCR_E, 1); // E stays 1
    expect(reloadPending(vcpu)).toBe(false);
    guestWrite(vcpu.model, pmcr, 0n, 1);
    expect(reloadPending(vcpu)).toBe(true);
  });
});
