import { describe, expect, it } from 'vitest';
import { errno } from '../../src/arch/errno.js';
import { uapi } from '../../src/arch/uapi.js';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { E, partitioned } from './helpers.js';

function nearWrap(g: GuestCpu): void {
  g.write('PMOVSCLR_EL0', 0xffffffffn);
  g.write('PMCNTENCLR_EL0', 0xffffffffn);
  g.write('PMINTENCLR_EL1', 0xffffffffn);
  g.write('PMEVTYPER0_EL0', 0x11n);
  g.write('PMEVCNTR0_EL0', 0xfffffff0n);
  g.write('PMINTENSET_EL1', 1n);
  g.write('PMCNTENSET_EL0', 1n);
  g.write('PMCR_EL0', E);
}

// spec §6.6: guest-range overflow flags go to the running vCPU's PMOVSSET; status from the loaded hardware.
describe('overflow of a guest counter in hardware (spec §6.6)', () => {
  it('sets PMOVSSET bit 0, clears the hardware flag, raises the line', () => {
    const { host, vcpu } = partitioned({ nr: 4 });
    const r = vcpu.run({
      cpu: 1,
      guest: (g) => {
        nearWrap(g);
        g.exec(0x20);
        expect(g.read('PMEVCNTR0_EL0')).toBe(0x10n);
        expect(g.read('PMOVSSET_EL0')).toBe(1n);
        expect(host.model.banks.ovsMask(1) & 1n).toBe(0n);
        expect(vcpu.model.irqLevel).toBe(1);
      },
    });
    expect(r).toEqual({ ret: 0 });
    expect(vcpu.getOneReg('PMOVSSET_EL0').value).toBe(1n);
  });

  it('the level follows the loaded PMINTENSET and PMCR.E, not the stale virtual ones', () => {
    const { vcpu } = partitioned({ nr: 4 });
    vcpu.run({
      cpu: 1,
      guest: (g) => {
        nearWrap(g);
        g.exec(0x20);
        g.write('PMINTENCLR_EL1', 1n); // untrapped: only the hardware register changes
        g.write('PMOVSSET_EL0', 0n); // a trapped access: the exit recomputes the level
        expect(vcpu.model.irqLevel).toBe(0);
      },
    });
  });

  it('userspace irqchip: an overflow inside the run exits with -EINTR / KVM_EXIT_INTR', () => {
    const { vcpu } = partitioned({ nr: 4, irqchip: 'none' });
    const r = vcpu.run({ cpu: 1, guest: (g) => (nearWrap(g), g.exec(0x20)) });
    expect(r).toEqual({ ret: -errno.EINTR, exitReason: uapi.KVM_EXIT_INTR });
  });
});
