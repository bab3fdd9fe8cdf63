import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import { uapi } from '../../src/arch/uapi.js';
import type { TopologySpec } from '../../src/host/topology.js';
import { CTRL, E, IRQ, INIT, SET_NR, pmcrN, readN } from './helpers.js';

/** Enables the cycle counter, executes `cycles` on `cpu` and returns PMCCNTR as the guest reads it. */
function cyclesCounted(v: Vcpu, cpu: number, cycles: number): bigint {
  let counted = -1n;
  const r = v.run({
    cpu,
    guest: (g) => {
      g.write('PMCNTENSET_EL0', 1n << 31n);
      g.write('PMCCNTR_EL0', 0n);
      g.write('PMCR_EL0', 1n); // E
      g.exec(cycles);
      counted = g.read('PMCCNTR_EL0');
    },
  });
  expect(r).toEqual({ ret: 0 });
  return counted;
}

function readyVcpu(topology: string | TopologySpec, fromCpu: number): Vcpu {
  const vm = createHost(topology).createVm();
  const v = vm.createVcpu();
  expect(v.init({ pmu: true }, { cpu: fromCpu })).toBe(0);
  expect(vm.vgicInit()).toBe(0);
  expect(v.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
  expect(v.setDeviceAttr(CTRL, INIT)).toBe(0);
  return v;
}

/** Two clusters that differ in every observable: counters and implemented events. */
const split: TopologySpec = {
  name: 'split',
  pmus: [
    { name: 'little', cpus: [0, 1, 2, 3], counters: 4, events: [0x08, 0x11] },
    { name: 'big', cpus: [4, 5, 6, 7], counters: 6, events: [0x08, 0x11, 0x21] },
  ],
};

// spec §1.3 kvm_pmu_probe_armpmu / kvm_arm_set_default_pmu: the first PMU-enabled
// KVM_ARM_VCPU_INIT of the VM picks the PMU covering the CPU the caller runs on, and does
// not narrow supported_cpus.
describe('default PMU selection at the first KVM_ARM_VCPU_INIT (spec §1.3)', () => {
  it('rk3588, INIT from CPU 5 → the A76 PMU: its counters count on CPU 5 and not on the A55 CPUs', () => {
    const v = readyVcpu('rk3588', 5);
    const host = v.model.vm.host;
    expect(host.pmuOf(v.model.vm.armPmu).name).toBe('armv8_cortex_a76');
    expect(cyclesCounted(v, 5, 1000)).toBe(1000n);
    expect(cyclesCounted(v, 7, 500)).toBe(500n);
    // The default PMU does not narrow supported_cpus: KVM_RUN enters on CPU 1 but counting stops.
    expect(cyclesCounted(v, 1, 1000)).toBe(0n);
  });

  it('rk3588, INIT from CPU 2 → the A55 PMU: counting happens on CPUs 0-3 only', () => {
    const v = readyVcpu('rk3588', 2);
    expect(cyclesCounted(v, 0, 300)).toBe(300n);
    expect(cyclesCounted(v, 6, 300)).toBe(0n);
  });

  it.each([
    [0, 4],
    [3, 4],
    [4, 6],
    [7, 6],
  ])('split host, INIT from CPU %i → PMCR_EL0.N = %i', (cpu, n) => {
    const v = readyVcpu(split, cpu);
    expect(readN(v)).toBe(n);
    let guestN = -1;
    v.run({ cpu, guest: (g) => void (guestN = pmcrN(g.read('PMCR_EL0'))) });
    expect(guestN).toBe(n);
  });

  it('split host: PMCEID follows the chosen PMU (BR_RETIRED 0x21 only on big)', () => {
    for (const [cpu, has21] of [[1, false], [6, true]] as const) {
      const v = readyVcpu(split, cpu);
      let pmceid1 = 0n;
      v.run({ cpu, guest: (g) => void (pmceid1 = g.read('PMCEID1_EL0')) });
      expect(((pmceid1 >> BigInt(0x21 - 32)) & 1n) === 1n).toBe(has21);
    }
  });

  it('only the first PMU INIT chooses: a later vCPU INIT from another cluster keeps the choice', () => {
    const vm = createHost(split).createVm();
    const v0 = vm.createVcpu();
    const v1 = vm.createVcpu();
    expect(v0.init({ pmu: true }, { cpu: 6 })).toBe(0);
    expect(v1.init({ pmu: true }, { cpu: 1 })).toBe(0);
    expect(readN(v0)).toBe(6);
    expect(readN(v1)).toBe(6);
    // A repeated INIT from the other cluster does not re-probe either.
    expect(v0.init({ pmu: true }, { cpu: 1 })).toBe(0);
    expect(readN(v0)).toBe(6);
  });

  it('the chosen PMU sets nr_pmu_counters to its max (SET_NR_COUNTERS above it is refused)', () => {
    const vm = createHost(split).createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: true }, { cpu: 0 })).toBe(0);
    expect(v.setDeviceAttr(CTRL, SET_NR, 5)).toBe(E.EINVAL);
    expect(v.setDeviceAttr(CTRL, SET_NR, 4)).toBe(0);
  });

  it('a VM whose vCPUs have no PMU never chooses a PMU', () => {
    const vm = createHost('rk3588').createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: false }, { cpu: 5 })).toBe(0);
    expect(vm.model.armPmu).toBe(-1);
    expect(vm.model.nrPmuCounters).toBe(0);
  });

  it('the default PMU leaves supported_cpus = every CPU (no fail-entry anywhere)', () => {
    const v = readyVcpu('rk3588', 5);
    expect(v.model.vm.supportedCpuList()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let cpu = 0; cpu < 8; cpu++) {
      const r = v.run({ cpu });
      expect(r.exitReason).not.toBe(uapi.KVM_EXIT_FAIL_ENTRY);
      expect(r.ret).toBe(0);
    }
  });
});

// spec §1.3: no PMU covers the caller's CPU → kvm_arm_set_default_pmu → -ENODEV out of INIT.
describe('no PMU covering the INIT caller’s CPU (spec §1.3, §8 item 27)', () => {
  const gap: TopologySpec = { name: 'gap', cpus: 5, pmus: [{ name: 'a', cpus: [0, 1, 2, 3] }] };

  it('INIT from CPU 4 (not covered) → ENODEV, the vCPU stays uninitialised', () => {
    const vm = createHost(gap).createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: true }, { cpu: 4 })).toBe(E.ENODEV);
    expect(vm.model.armPmu).toBe(-1);
    expect(v.getOneReg('PMCR_EL0').ret).toBe(E.ENOEXEC);
    expect(v.run({ cpu: 0 }).ret).toBe(E.ENOEXEC);
  });

  it('a retry from a covered CPU succeeds and picks that PMU', () => {
    const vm = createHost(gap).createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: true }, { cpu: 4 })).toBe(E.ENODEV);
    expect(v.init({ pmu: true }, { cpu: 2 })).toBe(0);
    expect(readN(v)).toBe(6);
  });

  it('after the failure the VM features are not "configured": a vCPU may still INIT without the PMU', () => {
    const vm = createHost(gap).createVm();
    const v0 = vm.createVcpu();
    const v1 = vm.createVcpu();
    expect(v0.init({ pmu: true }, { cpu: 4 })).toBe(E.ENODEV);
    expect(v1.init({ pmu: false }, { cpu: 4 })).toBe(0);
  });

  it('a PMU-less INIT from the uncovered CPU is fine (no probe without the feature)', () => {
    const v = createHost(gap).createVm().createVcpu();
    expect(v.init({ pmu: false }, { cpu: 4 })).toBe(0);
  });
});
