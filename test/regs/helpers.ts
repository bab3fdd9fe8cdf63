/**
 * Shared set-up for the register (test/regs) and perf-backing (test/perf) tests: a VM with
 * one vCPU that has the PMU feature, its vGIC initialised, IRQ PPI 23 set and PMU INIT done,
 * so KVM_RUN enters the guest.
 */
import { runDirect } from '../../src/sync/direct.js';
import { expect } from 'vitest';
import { createHost, type Host } from '../../src/api/host.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import type { Vm } from '../../src/api/vm.js';
import { uapi } from '../../src/arch/uapi.js';
import type { TopologySpec } from '../../src/host/topology.js';
import type { GuestCpu } from '../../src/kvm/guest-cpu.js';
import { GuestUndefined } from '../../src/kvm/guest-undefined.js';
import type { ProfileSwitches } from '../../src/kvm/profile.js';
import { REQ } from '../../src/kvm/vcpu-state.js';

export const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;

export interface SetupOptions {
  topology?: string | TopologySpec;
  profile?: string;
  switches?: Partial<ProfileSwitches>;
  irqchip?: 'vgic-v3' | 'none';
  /** CPU the VMM thread runs on at the first INIT (picks the default PMU). */
  from?: number;
  pmu?: boolean;
  el1_32bit?: boolean;
  /** Runs after KVM_ARM_VCPU_INIT, before the PMU INIT attribute (SET_PMU, FILTER, …). */
  configure?: (vcpu: Vcpu, host: Host) => void;
}

export interface Setup {
  host: Host;
  vm: Vm;
  vcpu: Vcpu;
}

export function setup(opts: SetupOptions = {}): Setup {
  const host = createHost(opts.topology ?? 'rk3588', {
    profile: opts.profile ?? 'mainline',
    ...(opts.switches ? { switches: opts.switches } : {}),
  });
  const irqchip = opts.irqchip ?? 'vgic-v3';
  const vm = host.createVm({ irqchip });
  const vcpu = vm.createVcpu();
  const pmu = opts.pmu ?? true;
  expect(vcpu.init({ pmu, el1_32bit: opts.el1_32bit ?? false }, { cpu: opts.from ?? 0 })).toBe(0);
  if (pmu) opts.configure?.(vcpu, host);
  if (irqchip === 'vgic-v3') expect(vm.vgicInit()).toBe(0); // KVM_RUN needs it (vgic_v3_map_resources)
  if (pmu) {
    if (irqchip === 'vgic-v3') expect(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23)).toBe(0);
    expect(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT)).toBe(0);
  }
  return { host, vm, vcpu };
}

/** One KVM_RUN on `cpu` that must enter the guest; returns what the guest program returned. */
export function guest<T>(vcpu: Vcpu, cpu: number, program: (g: GuestCpu) => T): T {
  let out: { v: T } | undefined;
  const r = vcpu.run({
    cpu,
    guest: (g) => {
      out = { v: program(g) };
    },
  });
  expect(r).toEqual({ ret: 0 });
  expect(out).toBeDefined();
  return out!.v;
}

/** Runs `access` and returns the GuestUndefined it threw, or undefined if it did not throw. */
export function undef(access: () => unknown): GuestUndefined | undefined {
  try {
    access();
  } catch (e) {
    if (e instanceof GuestUndefined) return e;
    throw e;
  }
  return undefined;
}

/** Clears the UNKNOWN reset values of the bitmaps so a test starts from a known state. */
export function clearBitmaps(g: GuestCpu): void {
  g.write('PMCNTENCLR_EL0', 0xffffffffn);
  g.write('PMINTENCLR_EL1', 0xffffffffn);
  g.write('PMOVSCLR_EL0', 0xffffffffn);
}

export function getReg(vcpu: Vcpu, name: string): bigint {
  const r = vcpu.getOneReg(name);
  expect(r.ret).toBe(0);
  return r.value;
}

export function reloadPending(vcpu: Vcpu): boolean {
  return (vcpu.model.pendingRequests() & REQ.RELOAD_PMU) !== 0;
}

/** arm_pmus entry of the host PMU called `name`. */
export function pmuEntry(host: Host, name: string): number {
  const p = host.pmus.find((x) => x.name === name);
  if (!p) throw new Error(`no PMU ${name}`);
  const list = host.model.list;
  // findType walks for a caller inside the read side (SET_PMU's): give it one.
  return runDirect(
    (function* () {
      yield list.readLock();
      const entry = yield* list.findType(p.type);
      yield list.readUnlock();
      return entry;
    })(),
    'find PMU',
  );
}

/** A host with one PMUv3p5 PMU (64-bit event counters, LP meaningful), 4 CPUs. */
export const v3p5Host: TopologySpec = {
  name: 'v3p5',
  pmus: [{ name: 'armv9_neoverse', cpus: [0, 1, 2, 3], counters: 6, pmuver: 6 }],
};

export const PMCR_E = 1n;
export const PMCR_P = 2n;
export const PMCR_C = 4n;
export const PMCR_LC = 1n << 6n;
export const PMCR_LP = 1n << 7n;
export const N_SHIFT = 11n;
export const pmcrN = (v: bigint): number => Number((v >> N_SHIFT) & 0x1fn);
export const BIT = (i: number): bigint => 1n << BigInt(i);
