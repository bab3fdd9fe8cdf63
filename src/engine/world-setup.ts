/**
 * What the VMM's main thread does before any engine thread starts: KVM_CREATE_VCPU for the
 * vCPUs a scenario creates up front, and each VM's configuration (vm-setup.ts). Shared by
 * the hw coordinator and the sim driver, so both start from the same world.
 */
import { Vcpu } from '../api/vcpu.js';
import { createVcpu } from '../kvm/vm-ioctl.js';
import { runDirect } from '../sync/direct.js';
import { SCHED, type Control } from './control.js';
import type { Scenario } from './scenario.js';
import { resolvePolicy, rngSeed } from './scheduler.js';
import { setUpVm } from './vm-setup.js';
import type { World } from './world.js';

export function setUpWorld(world: World, s: Scenario): void {
  s.vms.forEach((plan, i) => {
    const vm = world.vms[i]!;
    vm.vcpus.forEach((v, j) => {
      if (plan.vcpus[j]!.setup !== 'uncreated') runDirect(createVcpu(vm, v), `vm${i} KVM_CREATE_VCPU`);
    });
    setUpVm(
      vm,
      vm.vcpus.map((v) => new Vcpu(v)),
      {
        config: plan.config,
        pmuType: plan.pmu === undefined ? undefined : s.topology.pmus.find((p) => p.name === plan.pmu)!.type,
        initCpu: plan.initCpu,
        vcpuSetup: plan.vcpus.map((v) => v.setup),
        vgicInit: plan.vgicInit,
      },
    );
  });
}

/** Every vCPU's first scheduling word, placement PRNG state and "never loaded" last CPU. */
export function initSchedule(control: Control, s: Scenario): void {
  const policy = resolvePolicy(s.policy, s.seed);
  s.vms.flatMap((vm) => vm.vcpus).forEach((p, v) => {
    control.setRngState(v, rngSeed(policy, v));
    control.setLastCpu(v, -1);
    control.setSched(v, p.setup === 'uncreated' ? SCHED.UNCREATED : p.start);
  });
}
