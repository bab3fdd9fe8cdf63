/**
 * Regression (found by review): on mainline a repeated INIT resets without config_lock, so a
 * SET_NR_COUNTERS through another vCPU may land inside the reset (§8 item 24, a kernel hole
 * there). The item-11 oracle must not take that for the reset changing N: it compares N
 * across the reset's own writes only, after its seam point.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { uapi } from '../../src/arch/uapi.js';
import { ALL_CHECKS } from '../../src/check/oracles.js';
import { setDeviceAttr, vcpuInit } from '../../src/kvm/vcpu-ioctl.js';
import { Stepper } from '../../src/sync/stepper.js';

const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;

describe('nr-counters-kept-at-reset and an unserialised reset', () => {
  it('a SET_NR_COUNTERS landing inside a mainline reset is not reported; N is the new count', () => {
    const host = createHost('rk3588');
    host.model.checks = ALL_CHECKS;
    const vm = host.createVm();
    const v0 = vm.createVcpu();
    const v1 = vm.createVcpu();
    expect(v0.init({ pmu: true }, { cpu: 0 })).toBe(0);
    expect(v1.init({ pmu: true }, { cpu: 0 })).toBe(0);
    const s = new Stepper();
    const reset = s.spawn('reset', vcpuInit(v0.model, vm.model.features, 0));
    // The reset's steps: vcpu0->mutex, kvm_supports_guest_pmuv3's arm_pmus_lock (mainline's
    // mutex design), then its seam point. After the unlock the thread has read N and waits
    // at the point: the configurator runs there.
    while (!s.trace.at(-1)?.includes('unlock arm_pmus_lock')) s.step(reset);
    const nBefore = vm.model.nrPmuCounters;
    const configurator = s.spawn('configurator', setDeviceAttr(v1.model, CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS, 2));
    while (s.runnable(configurator)) s.step(configurator); // all of it, inside the reset
    expect(s.result(configurator)).toBe(0);
    expect(() => s.finish()).not.toThrow();
    expect(s.trace.filter((l) => l.startsWith('reset: point')).at(-1)).toContain('vcpu reset: after reading PMCR_EL0.N');
    expect(s.trace.indexOf('configurator: unlock vm0 config_lock')).toBeLessThan(s.trace.findIndex((l) => l.includes('vcpu reset: after reading')));
    expect(nBefore).toBe(6);
    expect(vm.model.nrPmuCounters).toBe(2);
  });
});
