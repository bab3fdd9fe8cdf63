import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { VpmuLabError } from '../../src/host/errors.js';
import { oneRegNames } from '../../src/arch/registers.js';
import { E, initedVm } from './helpers.js';

// spec §2.1 vcpu_features (first KVM_ARM_VCPU_INIT configures the VM; later INITs must match),
// §4.0 (PMU registers hidden without the feature → ENOENT), arm.c (ONE_REG before INIT → ENOEXEC).
describe('KVM_ARM_VCPU_INIT feature consistency (spec §2.1, §4.0)', () => {
  it('a second vCPU with different features → EINVAL', () => {
    const { vm } = initedVm('rk3588');
    const v1 = vm.createVcpu();
    expect(v1.init({ pmu: false })).toBe(E.EINVAL);
    expect(v1.init({ pmu: true })).toBe(0);
  });

  it('the other way round: PMU-less VM, then a PMU vCPU → EINVAL', () => {
    const vm = createHost('rk3588').createVm();
    const v0 = vm.createVcpu();
    const v1 = vm.createVcpu();
    expect(v0.init({ pmu: false })).toBe(0);
    expect(v1.init({ pmu: true })).toBe(E.EINVAL);
    expect(vm.model.armPmu).toBe(-1);
  });

  it('a repeated INIT of the same vCPU with different features → EINVAL', () => {
    const { vcpus } = initedVm('rk3588');
    expect(vcpus[0]!.init({ pmu: false })).toBe(E.EINVAL);
    expect(vcpus[0]!.getOneReg('PMCR_EL0').ret).toBe(0); // still a PMU vCPU
  });

  it('AArch32 EL1 on a host without AArch32 EL0 (apple-m1) → EINVAL', () => {
    const v = createHost('apple-m1').createVm().createVcpu();
    expect(v.init({ pmu: true, el1_32bit: true })).toBe(E.EINVAL);
    expect(v.init({ pmu: true })).toBe(0);
  });

  it('malformed features or caller CPU are library misuse (thrown)', () => {
    const v = createHost('rk3588').createVm().createVcpu();
    expect(() => v.init({} as never)).toThrow(VpmuLabError);
    expect(() => v.init({ pmu: true }, { cpu: 8 })).toThrow(VpmuLabError);
    expect(() => v.init({ pmu: true }, { cpu: -1 })).toThrow(VpmuLabError);
  });
});

describe('ONE_REG access to PMU registers (spec §4.0)', () => {
  it.each(oneRegNames.map((n) => [n]))('%s before KVM_ARM_VCPU_INIT → ENOEXEC', (name) => {
    const v = createHost('rk3588').createVm().createVcpu();
    expect(v.getOneReg(name).ret).toBe(E.ENOEXEC);
    expect(v.setOneReg(name, 0n)).toBe(E.ENOEXEC);
  });

  it.each(oneRegNames.map((n) => [n]))('%s on a vCPU without the PMU feature → ENOENT', (name) => {
    const v = createHost('rk3588').createVm().createVcpu();
    expect(v.init({ pmu: false })).toBe(0);
    expect(v.getOneReg(name).ret).toBe(E.ENOENT);
    expect(v.setOneReg(name, 1n)).toBe(E.ENOENT);
  });

  it.each(oneRegNames.map((n) => [n]))('%s on a PMU vCPU → 0', (name) => {
    const { vcpus } = initedVm('rk3588');
    expect(vcpus[0]!.getOneReg(name).ret).toBe(0);
  });

  it('a failed first INIT (ENODEV) leaves ONE_REG at ENOEXEC', () => {
    const v = createHost({ name: 'gap', cpus: 3, pmus: [{ name: 'a', cpus: [0, 1] }] }).createVm().createVcpu();
    expect(v.init({ pmu: true }, { cpu: 2 })).toBe(E.ENODEV);
    expect(v.getOneReg('PMCR_EL0').ret).toBe(E.ENOEXEC);
  });
});
