/**
 * Steps several clients share: the HAS-then-SET idiom (QEMU's kvm_arm_set_device_attr,
 * kvmtool's set_pmu_attr, the kvm-ioctls doc example) and the main thread's INIT of every
 * vCPU (kvmtool, crosvm, cloud-hypervisor, Firecracker).
 */
import type { ClientContext } from './context.js';
import type { TracedVcpu } from './trace.js';

export interface AttrFailure {
  readonly ioctl: 'KVM_HAS_DEVICE_ATTR' | 'KVM_SET_DEVICE_ATTR';
  readonly ret: number;
}

/** HAS(attr) and, if it succeeds, SET(attr); null when both succeed. */
export function hasThenSet(vcpu: TracedVcpu, actor: string, attr: number, value?: number): AttrFailure | null {
  let ret = vcpu.has(actor, attr);
  if (ret) return { ioctl: 'KVM_HAS_DEVICE_ATTR', ret };
  ret = vcpu.set(actor, attr, value);
  return ret ? { ioctl: 'KVM_SET_DEVICE_ATTR', ret } : null;
}

/** Main thread: KVM_CREATE_VM and every vCPU, in id order (all but QEMU). */
export function createVmAndVcpus(ctx: ClientContext): void {
  const vm = ctx.createVm();
  for (let id = 0; id < ctx.options.vcpus; id++) vm.createVcpu('main');
}

/**
 * The main thread INITs every vCPU in id order from its own pCPU (so vCPU0's INIT picks the
 * default PMU of `mainCpu`); the client dies with `message(id, ret)` on the first failure.
 */
export function initVcpusFromMain(ctx: ClientContext, pmu: boolean, message: (id: number, ret: number) => string): void {
  for (const vcpu of ctx.vcpus) {
    const ret = vcpu.init('main', pmu, ctx.options.mainCpu);
    if (ret) ctx.die(message(vcpu.raw.id, ret));
  }
}

/** VGIC_INIT from the main thread; the client dies with `message(ret)` if it fails. */
export function vgicInit(ctx: ClientContext, message: (ret: number) => string): void {
  const ret = ctx.vm!.vgicInit('main');
  if (ret) ctx.die(message(ret));
}
