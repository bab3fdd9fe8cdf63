/**
 * Shared fixtures for the KVM-side tests: attribute ids, negative errnos, and small
 * builders for the ioctl sequences every test starts with (spec §3.7).
 */
import { expect } from 'vitest';
import { createHost, type Host, type HostOptions } from '../../src/api/host.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import type { Vm } from '../../src/api/vm.js';
import { errno } from '../../src/arch/errno.js';
import { uapi } from '../../src/arch/uapi.js';
import type { TopologySpec } from '../../src/host/topology.js';

export const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;
export const IRQ = uapi.KVM_ARM_VCPU_PMU_V3_IRQ;
export const INIT = uapi.KVM_ARM_VCPU_PMU_V3_INIT;
export const FILTER = uapi.KVM_ARM_VCPU_PMU_V3_FILTER;
export const SET_PMU = uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU;
export const SET_NR = uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS;
export const FIXED = uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY;
export const ALLOW = uapi.KVM_PMU_EVENT_ALLOW;
export const DENY = uapi.KVM_PMU_EVENT_DENY;

/** Negative errnos, as the ioctls return them. */
export const E = Object.freeze({
  ENOENT: -errno.ENOENT,
  ENXIO: -errno.ENXIO,
  ENOEXEC: -errno.ENOEXEC,
  EAGAIN: -errno.EAGAIN,
  EFAULT: -errno.EFAULT,
  EBUSY: -errno.EBUSY,
  EEXIST: -errno.EEXIST,
  ENODEV: -errno.ENODEV,
  EINVAL: -errno.EINVAL,
});

/** PMCR_EL0.N of a PMCR value. */
export function pmcrN(pmcr: bigint): number {
  return Number((pmcr >> 11n) & 0x1fn);
}

/** The perf type id of a host PMU (CPU or uncore) by name. */
export function typeOf(host: Host, name: string): number {
  const p = host.eventSources.find((s) => s.name === name);
  if (!p) throw new Error(`no PMU ${name} on ${host.name}`);
  return p.type;
}

export interface Setup {
  host: Host;
  vm: Vm;
  vcpus: Vcpu[];
}

/**
 * A host, a VM and `n` vCPUs, each KVM_ARM_VCPU_INIT'ed with the PMU feature from `fromCpu`
 * (so the default PMU is the one covering that CPU). Nothing else is configured.
 */
export function initedVm(
  topology: string | TopologySpec = 'rk3588',
  opts: { n?: number; fromCpu?: number; irqchip?: 'vgic-v3' | 'none'; host?: HostOptions } = {},
): Setup {
  const host = createHost(topology, opts.host);
  const vm = host.createVm({ irqchip: opts.irqchip ?? 'vgic-v3' });
  const vcpus: Vcpu[] = [];
  for (let i = 0; i < (opts.n ?? 1); i++) vcpus.push(vm.createVcpu());
  for (const v of vcpus) expect(v.init({ pmu: true }, { cpu: opts.fromCpu ?? 0 })).toBe(0);
  return { host, vm, vcpus };
}

/** vGIC init, then IRQ `irq` and PMU INIT on every vCPU (spec §3.7 steps 2 and 4). */
export function pmuInitAll(s: Setup, irq = 23): void {
  if (s.vm.model.vgic.created) expect(s.vm.vgicInit()).toBe(0);
  for (const v of s.vcpus) {
    if (s.vm.model.vgic.created) expect(v.setDeviceAttr(CTRL, IRQ, irq)).toBe(0);
    expect(v.setDeviceAttr(CTRL, INIT)).toBe(0);
  }
}

/** PMCR_EL0.N as userspace reads it. */
export function readN(v: Vcpu): number {
  const r = v.getOneReg('PMCR_EL0');
  expect(r.ret).toBe(0);
  return pmcrN(r.value);
}
