/**
 * The flagship demonstration (issue: "The KVM vPMU model"): a Windows-like guest on a
 * big.LITTLE host whose vCPU moves between clusters every quantum, under the four ways the
 * kernel (and its series) give it a PMU — the default PMU, SET_PMU, FIXED_COUNTERS_ONLY, and
 * the partitioned PMU (spec §6), whose cost is the context swapped at every load.
 */
import { createHost, type Host } from '../api/host.js';
import type { Vcpu } from '../api/vcpu.js';
import { errnoName } from '../arch/errno.js';
import { uapi } from '../arch/uapi.js';
import { setUpVm } from '../engine/vm-setup.js';
import { VpmuLabError } from '../host/errors.js';
import { cpuPmuOf, type TopologySpec } from '../host/topology.js';
import { cycleDivider, cycleDividerState } from '../guest/cycle-divider.js';
import { GuestCrash } from '../guest/guest-crash.js';
import { guestMemoryLayout } from '../guest/memory.js';
import { PSTAT } from '../kvm/vcpu-state.js';

export type DemoConfig = 'default-pmu' | 'set-pmu' | 'fixed-counters-only' | 'partition';
export const demoConfigs: readonly DemoConfig[] = ['default-pmu', 'set-pmu', 'fixed-counters-only', 'partition'];

/** The kernel profile each configuration needs (attribute 5 means FIXED or ENABLE_PARTITION). */
const PROFILE: Readonly<Record<DemoConfig, string>> = {
  'default-pmu': 'mainline',
  'set-pmu': 'mainline',
  'fixed-counters-only': 'fixed-counters-only',
  partition: 'partition',
};

export interface DemoOptions {
  /** A preset name or a topology object; default rk3588. */
  host?: string | TopologySpec;
  /** Quanta to run (each on the next CPU of the ping-pong schedule). */
  quanta?: number;
  cyclesPerQuantum?: number;
}

export interface DemoRow {
  config: DemoConfig;
  profile: string;
  /** The host PMU the VM uses (for FIXED: the PMU of the CPU it runs on). */
  pmu: string;
  quantaRun: number;
  failEntries: { cpu: number }[];
  crash?: { quantum: number; cpu: number; fromCpu: number; fromPmu: string; toPmu: string; message: string };
  executed: bigint;
  counted: bigint;
  monotonic: boolean;
  /** Partitioned: the context swaps at vcpu_load / vcpu_put and the registers they moved. */
  swaps?: { loads: number; registersLoaded: number; puts: number; registersPut: number };
  setupError?: string;
}

/** The adversarial schedule: alternate between the first and last PMU's CPUs. */
export function pingPongSchedule(host: Host, quanta: number): number[] {
  const pmus = host.pmus;
  if (pmus.length < 2) throw new VpmuLabError(`demo: host '${host.name}' has one CPU PMU; pick a big.LITTLE preset`);
  const a = pmus[0]!.cpus;
  const b = pmus[pmus.length - 1]!.cpus;
  return Array.from({ length: quanta }, (_, q) => (q % 2 === 0 ? a[(q / 2) % a.length]! : b[((q - 1) / 2) % b.length]!));
}

function pmuNameOf(host: Host, cpu: number): string {
  return cpuPmuOf(host.model.topology, cpu)?.name ?? 'none';
}

/** VMM setup the way kvmtool/QEMU do it, plus the configuration's own attribute. */
function setUpVcpu(host: Host, config: DemoConfig, mainCpu: number): Vcpu {
  const vm = host.createVm();
  const vcpu = vm.createVcpu();
  setUpVm(vm.model, [vcpu], { config, initCpu: mainCpu, vcpuSetup: ['full'] });
  return vcpu;
}

export function runDemoConfig(config: DemoConfig, options: DemoOptions = {}): DemoRow {
  const profile = PROFILE[config];
  const host = createHost(options.host ?? 'rk3588', { profile });
  const schedule = pingPongSchedule(host, options.quanta ?? 8);
  const cycles = options.cyclesPerQuantum ?? 1_000_000;
  const mainCpu = schedule[0]!;
  const mem = guestMemoryLayout.allocate();
  const params = { cycles, accesses: 0 };
  const row: DemoRow = {
    config,
    profile,
    pmu:
      config === 'fixed-counters-only'
        ? 'per-CPU (cycle counter re-created)'
        : config === 'partition'
          ? "each CPU's own counters (context swapped)"
          : pmuNameOf(host, mainCpu),
    quantaRun: 0,
    failEntries: [],
    executed: 0n,
    counted: 0n,
    monotonic: true,
  };
  const vcpu = setUpVcpu(host, config, mainCpu);
  let prev = mainCpu;
  for (const [q, cpu] of schedule.entries()) {
    try {
      const r = vcpu.run({ cpu, guest: (g) => cycleDivider.quantum(g, mem, params) });
      if (r.exitReason === uapi.KVM_EXIT_FAIL_ENTRY) row.failEntries.push({ cpu: r.failEntry!.cpu });
      else if (r.ret !== 0) throw new VpmuLabError(`KVM_RUN on cpu ${cpu} returned ${errnoName(r.ret)}`);
      else row.quantaRun++;
    } catch (e) {
      if (!(e instanceof GuestCrash)) throw e;
      row.crash = {
        quantum: q,
        cpu,
        fromCpu: prev,
        fromPmu: pmuNameOf(host, prev),
        toPmu: pmuNameOf(host, cpu),
        message: e.message,
      };
      break;
    }
    prev = cpu;
  }
  const state = cycleDividerState(mem);
  row.executed = state.executed;
  row.counted = state.counted;
  row.monotonic = state.monotonic;
  if (config === 'partition') {
    const m = vcpu.model;
    row.swaps = { loads: m.stat(PSTAT.SWAP_LOADS), registersLoaded: m.stat(PSTAT.REGS_LOADED), puts: m.stat(PSTAT.SWAP_PUTS), registersPut: m.stat(PSTAT.REGS_PUT) };
  }
  return row;
}

export function runDemo(options: DemoOptions = {}): DemoRow[] {
  return demoConfigs.map((c) => runDemoConfig(c, options));
}
