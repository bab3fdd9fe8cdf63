import { describe, expect, it } from 'vitest';
import { errno } from '../../src/arch/errno.js';
import { uapi } from '../../src/arch/uapi.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import { BIT, clearBitmaps, CTRL, guest, PMCR_E, setup } from '../regs/helpers.js';

const EINTR = { ret: -errno.EINTR, exitReason: uapi.KVM_EXIT_INTR };

/** KVM_RUN; returns the result and whether the guest program ran. */
function run(vcpu: Vcpu, body: Parameters<typeof guest>[2] = () => undefined) {
  let entered = false;
  const r = vcpu.run({
    cpu: 0,
    guest: (g) => {
      entered = true;
      body(g);
    },
  });
  return { r, entered };
}

function quiet(irqchip: 'none' | 'vgic-v3') {
  const s = setup({ irqchip });
  guest(s.vcpu, 0, (g) => {
    clearBitmaps(g);
    g.write('PMINTENSET_EL1', BIT(31) | BIT(0));
    g.write('PMCR_EL0', PMCR_E);
  });
  return s;
}

// spec §5.3 last bullet: without an in-kernel irqchip, a PMU level userspace has not seen yet
// makes KVM_RUN return -EINTR with exit reason KVM_EXIT_INTR (10) before entering the guest.
describe('userspace irqchip: PMU level changes exit with KVM_EXIT_INTR (spec §5.3)', () => {
  it('a PMU INIT without vGIC and IRQ is accepted and the vCPU runs', () => {
    const { vcpu } = setup({ irqchip: 'none' });
    expect(run(vcpu)).toEqual({ r: { ret: 0 }, entered: true });
  });

  it('a level raised by userspace (PMOVSSET) → -EINTR / KVM_EXIT_INTR, then the next run enters', () => {
    const { vcpu } = quiet('none');
    expect(vcpu.setOneReg('PMOVSSET_EL0', BIT(0))).toBe(0);
    expect(run(vcpu)).toEqual({ r: EINTR, entered: false });
    expect(run(vcpu)).toEqual({ r: { ret: 0 }, entered: true });
  });

  it('the level dropping again is reported the same way', () => {
    const { vcpu } = quiet('none');
    expect(vcpu.setOneReg('PMOVSSET_EL0', BIT(0))).toBe(0);
    expect(run(vcpu).r).toEqual(EINTR);
    expect(vcpu.setOneReg('PMOVSCLR_EL0', 0n)).toBe(0); // CLR id writes the bitmap: now 0
    expect(run(vcpu)).toEqual({ r: EINTR, entered: false });
    expect(run(vcpu).r).toEqual({ ret: 0 });
  });

  it('a guest overflow raising the line is reported by exactly one -EINTR, then the vCPU enters again', () => {
    const { vcpu } = quiet('none');
    const first = run(vcpu, (g) => {
      g.write('PMCCNTR_EL0', 0xffff_fff0n);
      g.write('PMCNTENSET_EL0', BIT(31));
      g.exec(0x20);
    });
    expect(first.entered).toBe(true);
    expect(vcpu.model.irqLevel).toBe(1);
    // The model runs a guest program to completion, so the exit may come with this KVM_RUN
    // or the next one; either way userspace hears about the new level exactly once.
    const second = run(vcpu);
    const rets = [first.r, second.r];
    expect(rets.filter((r) => r.ret === -errno.EINTR)).toEqual([EINTR]);
    expect(run(vcpu)).toEqual({ r: { ret: 0 }, entered: true });
  });

  it('a level raised and lowered again inside one guest program is still reported (the exit between them saw it)', () => {
    const { vcpu } = quiet('none');
    const r = run(vcpu, (g) => {
      g.write('PMCCNTR_EL0', 0xffff_fff0n);
      g.write('PMCNTENSET_EL0', BIT(31));
      g.exec(0x20); // wraps: PMOVSSET[31] & PMINTENSET[31] raise the line
      g.write('PMOVSCLR_EL0', BIT(31)); // the guest's handler clears it before the program ends
    });
    expect(r).toEqual({ r: EINTR, entered: true });
    expect(vcpu.model.irqLevel).toBe(0);
    expect(vcpu.model.userIrqLevel).toBe(0); // userspace's level afterwards is the final one
    expect(run(vcpu)).toEqual({ r: { ret: 0 }, entered: true });
    // Control: with the in-kernel vGIC the same program does not exit to userspace.
    const gic = quiet('vgic-v3').vcpu;
    expect(
      run(gic, (g) => {
        g.write('PMCCNTR_EL0', 0xffff_fff0n);
        g.write('PMCNTENSET_EL0', BIT(31));
        g.exec(0x20);
        g.write('PMOVSCLR_EL0', BIT(31));
      }).r,
    ).toEqual({ ret: 0 });
  });

  it('the level check comes before the unsupported-CPU check (SET_PMU A76, run on an A55 CPU)', () => {
    const { vcpu } = setup({
      irqchip: 'none',
      configure: (v, host) => {
        const a76 = host.pmus.find((p) => p.name === 'armv8_cortex_a76')!;
        expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, a76.type)).toBe(0);
      },
    });
    expect(vcpu.setOneReg('PMINTENSET_EL1', BIT(0))).toBe(0);
    expect(vcpu.setOneReg('PMOVSSET_EL0', BIT(0))).toBe(0);
    expect(vcpu.setOneReg('PMCR_EL0', (6n << 11n) | PMCR_E)).toBe(0);
    expect(vcpu.run({ cpu: 0 })).toEqual(EINTR);
    expect(vcpu.run({ cpu: 0 }).exitReason).toBe(uapi.KVM_EXIT_FAIL_ENTRY);
  });

  it('with the in-kernel vGIC the same level change does not exit to userspace (control)', () => {
    const { vcpu } = quiet('vgic-v3');
    expect(vcpu.setOneReg('PMOVSSET_EL0', BIT(0))).toBe(0);
    expect(run(vcpu)).toEqual({ r: { ret: 0 }, entered: true });
    expect(vcpu.model.irqLevel).toBe(1);
  });
});
