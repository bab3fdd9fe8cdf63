/**
 * Shared set-up for the partitioned-PMU tests (spec §6): a host with profile `partition`,
 * one VM, vCPUs initialised with the PMU, ENABLE_PARTITION (attribute 5) set, PMU INIT done.
 */
import { expect } from 'vitest';
import { createHost, type Host } from '../../src/api/host.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import type { Vm } from '../../src/api/vm.js';
import { MDCR } from '../../src/arch/pmu-bits.js';
import { uapi } from '../../src/arch/uapi.js';
import { presets } from '../../src/host/presets.js';
import type { TopologySpec } from '../../src/host/topology.js';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import type { ProfileSwitches } from '../../src/kvm/profile.js';

export const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;
export const PARTITION = uapi.KVM_ARM_VCPU_PMU_V3_ENABLE_PARTITION;
export const SET_NR = uapi.KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS;
export const E = 1n;
export { MDCR };

/** rk3588 (4×A55 + 4×A76, 6 counters each) with the given host features. */
export function rk3588(features: TopologySpec['features'] = {}): TopologySpec {
  return { ...presets.rk3588!, features };
}

export interface PartitionOptions {
  topology?: TopologySpec;
  features?: TopologySpec['features'];
  reserved?: number;
  switches?: Partial<ProfileSwitches>;
  /** SET_NR_COUNTERS after enabling (undefined: keep the clamped default). */
  nr?: number;
  /** ENABLE_PARTITION value; undefined: do not set it. */
  enable?: number;
  irqchip?: 'vgic-v3' | 'none';
  n?: number;
  profile?: string;
  /** Runs after ENABLE_PARTITION and SET_NR_COUNTERS, before PMU INIT (a FILTER, …). */
  configure?: (vcpu: Vcpu) => void;
}

export interface Setup {
  host: Host;
  vm: Vm;
  vcpus: Vcpu[];
  vcpu: Vcpu;
}

export function partitioned(o: PartitionOptions = {}): Setup {
  const host = createHost(o.topology ?? rk3588(o.features), {
    profile: o.profile ?? 'partition',
    ...(o.reserved !== undefined ? { reservedHostCounters: o.reserved } : {}),
    ...(o.switches ? { switches: o.switches } : {}),
  });
  const irqchip = o.irqchip ?? 'vgic-v3';
  const vm = host.createVm({ irqchip });
  const vcpus = Array.from({ length: o.n ?? 1 }, () => vm.createVcpu());
  for (const v of vcpus) expect(v.init({ pmu: true }, { cpu: 0 })).toBe(0);
  const enable = 'enable' in o ? o.enable : 1;
  if (enable !== undefined) expect(vcpus[0]!.setDeviceAttr(CTRL, PARTITION, enable)).toBe(0);
  if (o.nr !== undefined) expect(vcpus[0]!.setDeviceAttr(CTRL, SET_NR, o.nr)).toBe(0);
  o.configure?.(vcpus[0]!);
  if (irqchip === 'vgic-v3') expect(vm.vgicInit()).toBe(0);
  for (const v of vcpus) {
    if (irqchip === 'vgic-v3') expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23)).toBe(0);
    expect(v.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
  }
  return { host, vm, vcpus, vcpu: vcpus[0]! };
}

/** One KVM_RUN on `cpu` that must enter the guest and return 0; the program's result. */
export function guest<T>(vcpu: Vcpu, cpu: number, program: (g: GuestCpu) => T): T {
  let out: { v: T } | undefined;
  expect(vcpu.run({ cpu, guest: (g) => void (out = { v: program(g) }) })).toEqual({ ret: 0 });
  return out!.v;
}

/** HPMN of an MDCR_EL2 value. */
export function hpmnOf(mdcr: bigint): number {
  return Number(mdcr & MDCR.HPMN_MASK);
}

export function has(mdcr: bigint, bits: bigint): boolean {
  return (mdcr & bits) === bits;
}

/** Counts a cycle counter and counter 0 (CPU_CYCLES) from zero, enabled, interrupts off. */
export function countCycles(g: GuestCpu): void {
  g.write('PMINTENCLR_EL1', 0xffffffffn);
  g.write('PMOVSCLR_EL0', 0xffffffffn);
  g.write('PMEVTYPER0_EL0', 0x11n);
  g.write('PMEVCNTR0_EL0', 0n);
  g.write('PMCCNTR_EL0', 0n);
  g.write('PMCNTENSET_EL0', (1n << 31n) | 1n);
  g.write('PMCR_EL0', E);
}
