/**
 * A VMM thread (one worker): issues its script of vCPU ioctls — device attributes,
 * KVM_ARM_VCPU_INIT, ONE_REG — concurrently with the running vCPUs, as a real VMM's
 * threads do, through the same model operations as the API, on the shared locks.
 */
import { register } from '../arch/registers.js';
import { uapi } from '../arch/uapi.js';
import { FEATURE } from '../kvm/vm-state.js';
import { createVcpu, vgicInit } from '../kvm/vm-ioctl.js';
import { getDeviceAttr, getOneRegIoctl, hasDeviceAttr, setDeviceAttr, setOneRegIoctl, vcpuInit } from '../kvm/vcpu-ioctl.js';
import { runHw } from '../sync/hw.js';
import { STAT, STATUS } from './control.js';
import type { WorkerJob } from './messages.js';
import type { VmmStep } from './scenario.js';
import type { ThreadContext } from './thread-context.js';

const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;

export function vmmLoop(job: WorkerJob, ctx: ThreadContext): void {
  const { world, control, task, slot } = ctx;
  const plan = job.scenario.vmm[slot - job.scenario.topology.cpus]!;
  const vm = world.vms[plan.vm]!;
  const firstVcpu = job.scenario.vms.slice(0, plan.vm).reduce((n, v) => n + v.vcpus.length, 0);

  /** Performs one step; returns its ioctl result (0 or -errno). */
  function perform(step: VmmStep): number {
    switch (step.op) {
      case 'set-attr':
        return runHw(setDeviceAttr(vm.vcpus[step.vcpu]!, CTRL, step.attr, step.value), task);
      case 'get-attr':
        return runHw(getDeviceAttr(vm.vcpus[step.vcpu]!, CTRL, step.attr), task).ret;
      case 'has-attr':
        return runHw(hasDeviceAttr(vm.vcpus[step.vcpu]!, CTRL, step.attr), task);
      case 'vcpu-init':
        return runHw(vcpuInit(vm.vcpus[step.vcpu]!, step.pmu ? FEATURE.PMU_V3 : 0, step.cpu), task);
      case 'set-reg':
        return runHw(setOneRegIoctl(vm.vcpus[step.vcpu]!, register(step.reg), BigInt(step.value)), task);
      case 'get-reg':
        return runHw(getOneRegIoctl(vm.vcpus[step.vcpu]!, register(step.reg)), task).ret;
      case 'create-vcpu': {
        const ret = runHw(createVcpu(vm, vm.vcpus[step.vcpu]!), task);
        // A created vCPU becomes schedulable on its first CPU.
        if (ret === 0) control.setSched(firstVcpu + step.vcpu, job.scenario.vms[plan.vm]!.vcpus[step.vcpu]!.start);
        return ret;
      }
      case 'vgic-init':
        return runHw(vgicInit(vm), task);
      case 'republish-pmus':
        runHw(world.host.list.republish(), task);
        return 0;
      case 'hotplug-pmu':
        return runHw(world.host.hotplugPmu(step.pmu), task);
      case 'spin': {
        const never = new Int32Array(new SharedArrayBuffer(4));
        for (;;) Atomics.wait(never, 0, 0, 1000); // ignores the stop on purpose
      }
      case 'stall': {
        // A planted hang: hold the lock until the run stops (the watchdog must name us).
        const lock = { config_lock: vm.configLock, 'kvm->lock': vm.kvmLock, 'vcpu->mutex': vm.vcpus[step.vcpu]!.mutex }[step.lock];
        task.perform(lock.acquire);
        while (!control.stopped()) control.pause(50);
        task.perform(lock.release);
        return 0;
      }
    }
  }

  control.setStatus(slot, STATUS.RUNNING);
  task.online();
  try {
    for (let pass = 0; plan.iterations === 0 || pass < plan.iterations; pass++) {
      for (const step of plan.steps) {
        if (control.stopped()) break;
        const ret = perform(step);
        control.countErrno(slot, ret);
        control.add(slot, STAT.IOCTLS);
        control.add(slot, STAT.HEARTBEAT);
      }
      if (control.stopped()) break;
    }
  } finally {
    task.offline(); // gone, or going: no grace period may wait for this thread
    control.setStatus(slot, STATUS.EXITED);
  }
}
