/**
 * The shared fixture of the interleaving tests (stepper, explore): a VM on RK3588 (A55 =
 * CPUs 0-3, A76 = 4-7) with two vCPUs, both PMU-INITed except that vCPU1 is left before its
 * PMU INIT so a VMM thread can still SET_PMU through it.
 */
import { expect } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { uapi } from '../../src/arch/uapi.js';

const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;

export function setPmuVsFirstRun() {
  const host = createHost('rk3588');
  const vm = host.createVm();
  const v0 = vm.createVcpu();
  const v1 = vm.createVcpu();
  expect(v0.init({ pmu: true }, { cpu: 0 })).toBe(0);
  expect(v1.init({ pmu: true }, { cpu: 0 })).toBe(0);
  expect(vm.vgicInit()).toBe(0);
  expect(v0.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23)).toBe(0);
  expect(v0.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
  const a76 = host.pmus.find((p) => p.name === 'armv8_cortex_a76')!;
  return { host, v0, v1, a76 };
}
