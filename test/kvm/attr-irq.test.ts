import { describe, expect, it } from 'vitest';
import { CTRL, E, IRQ, initedVm } from './helpers.js';

function two(irqchip: 'vgic-v3' | 'none' = 'vgic-v3') {
  const s = initedVm('rk3588', { n: 2, irqchip });
  return { ...s, v0: s.vcpus[0]!, v1: s.vcpus[1]! };
}

// spec §3.1 KVM_ARM_VCPU_PMU_V3_IRQ SET, in order: no irqchip → EINVAL; copy fails → EFAULT;
// not PPI/SPI → EINVAL; pmu_irq_is_valid across vCPUs → EINVAL; already set → EBUSY.
describe('KVM_ARM_VCPU_PMU_V3_IRQ (spec §3.1)', () => {
  it('no in-kernel irqchip → EINVAL, before the payload is even read', () => {
    const { v0 } = two('none');
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(E.EINVAL);
    expect(v0.setDeviceAttr(CTRL, IRQ)).toBe(E.EINVAL);
    expect(v0.setDeviceAttr(CTRL, IRQ, 3)).toBe(E.EINVAL);
  });

  it('missing payload → EFAULT (with an irqchip)', () => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ)).toBe(E.EFAULT);
    expect(v0.getDeviceAttr(CTRL, IRQ).ret).toBe(E.ENXIO); // nothing stored
  });

  it.each([-1, 0, 15, 1020, 1023, 4096, 2 ** 31 - 1])('%i is neither a PPI nor an SPI → EINVAL', (irq) => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, irq)).toBe(E.EINVAL);
    expect(v0.getDeviceAttr(CTRL, IRQ).ret).toBe(E.ENXIO);
  });

  it.each([16, 23, 31, 32, 255, 256, 1019])('%i (PPI 16..31 or SPI 32..1019) is accepted and read back', (irq) => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, irq)).toBe(0);
    expect(v0.getDeviceAttr(CTRL, IRQ)).toEqual({ ret: 0, value: irq });
  });

  it('needs the vGIC created only, not initialised', () => {
    const { vm, v0 } = two();
    expect(vm.model.vgic.initialized).toBe(false);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
  });

  it('the same PPI twice on one vCPU → EBUSY (step 5)', () => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(E.EBUSY);
  });

  it('another PPI on a vCPU that has a PPI → EINVAL (its own value fails step 4 first)', () => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 22)).toBe(E.EINVAL);
    expect(v0.getDeviceAttr(CTRL, IRQ).value).toBe(23);
  });

  it('the same SPI twice on one vCPU → EINVAL (step 4 fires before step 5)', () => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, 40)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 40)).toBe(E.EINVAL);
  });

  it('a different SPI on a vCPU that has an SPI → EBUSY', () => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, 40)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 41)).toBe(E.EBUSY);
    expect(v0.getDeviceAttr(CTRL, IRQ).value).toBe(40);
  });

  it('an invalid number on a vCPU already set → EINVAL (step 3 before step 5)', () => {
    const { v0 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 5)).toBe(E.EINVAL);
  });

  it('the same PPI on two vCPUs is fine; different PPIs → EINVAL on the second', () => {
    const { v0, v1 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v1.setDeviceAttr(CTRL, IRQ, 22)).toBe(E.EINVAL);
    expect(v1.getDeviceAttr(CTRL, IRQ).ret).toBe(E.ENXIO);
    expect(v1.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
  });

  it('different SPIs on two vCPUs are fine; the same SPI → EINVAL on the second', () => {
    const { v0, v1 } = two();
    expect(v0.setDeviceAttr(CTRL, IRQ, 40)).toBe(0);
    expect(v1.setDeviceAttr(CTRL, IRQ, 40)).toBe(E.EINVAL);
    expect(v1.setDeviceAttr(CTRL, IRQ, 41)).toBe(0);
  });

  it('a PPI after another vCPU chose an SPI → EINVAL; an SPI after another chose a PPI is fine', () => {
    const a = two();
    expect(a.v0.setDeviceAttr(CTRL, IRQ, 40)).toBe(0);
    expect(a.v1.setDeviceAttr(CTRL, IRQ, 23)).toBe(E.EINVAL);
    const b = two();
    expect(b.v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(b.v1.setDeviceAttr(CTRL, IRQ, 40)).toBe(0);
  });

  it('the check spans every vCPU of the VM, but only that VM', () => {
    const a = two();
    const b = two();
    expect(a.v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(b.v0.setDeviceAttr(CTRL, IRQ, 22)).toBe(0);
  });
});
