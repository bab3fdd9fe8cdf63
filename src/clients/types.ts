/**
 * The data a client replay produces (hosts-and-clients §1–§2): the recorded ioctl trace and
 * what the VM ended up with. Plain data, so it prints, serialises and compares easily.
 */
import type { TopologySpec } from '../host/topology.js';

/** One recorded call: who issued it, what it was, and what it returned. */
export interface TraceLine {
  /** The issuing thread: 'main', 'vcpu1', … ; 'lab' for the emulator's own measurements. */
  readonly actor: string;
  /** The call, e.g. `KVM_SET_DEVICE_ATTR(vcpu0, PMU_V3_CTRL, SET_PMU=9)`. */
  readonly call: string;
  /** 'OK' or the errno name ('EBUSY', …). */
  readonly ret: string;
  /** What the call read or changed, when that matters (a register value, the VM's new PMU). */
  readonly note?: string;
}

/** How the VM's vPMU is backed (hosts-and-clients §2.1). */
export type PmuMode = 'default' | 'set-pmu' | 'fixed-counters-only' | 'none';

export interface ClientOptions {
  /** Preset name or topology object. */
  host: string | TopologySpec;
  /** Kernel behaviour variant; default 'mainline'. */
  profile?: string;
  /** Number of vCPUs; default 2. */
  vcpus?: number;
  /** The pCPU the VMM main thread runs on; default 0. */
  mainCpu?: number;
  /** The pCPU each vCPU thread runs on at INIT / first run; default all on `mainCpu`. */
  vcpuCpus?: readonly number[];
  /** kvmtool `--vcpu-affinity`: a cpulist string ('4-7') or CPU ids. kvmtool only. */
  affinity?: string | readonly number[];
  /** PMU interrupt given to each vCPU (one number for all, or one per vCPU); default PPI 23. */
  irq?: number | readonly number[];
}

export interface ResolvedOptions {
  readonly vcpus: number;
  readonly mainCpu: number;
  readonly vcpuCpus: readonly number[];
  readonly affinity: readonly number[] | null;
  readonly irqs: readonly number[];
}

export interface ClientOutcome {
  readonly client: string;
  readonly host: string;
  readonly profile: string;
  readonly options: ResolvedOptions;
  readonly trace: readonly TraceLine[];
  /** The client got through its setup (it did not die/abort/fail the boot). */
  readonly ok: boolean;
  /** The client's own failure message when `ok` is false. */
  readonly error?: string;
  /** Non-fatal messages the client logged (dropped PMU node, "PMU events might not work", …). */
  readonly notes: readonly string[];
  /** The host PMU the VM's `arm_pmu` points at, or null. */
  readonly pmu: string | null;
  readonly pmuType: number | null;
  readonly mode: PmuMode;
  /** PMCR_EL0.N read back from vCPU0, or null when the register is hidden. */
  readonly nrCounters: number | null;
  /** pCPUs where vCPU0's KVM_RUN enters the guest (not FAIL_ENTRY, not an error). */
  readonly runnableCpus: readonly number[];
  /** pCPUs where a guest-enabled cycle counter advances. */
  readonly countingCpus: readonly number[];
}
