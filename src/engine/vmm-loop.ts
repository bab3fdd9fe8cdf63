/**
 * A VMM thread's loop, one generator that every driver runs (hw: its own worker; sim: one
 * thread among the others): it issues its script of vCPU ioctls — device attributes,
 * KVM_ARM_VCPU_INIT, ONE_REG — concurrently with the running vCPUs, as a real VMM's
 * threads do, through the same model operations as the API, on the shared locks.
 */
import { register } from '../arch/registers.js';
import { uapi } from '../arch/uapi.js';
import { FEATURE } from '../kvm/vm-state.js';
import { createVcpu, vgicInit } from '../kvm/vm-ioctl.js';
import { getDeviceAttr, getOneRegIoctl, hasDeviceAttr, setDeviceAttr, setOneRegIoctl, vcpuInit } from '../kvm/vcpu-ioctl.js';
import { park, QUIESCENT, type Op } from '../sync/seam.js';
import { STAT, STATUS, type Control } from './control.js';
import type { Scenario, VmmStep } from './scenario.js';
import type { World } from './world.js';

const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;

/** A word nobody ever changes: parking on it never ends (the planted runaway). */
const NEVER = new Int32Array(new SharedArrayBuffer(4));

export function* vmmLoop(scenario: Scenario, world: World, control: Control, slot: number): Op<void> {
  const plan = scenario.vmm[slot - scenario.topology.cpus]!;
  const vm = world.vms[plan.vm]!;
  const firstVcpu = scenario.vms.slice(0, plan.vm).reduce((n, v) => n + v.vcpus.length, 0);

  /** Performs one step; returns its ioctl result (0 or -errno). */
  function* perform(step: VmmStep): Op<number> {
    switch (step.op) {
      case 'set-attr':
        return yield* setDeviceAttr(vm.vcpus[step.vcpu]!, CTRL, step.attr, step.value);
      case 'get-attr':
        return (yield* getDeviceAttr(vm.vcpus[step.vcpu]!, CTRL, step.attr)).ret;
      case 'has-attr':
        return yield* hasDeviceAttr(vm.vcpus[step.vcpu]!, CTRL, step.attr);
      case 'vcpu-init':
        return yield* vcpuInit(vm.vcpus[step.vcpu]!, step.pmu ? FEATURE.PMU_V3 : 0, step.cpu);
      case 'set-reg':
        return yield* setOneRegIoctl(vm.vcpus[step.vcpu]!, register(step.reg), BigInt(step.value));
      case 'get-reg':
        return (yield* getOneRegIoctl(vm.vcpus[step.vcpu]!, register(step.reg))).ret;
      case 'create-vcpu': {
        const ret = yield* createVcpu(vm, vm.vcpus[step.vcpu]!);
        // A created vCPU becomes schedulable on its first CPU.
        if (ret === 0) control.setSched(firstVcpu + step.vcpu, scenario.vms[plan.vm]!.vcpus[step.vcpu]!.start);
        return ret;
      }
      case 'vgic-init':
        return yield* vgicInit(vm);
      case 'republish-pmus':
        yield* world.host.list.republish();
        return 0;
      case 'hotplug-pmu':
        return yield* world.host.hotplugPmu(step.pmu);
      case 'spin':
        for (;;) yield park('spin (ignores the stop)', NEVER, 0, 0);
      case 'stall': {
        // A planted hang: hold the lock until the run stops (the watchdog must name us).
        const lock = { config_lock: vm.configLock, 'kvm->lock': vm.kvmLock, 'vcpu->mutex': vm.vcpus[step.vcpu]!.mutex }[step.lock];
        yield lock.acquire;
        while (!control.stopped()) yield control.parkUntilStopped(`stall holding ${lock.name}`);
        yield lock.release;
        return 0;
      }
    }
  }

  control.setStatus(slot, STATUS.RUNNING);
  try {
    for (let pass = 0; plan.iterations === 0 || pass < plan.iterations; pass++) {
      for (const step of plan.steps) {
        if (control.stopped()) break;
        const ret = yield* perform(step);
        yield QUIESCENT;
        control.countErrno(slot, ret);
        control.add(slot, STAT.IOCTLS);
        control.add(slot, STAT.HEARTBEAT);
      }
      if (control.stopped()) break;
    }
  } finally {
    control.setStatus(slot, STATUS.EXITED);
  }
}
