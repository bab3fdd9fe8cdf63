/**
 * vCPU ioctls other than KVM_RUN: KVM_ARM_VCPU_INIT (arm.c), the device-attribute entry
 * points and ONE_REG (guest.c). Every vCPU ioctl holds `vcpu->mutex` for its duration
 * (generic KVM); SET_DEVICE_ATTR and INIT also take `config_lock` inside it (spec §5.1).
 */
import { errno } from '../arch/errno.js';
import type { RegDesc } from '../arch/registers.js';
import { uapi } from '../arch/uapi.js';
import type { Op } from '../sync/seam.js';
import { getOneReg, setOneReg, type OneRegResult } from './one-reg.js';
import { armSetPmu, pmuV3GetAttr, pmuV3HasAttr, pmuV3SetAttr, type AttrValue, type GetAttrResult } from './pmu-attr.js';
import { resetPmuRegs, resetPmuRegsSteps } from './reset.js';
import { checkArmPmuChosen, checkInitFailureRestores } from '../check/config-oracles.js';
import { VCPU_FLAG, type KvmVcpu } from './vcpu-state.js';
import { FEATURE, VM_FLAG } from './vm-state.js';

/*
 * Locking: kvm_vcpu_ioctl() holds vcpu->mutex around every vCPU ioctl, so each ioctl below
 * yields its acquire first and its release last, in a `finally`. Ioctls whose body never
 * yields share `withVcpuMutex`, which calls a plain function; those whose body yields take
 * the mutex in their own generator rather than through a wrapper generator: a generic
 * `yield* body` site sees every ioctl's generator and goes megamorphic, which made each step
 * of a VMM thread about twice as slow in the sim.
 */

/** Runs `body(vcpu, a, b)`, which takes no other lock and never yields, with vcpu->mutex held. */
function* withVcpuMutex<A, B, T>(vcpu: KvmVcpu, body: (vcpu: KvmVcpu, a: A, b: B) => T, a: A, b: B): Op<T> {
  yield vcpu.mutex.acquire;
  try {
    return body(vcpu, a, b);
  } finally {
    yield vcpu.mutex.release;
  }
}

/** `kvm_arm_set_default_pmu` (spec §1.3): the PMU of the CPU the caller runs on now. */
function* setDefaultPmu(vcpu: KvmVcpu, fromCpu: number): Op<number> {
  const entry = yield* vcpu.vm.host.list.probe(fromCpu);
  if (entry < 0) return -errno.ENODEV;
  armSetPmu(vcpu.vm, entry, 'default');
  return 0;
}

/** `__kvm_vcpu_set_target`: the first INIT of a vCPU, under config_lock. */
function* setTarget(vcpu: KvmVcpu, features: number, fromCpu: number): Op<number> {
  const vm = vcpu.vm;
  yield vm.configLock.acquire;
  try {
    if (vm.hasFlag(VM_FLAG.VCPU_FEATURES_CONFIGURED) && vm.features !== features) return -errno.EINVAL;
    // Copied before kvm_setup_vcpu can fail, and not restored if it does (spec §8 item 27)
    // unless the profile has the 2026-09 fix.
    const featuresBefore = vm.features;
    vm.features = features;
    // Planted `lazy-default-pmu`: the choice waits for the first PMU attribute (pmu-attr.ts).
    if (vcpu.hasPmu() && vm.armPmu < 0 && !vm.planted('lazy-default-pmu')) {
      const ret = yield* setDefaultPmu(vcpu, fromCpu);
      if (ret) {
        if (vm.profile.initFailureRestoresFeatures) vm.features = featuresBefore;
        checkInitFailureRestores(vm, featuresBefore);
        return ret;
      }
    }
    resetPmuRegs(vcpu);
    vm.setFlag(VM_FLAG.VCPU_FEATURES_CONFIGURED);
    vcpu.setFlag(VCPU_FLAG.INITIALIZED);
    checkArmPmuChosen(vcpu);
    return 0;
  } finally {
    yield vm.configLock.release;
  }
}

