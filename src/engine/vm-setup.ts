/**
 * What a VMM does before its vCPUs first run, for the configurations the demo and the
 * scenarios name (hosts-and-clients §1): KVM_ARM_VCPU_INIT from the main thread's CPU,
 * the configuration's own attribute (SET_PMU, FIXED_COUNTERS_ONLY or ENABLE_PARTITION(1)), vGIC init, then
 * IRQ 23 + PMU INIT on every vCPU that gets the full set-up.
 */
import type { Vcpu } from '../api/vcpu.js';
import { errnoName } from '../arch/errno.js';
import { uapi } from '../arch/uapi.js';
import { VpmuLabError } from '../host/errors.js';
import { cpuPmuOf } from '../host/topology.js';
import type { KvmVm } from '../kvm/vm-state.js';
import { vgicInit } from '../kvm/vm-ioctl.js';
import { runDirect } from '../sync/direct.js';
import type { VcpuSetup, VmConfig } from './scenario.js';

export interface VmSetup {
  readonly config: VmConfig;
  /** SET_PMU's perf type; default: the PMU covering `initCpu`. */
  readonly pmuType?: number;
  readonly initCpu: number;
  /** Per vCPU: 'full', 'vcpu-init' (KVM_ARM_VCPU_INIT only), 'none' or 'uncreated'. */
  readonly vcpuSetup: readonly VcpuSetup[];
  /** Initialise the vGIC (default true). */
  readonly vgicInit?: boolean;
}

const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;

export function setUpVm(vm: KvmVm, vcpus: readonly Vcpu[], s: VmSetup): void {
  const check = (ret: number, what: string) => {
    if (ret !== 0) throw new VpmuLabError(`VM ${vm.id} set-up (${s.config}): ${what} returned ${errnoName(ret)}`);
  };
  const pmu = s.config !== 'none';
  const inited = vcpus.filter((_, i) => s.vcpuSetup[i] !== 'none' && s.vcpuSetup[i] !== 'uncreated');
  for (const v of inited) check(v.init({ pmu }, { cpu: s.initCpu }), `vcpu${v.id} KVM_ARM_VCPU_INIT`);
  const via = inited[0];
  if (via && s.config === 'set-pmu') {
    const type = s.pmuType ?? cpuPmuOf(vm.host.topology, s.initCpu)?.type;
    if (type === undefined) throw new VpmuLabError(`VM ${vm.id} set-up: no PMU covers cpu ${s.initCpu} for SET_PMU`);
    check(via.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, type), `SET_PMU(${type})`);
  }
  if (via && s.config === 'fixed-counters-only') {
    check(via.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY), 'FIXED_COUNTERS_ONLY');
  }
  if (via && s.config === 'partition') {
    check(via.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_ENABLE_PARTITION, 1), 'ENABLE_PARTITION(1)');
  }
  if (s.vgicInit === false) return;
  if (vm.vgic.created) check(runDirect(vgicInit(vm), `vm${vm.id} KVM_DEV_ARM_VGIC_CTRL_INIT`), 'KVM_DEV_ARM_VGIC_CTRL_INIT');
  if (!pmu) return;
  vcpus.forEach((v, i) => {
    if (s.vcpuSetup[i] !== 'full') return;
    if (vm.vgic.created) check(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23), `vcpu${v.id} IRQ=23`);
    check(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT), `vcpu${v.id} PMU INIT`);
  });
}
