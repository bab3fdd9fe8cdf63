import { describe, expect, it } from 'vitest';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { executeOn } from '../../src/kvm/pmu-exec.js';
import { REG, REQ } from '../../src/kvm/vcpu-state.js';
import { BIT, clearBitmaps, guest, PMCR_E, setup } from '../regs/helpers.js';

/** Cycle counter 16 cycles before a 32-bit wrap, interrupt enabled for it. */
function nearWrap(g: GuestCpu, inten = BIT(31)): void {
  clearBitmaps(g);
  g.write('PMCCNTR_EL0', 0xffff_fff0n);
  g.write('PMCNTENSET_EL0', BIT(31));
  g.write('PMINTENSET_EL1', inten);
  g.write('PMCR_EL0', PMCR_E);
}

// spec §5.3: overflow status = PMOVSSET & PMINTENSET, nothing while PMCR.E is clear; PMCNTENSET
// is not part of it in mainline (switch overflowNeedsCntEn, §9 b / §8 item 28). The line
// level (irq_level) is re-evaluated at every entry/exit.
describe('overflow status and the PMU interrupt level (spec §5.3)', () => {
  it('a perf overflow with the interrupt enabled raises the line; clearing PMOVS lowers it', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      nearWrap(g);
      g.exec(0x08);
      expect(vcpu.model.irqLevel).toBe(0);
      g.exec(0x10);
      expect(g.read('PMOVSSET_EL0')).toBe(BIT(31));
      expect(vcpu.model.irqLevel).toBe(1);
      g.write('PMOVSCLR_EL0', BIT(31));
      expect(vcpu.model.irqLevel).toBe(0);
    });
  });

  it('the overflow handler raises KVM_REQ_IRQ_PENDING only when the status is non-zero', () => {
    // executeOn is the guest's execution without the request servicing g.exec does after
    // it, so the raw request bit can be observed (the vCPU is loaded: inside its KVM_RUN).
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      nearWrap(g, 0n); // interrupt disabled
      executeOn(vcpu.model, 0, 1, 0x20n, 0n);
      expect(vcpu.model.pendingRequests() & REQ.IRQ_PENDING).toBe(0);
      expect(vcpu.model.reg(REG.PMOVSSET) & BIT(31)).toBe(BIT(31)); // PMOVSSET set anyway
    });
    const { vcpu: v2 } = setup();
    guest(v2, 0, (g) => {
      nearWrap(g);
      executeOn(v2.model, 0, 1, 0x20n, 0n);
      expect(v2.model.pendingRequests() & REQ.IRQ_PENDING).toBe(REQ.IRQ_PENDING);
    });
  });

  it('PMOVS without PMINTEN leaves the line low', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      nearWrap(g, 0n);
      g.exec(0x20);
      expect(g.read('PMOVSSET_EL0')).toBe(BIT(31));
      expect(vcpu.model.irqLevel).toBe(0);
      g.write('PMINTENSET_EL1', BIT(31));
      expect(vcpu.model.irqLevel).toBe(1);
    });
  });

  it('PMCR.E = 0 masks the status; setting E raises the line', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMINTENSET_EL1', BIT(2));
      g.write('PMOVSSET_EL0', BIT(2));
      expect(vcpu.model.irqLevel).toBe(0);
      g.write('PMCR_EL0', PMCR_E);
      expect(vcpu.model.irqLevel).toBe(1);
      g.write('PMCR_EL0', 0n);
      expect(vcpu.model.irqLevel).toBe(0);
    });
  });

  it('mainline: PMCNTENSET is not needed for the line', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMINTENSET_EL1', BIT(2));
      g.write('PMOVSSET_EL0', BIT(2));
      g.write('PMCR_EL0', PMCR_E);
      expect(vcpu.model.irqLevel).toBe(1);
    });
  });

  it('switch overflowNeedsCntEn: the line also needs PMCNTENSET', () => {
    const { vcpu } = setup({ switches: { overflowNeedsCntEn: true } });
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMINTENSET_EL1', BIT(2));
      g.write('PMOVSSET_EL0', BIT(2));
      g.write('PMCR_EL0', PMCR_E);
      expect(vcpu.model.irqLevel).toBe(0);
      g.write('PMCNTENSET_EL0', BIT(2));
      expect(vcpu.model.irqLevel).toBe(1);
    });
  });

  it('a userspace PMOVSSET write is seen at the next entry', () => {
    const { vcpu } = setup();
    guest(vcpu, 0, (g) => {
      clearBitmaps(g);
      g.write('PMINTENSET_EL1', BIT(0));
      g.write('PMCR_EL0', PMCR_E);
    });
    expect(vcpu.model.irqLevel).toBe(0);
    expect(vcpu.setOneReg('PMOVSSET_EL0', BIT(0))).toBe(0);
    guest(vcpu, 0, () => expect(vcpu.model.irqLevel).toBe(1));
  });
});