/**
 * A repeated INIT: `kvm_reset_vcpu`. Mainline and v8 reset under vcpu->mutex only; with
 * serializeRepeatedInit (v9+ "Serialize repeated vCPU initialization", title only, INFERRED:
 * config_lock around the reset, as the first INIT has) no configuration lands inside it.
 */
function* resetVcpu(vcpu: KvmVcpu): Op<number> {
  const vm = vcpu.vm;
  const serialize = vm.profile.serializeRepeatedInit && !vm.planted('repeated-init-unserialised');
  if (serialize) yield vm.configLock.acquire;
  try {
    yield* resetPmuRegsSteps(vcpu);
    return 0;
  } finally {
    if (serialize) yield vm.configLock.release;
  }
}

/** `kvm_arch_vcpu_ioctl_vcpu_init` (spec §4.0): first INIT, or a reset on a repeat. */
export function* vcpuInit(vcpu: KvmVcpu, features: number, fromCpu: number): Op<number> {
  yield vcpu.mutex.acquire;
  try {
    const host = vcpu.vm.host;
    if ((features & FEATURE.PMU_V3) !== 0 && !(yield* host.supportsGuestPmuv3())) return -errno.EINVAL;
    if ((features & FEATURE.EL1_32BIT) !== 0 && !host.topology.aarch32El0) return -errno.EINVAL;
    if (!vcpu.hasFlag(VCPU_FLAG.INITIALIZED)) return yield* setTarget(vcpu, features, fromCpu);
    if (vcpu.vm.features !== features) return -errno.EINVAL;
    return yield* resetVcpu(vcpu);
  } finally {
    yield vcpu.mutex.release;
  }
}

/** KVM_SET_DEVICE_ATTR on a vCPU fd (guest.c): config_lock around the whole PMU call. */
export function* setDeviceAttr(vcpu: KvmVcpu, group: number, attr: number, value: AttrValue): Op<number> {
  yield vcpu.mutex.acquire;
  try {
    if (group !== uapi.KVM_ARM_VCPU_PMU_V3_CTRL) return -errno.ENXIO;
    yield vcpu.vm.configLock.acquire;
    try {
      return yield* pmuV3SetAttr(vcpu, attr, value);
    } finally {
      yield vcpu.vm.configLock.release;
    }
  } finally {
    yield vcpu.mutex.release;
  }
}

/** `kvm_arm_vcpu_arch_get_attr` (guest.c): the PMU group, or -ENXIO. */
function vcpuGetAttr(vcpu: KvmVcpu, group: number, attr: number): GetAttrResult {
  return group === uapi.KVM_ARM_VCPU_PMU_V3_CTRL ? pmuV3GetAttr(vcpu, attr) : { ret: -errno.ENXIO };
}

/** `kvm_arm_vcpu_arch_has_attr` (guest.c): the PMU group, or -ENXIO. */
function vcpuHasAttr(vcpu: KvmVcpu, group: number, attr: number): number {
  return group === uapi.KVM_ARM_VCPU_PMU_V3_CTRL ? pmuV3HasAttr(vcpu, attr) : -errno.ENXIO;
}

/** KVM_GET_DEVICE_ATTR: no KVM lock besides vcpu->mutex. */
export function getDeviceAttr(vcpu: KvmVcpu, group: number, attr: number): Op<GetAttrResult> {
  return withVcpuMutex(vcpu, vcpuGetAttr, group, attr);
}

/** KVM_HAS_DEVICE_ATTR: no KVM lock besides vcpu->mutex. */
export function hasDeviceAttr(vcpu: KvmVcpu, group: number, attr: number): Op<number> {
  return withVcpuMutex(vcpu, vcpuHasAttr, group, attr);
}

export function getOneRegIoctl(vcpu: KvmVcpu, reg: RegDesc): Op<OneRegResult> {
  return withVcpuMutex(vcpu, getOneReg, reg, undefined);
}

export function* setOneRegIoctl(vcpu: KvmVcpu, reg: RegDesc, value: bigint): Op<number> {
  yield vcpu.mutex.acquire;
  try {
    return yield* setOneReg(vcpu, reg, value);
  } finally {
    yield vcpu.mutex.release;
  }
}
