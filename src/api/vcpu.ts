/** API.md `Vcpu`: the vCPU ioctls, each run to completion by the direct driver. */
import { register } from '../arch/registers.js';
import { VpmuLabError } from '../host/errors.js';
import { intValue } from '../host/validate.js';
import { vcpuRun, type RunResult } from '../kvm/arm.js';
import type { GuestCpu } from '../kvm/guest-cpu.js';
import type { AttrValue, GetAttrResult, PmuEventFilter } from '../kvm/pmu-attr.js';
import type { OneRegResult } from '../kvm/one-reg.js';
import type { KvmVcpu } from '../kvm/vcpu-state.js';
import { hostState, type VcpuHostState } from '../kvm/host-state.js';
import { getDeviceAttr, getOneRegIoctl, hasDeviceAttr, setDeviceAttr, setOneRegIoctl, vcpuInit } from '../kvm/vcpu-ioctl.js';
import { FEATURE } from '../kvm/vm-state.js';
import { runDirect } from '../sync/direct.js';

export interface VcpuFeatures {
  /** KVM_ARM_VCPU_PMU_V3. */
  pmu: boolean;
  /** KVM_ARM_VCPU_EL1_32BIT (AArch32 guest; needed for the §4.5 write anomaly). */
  el1_32bit?: boolean;
}

function checkFilter(v: unknown): PmuEventFilter {
  if (typeof v !== 'object' || v === null) {
    throw new VpmuLabError(`FILTER value: expected { baseEvent, nevents, action }, got ${JSON.stringify(v)}`);
  }
  const f = v as Record<string, unknown>;
  return {
    baseEvent: intValue('FILTER.baseEvent (u16)', f.baseEvent, 0, 0xffff),
    nevents: intValue('FILTER.nevents (u16)', f.nevents, 0, 0xffff),
    action: intValue('FILTER.action (u8)', f.action, 0, 0xff),
  };
}

export type { VcpuHostState };

export class Vcpu {
  constructor(readonly model: KvmVcpu) {}

  get id(): number {
    return this.model.id;
  }

  private name(op: string): string {
    return `${this.model.name} ${op}`;
  }

  /** KVM_ARM_VCPU_INIT; `from.cpu` is the physical CPU the calling thread runs on. */
  init(features: VcpuFeatures, from: { cpu: number } = { cpu: 0 }): number {
    if (typeof features !== 'object' || features === null || typeof features.pmu !== 'boolean') {
      throw new VpmuLabError(`init: features must be { pmu: boolean }, got ${JSON.stringify(features)}`);
    }
    const cpu = intValue('init: from.cpu', from?.cpu, 0, this.model.vm.host.topology.cpus - 1);
    const bits = (features.pmu ? FEATURE.PMU_V3 : 0) | (features.el1_32bit ? FEATURE.EL1_32BIT : 0);
    return runDirect(vcpuInit(this.model, bits, cpu), this.name('KVM_ARM_VCPU_INIT'));
  }

  hasDeviceAttr(group: number, attr: number): number {
    return runDirect(hasDeviceAttr(this.model, group, attr), this.name('KVM_HAS_DEVICE_ATTR'));
  }

  setDeviceAttr(group: number, attr: number, value?: number | PmuEventFilter): number {
    let v: AttrValue = value;
    if (value !== undefined) {
      v = typeof value === 'number' ? intValue('device attr value', value, -(2 ** 31), 2 ** 32 - 1) : checkFilter(value);
    }
    return runDirect(setDeviceAttr(this.model, group, attr, v), this.name('KVM_SET_DEVICE_ATTR'));
  }

  getDeviceAttr(group: number, attr: number): GetAttrResult {
    return runDirect(getDeviceAttr(this.model, group, attr), this.name('KVM_GET_DEVICE_ATTR'));
  }

  getOneReg(name: string): OneRegResult {
    return runDirect(getOneRegIoctl(this.model, register(name)), this.name('KVM_GET_ONE_REG'));
  }

  setOneReg(name: string, value: bigint): number {
    if (typeof value !== 'bigint') throw new VpmuLabError(`setOneReg(${name}): value must be a bigint`);
    return runDirect(setOneRegIoctl(this.model, register(name), value), this.name('KVM_SET_ONE_REG'));
  }

  /** Host-side state for tests and reports, any profile (API.md). */
  hostState(): VcpuHostState {
    return hostState(this.model);
  }

  /** One KVM_RUN on physical CPU `cpu`; the guest program runs to completion. */
  run(opts: { cpu: number; guest?: (g: GuestCpu) => void }): RunResult {
    const cpu = intValue('run: cpu', opts?.cpu, 0, this.model.vm.host.topology.cpus - 1);
    return runDirect(vcpuRun(this.model, cpu, opts.guest), this.name('KVM_RUN'));
  }
}
