/**
 * API.md's userspace-irqchip rule holds for a partitioned vCPU too: KVM_RUN returns -EINTR
 * when the PMU level differed from what userspace last saw at any trapped access or exit —
 * a hyp fast-path hit (no FGT) is a trapped access, and a direct access that raises or drops
 * the PMU interrupt is an exit. And an UNDEFINED access has no side effect: it does not take
 * the PMU for the guest (spec §6.5 switch) — found in review.
 */
import { describe, expect, it } from 'vitest';
import { errno } from '../../src/arch/errno.js';
import { PMCR } from '../../src/arch/pmu-bits.js';
import { uapi } from '../../src/arch/uapi.js';
import { GuestUndefined } from '../../src/kvm/guest-undefined.js';
import { PSTAT } from '../../src/kvm/vcpu-state.js';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { partitioned, rk3588 } from './helpers.js';

const EINTR = { ret: -errno.EINTR, exitReason: uapi.KVM_EXIT_INTR };

/** Counter 0 wraps with its interrupt disabled: the flag is up, the line is low. */
function wrapQuietly(g: GuestCpu): void {
  g.write('PMINTENCLR_EL1', 0xffff_ffffn);
  g.write('PMEVTYPER0_EL0', 0x11n);
  g.write('PMEVCNTR0_EL0', 0xffff_fff0n);
  g.write('PMCNTENSET_EL0', 1n);
  g.write('PMCR_EL0', PMCR.E | PMCR.LC);
  g.exec(0x40);
}

describe('userspace irqchip, partitioned vCPU: a level raised and lowered inside one program is reported', () => {
  const cases = [['mainline', true], ['partition', true], ['partition', false]] as const;
  for (const [profile, fgt] of cases) {
    {
      it(`${profile}${profile === 'partition' ? `, FGT ${fgt}` : ''}: raise by PMINTENSET, drop by PMINTENCLR → -EINTR`, () => {
        const { vcpu } = partitioned({ profile, enable: profile === 'partition' ? 1 : undefined, irqchip: 'none', topology: rk3588({ fgt }) });
        const r = vcpu.run({
          cpu: 0,
          guest: (g) => {
            wrapQuietly(g);
            g.write('PMINTENSET_EL1', 1n); // flag meets its enable: the interrupt fires
            g.write('PMINTENCLR_EL1', 1n); // and drops again
          },
        });
        expect(r).toEqual(EINTR);
        expect(vcpu.model.irqLevel).toBe(0);
        expect(vcpu.run({ cpu: 0, guest: () => undefined })).toEqual({ ret: 0 });
      });
    }
  }

  it('partition: a flag set by the guest in PMOVSSET fires once PMCR.E allows it (raise by PMCR.E, drop by PMCR.E) → -EINTR', () => {
    const { vcpu } = partitioned({ irqchip: 'none' });
    const r = vcpu.run({
      cpu: 0,
      guest: (g) => {
        g.write('PMCR_EL0', PMCR.LC); // E clear
        g.write('PMINTENSET_EL1', 1n);
        g.write('PMOVSSET_EL0', 1n); // a pending overflow, no interrupt while E is clear
        g.write('PMCR_EL0', PMCR.E | PMCR.LC); // raised
        g.write('PMCR_EL0', PMCR.LC); // dropped
      },
    });
    expect(r).toEqual(EINTR);
  });
});

describe('an UNDEFINED first access of a partitioned vCPU has no side effect', () => {
  for (const reg of ['PMICNTR_EL0', 'PMICFILTR_EL0']) {
    it(`${reg}: UNDEF, and the PMU stays the host's (no switch, no context load)`, () => {
      const { vcpu } = partitioned();
      const before = vcpu.hostState();
      let undef = false;
      vcpu.run({
        cpu: 0,
        guest: (g) => {
          try {
            g.read(reg);
          } catch (e) {
            undef = e instanceof GuestUndefined;
          }
        },
      });
      expect(undef).toBe(true);
      expect(vcpu.hostState().pmuOwner).toBe('host');
      expect(vcpu.model.stat(PSTAT.SWAP_LOADS)).toBe(0);
      expect(before.pmuOwner).toBe('host');
    });
  }

  it('an EL0 access with PMUSERENR clear: UNDEF, owner still host; the same access at EL1 takes the PMU', () => {
    const { vcpu } = partitioned();
    vcpu.run({
      cpu: 0,
      guest: (g) => {
        g.el = 0;
        expect(() => g.read('PMCR_EL0')).toThrow(GuestUndefined);
      },
    });
    expect(vcpu.hostState().pmuOwner).toBe('host');
    vcpu.run({ cpu: 0, guest: (g) => void g.read('PMCR_EL0') });
    expect(vcpu.hostState().pmuOwner).toBe('guest');
  });
});
