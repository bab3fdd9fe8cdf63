/**
 * Kernel behaviour variants (spec §9, DESIGN principle 4). A profile is a named set of
 * switches; every ambiguity the spec marks NOTE/UNVERIFIED/INFERRED is one switch, so a
 * user can flip it without editing code: `createHost(p, { profile: 'mainline', switches })`.
 */
import { unknownName, VpmuLabError } from '../host/errors.js';
import { pmuListDesigns, type PmuListDesign } from '../host/pmu-list.js';
import type { PlantedBugs } from '../check/bugs.js';

export interface ProfileSwitches {
  /** Attribute id 5: 'none' (mainline: unknown attr → ENXIO), FIXED_COUNTERS_ONLY (spec §3.6) or ENABLE_PARTITION (§6.7), §9 f. */
  readonly attr5: Attr5;
  /** §9 a / §8 item 13: SET_NR_COUNTERS after any vCPU ran — mainline allows it, the fixed series returns EBUSY. */
  readonly nrCountersFrozenAfterRun: boolean;
  /** §9 b / §5.3: overflow status also requires PMCNTENSET (older kernels) — mainline does not. */
  readonly overflowNeedsCntEn: boolean;
  /** §9 c / §4.5: an AArch32 guest write to an event counter loses its low half (observed in source). */
  readonly aarch32CounterWriteAnomaly: boolean;
  /** §9 d / §8 item 10: reset leaves pre-reset perf events (and their counts) alive — mainline yes, v10+ recreate. */
  readonly resetKeepsStaleEvents: boolean;
  /** §9 e / §3.3 step 5: FILTER and FIXED_COUNTERS_ONLY are mutually exclusive (v8 yes, reviewer wants no). */
  readonly fixedExcludesFilter: boolean;
  /** §5.5 / §8 item 17: kvm_arch_vcpu_put sets vcpu->cpu = -1 (mainline); the FIXED series keeps it. */
  readonly putClearsVcpuCpu: boolean;
  /** §1.2 v8: vPMU offered only if the PMUs cover every possible CPU (mainline: list non-empty). */
  readonly guestPmuNeedsFullCoverage: boolean;
  /** §1.2: how `arm_pmus` readers are protected — mainline mutex, FIXED series RCU (QSBR; or memb-style readers). */
  readonly pmuListDesign: PmuListDesign;
  /** §5.5: FIXED_COUNTERS_ONLY's per-load check — v8's probe of both CPUs, every counter's event, the cycle counter's only, or none (kvm/load-check.ts). */
  readonly loadCheck: LoadCheck;
  /** §5.1: `kvm->arch.config_lock` as a sleeping mutex (the kernel's) or a spinlock (a design to compare). */
  readonly configLock: ConfigLockKind;
  /** §8 item 27: a failed first INIT restores the VM's feature bitmap (Fuad Tabba, 2026-09; title only) — off in both. */
  readonly initFailureRestoresFeatures: boolean;
  /** §8 item 24: a repeated INIT resets under config_lock (v9–v11 "Serialize repeated vCPU initialization"; title only) — off in both. */
  readonly serializeRepeatedInit: boolean;
  /** §6.1: the host driver's `arm_pmuv3.reserved_host_counters` (a non-negative integer). */
  readonly reservedHostCounters: number;
  /** §6.1: reserved host counters as a static split (v5/v6) or an upper bound (v7+: the host loses the guest range only while a partitioned vCPU is loaded). */
  readonly reservedCountersMode: ReservedCountersMode;
  /** §6.4/§6.5: swap the partitioned context at every load (eager), lazily with a sticky owner (v6 13/19), or by the debug-register rule. */
  readonly partitionSwap: PartitionSwap;
  /** §6 is silent: a partitioned vCPU loaded on a CPU with fewer than HPMN guest counters fails entry (CPU_UNSUPPORTED) or keeps trapping there. */
  readonly partitionShortCpu: PartitionShortCpu;
  /** §6 is silent: ENABLE_PARTITION and SET_PMU exclude each other (EBUSY), as FIXED and SET_PMU do. */
  readonly partitionExcludesSetPmu: boolean;
}

export type Attr5 = 'none' | 'fixed-counters-only' | 'enable-partition';
export const attr5Values: readonly Attr5[] = Object.freeze(['none', 'fixed-counters-only', 'enable-partition']);
export type ReservedCountersMode = 'static' | 'upper-bound';
export type PartitionSwap = 'eager' | 'lazy' | 'lazy-debug';
export type PartitionShortCpu = 'fail-entry' | 'trap';
export type ConfigLockKind = 'mutex' | 'spinlock';
/** FIXED mode's per-load check designs (kvm/load-check.ts says what each does). */
export type LoadCheck = 'probe' | 'every-counter' | 'cycle-only' | 'none';
export const loadChecks: readonly LoadCheck[] = Object.freeze(['probe', 'every-counter', 'cycle-only', 'none']);

/** The switches whose value is one of a few names, with those names. */
const namedValues: Readonly<Partial<Record<keyof ProfileSwitches, readonly string[]>>> = Object.freeze({
  attr5: attr5Values,
  pmuListDesign: pmuListDesigns,
  loadCheck: loadChecks,
  configLock: ['mutex', 'spinlock'],
  reservedCountersMode: ['static', 'upper-bound'],
  partitionSwap: ['eager', 'lazy', 'lazy-debug'],
  partitionShortCpu: ['fail-entry', 'trap'],
});

export interface Profile extends ProfileSwitches {
  readonly name: string;
  readonly description: string;
  /** Planted historical bugs (src/check/bugs.ts): none unless asked for (`--bug NAME`). */
  readonly bugs: PlantedBugs;
}

const mainline: Profile = Object.freeze({
  name: 'mainline',
  description: 'Linux mainline (v6.16 – v7.1): SET_PMU, SET_NR_COUNTERS, arm_pmus_lock mutex',
  attr5: 'none',
  nrCountersFrozenAfterRun: false,
  overflowNeedsCntEn: false,
  aarch32CounterWriteAnomaly: true,
  resetKeepsStaleEvents: true,
  fixedExcludesFilter: true,
  putClearsVcpuCpu: true,
  guestPmuNeedsFullCoverage: false,
  pmuListDesign: 'mutex',
  loadCheck: 'probe',
  configLock: 'mutex',
  initFailureRestoresFeatures: false,
  serializeRepeatedInit: false,
  reservedHostCounters: 0,
  reservedCountersMode: 'upper-bound',
  partitionSwap: 'lazy',
  partitionShortCpu: 'fail-entry',
  partitionExcludesSetPmu: false,
  bugs: Object.freeze({}),
});

const fixedCountersOnly: Profile = Object.freeze({
  ...mainline,
  name: 'fixed-counters-only',
  description:
    '"Use multiple host PMUs" v8 (2026-07): attr 5 FIXED_COUNTERS_ONLY, RCU arm_pmus, per-load reload check, frozen counter count',
  attr5: 'fixed-counters-only',
  nrCountersFrozenAfterRun: true,
  putClearsVcpuCpu: false,
  guestPmuNeedsFullCoverage: true,
  pmuListDesign: 'rcu',
});

/**
 * "ARM64 PMU Partitioning" (Colton Lewis, v6+ UAPI on mainline): attribute 5 is
 * ENABLE_PARTITION (§6.7). The partition switches (reservedCountersMode, partitionSwap,
 * partitionShortCpu, partitionExcludesSetPmu) only matter here; docs/partition.md says why
 * each default is what it is.
 */
const partition: Profile = Object.freeze({
  ...mainline,
  name: 'partition',
  description: '"ARM64 PMU Partitioning" v6–v9 (2025–2026): attr 5 ENABLE_PARTITION, HPMN split, lazy context swap at vcpu_load/put',
  attr5: 'enable-partition',
});

export const profiles: Readonly<Record<string, Profile>> = Object.freeze({
  mainline,
  'fixed-counters-only': fixedCountersOnly,
  partition,
});

export const profileNames: readonly string[] = Object.freeze(Object.keys(profiles));

/** One line per switch, for `vpmu-lab profiles` (the same words as the interface above). */
export const switchHelp: Readonly<Record<keyof ProfileSwitches, string>> = Object.freeze({
  attr5: 'attribute id 5: none (ENXIO), fixed-counters-only (§3.6) or enable-partition (§6.7), §9 f',
  nrCountersFrozenAfterRun: 'SET_NR_COUNTERS after a vCPU ran returns EBUSY (§9 a, §8 item 13)',
  overflowNeedsCntEn: 'overflow status also requires PMCNTENSET, as older kernels did (§9 b, §5.3)',
  aarch32CounterWriteAnomaly: 'an AArch32 guest event-counter write loses its low half (§9 c, §4.5)',
  resetKeepsStaleEvents: 'vCPU reset keeps pre-reset perf events and their counts (§9 d, §8 item 10)',
  fixedExcludesFilter: 'FILTER and FIXED_COUNTERS_ONLY are mutually exclusive (§9 e, §3.3 step 5)',
  putClearsVcpuCpu: 'vcpu_put sets vcpu->cpu = -1, hiding migrations from the next load (§5.5, §8 item 17)',
  guestPmuNeedsFullCoverage: 'vPMU offered only if the host PMUs cover every CPU (§1.2 v8)',
  pmuListDesign: "arm_pmus readers: mutex (mainline), rcu (FIXED series, QSBR), rcu-memb (readers write a per-reader counter), or rcu-no-grace-period (broken on purpose) (§1.2)",
  loadCheck: "FIXED mode's per-load check: probe (v8: probe both CPUs), every-counter (each enabled counter's event PMU), cycle-only (the cycle counter's, v4–v7 / review) or none (§5.5)",
  configLock: 'config_lock as a sleeping futex mutex (the kernel) or a spinlock (§5.1; a design to compare)',
  serializeRepeatedInit: 'a repeated KVM_ARM_VCPU_INIT resets the vCPU under config_lock (§8 item 24; v9+, title only)',
  initFailureRestoresFeatures: "a failed first KVM_ARM_VCPU_INIT restores the VM's feature bitmap (§8 item 27; 2026-09 fix, title only)",
  reservedHostCounters: 'arm_pmuv3.reserved_host_counters: counters the host keeps from a partitioned guest (§6.1)',
  reservedCountersMode: 'reserved host counters: static split (v5/v6) or upper-bound (v7+, host loses the guest range only while loaded) (§6.1)',
  partitionSwap: 'partitioned context swap: eager (every load), lazy (sticky owner, v6 13/19) or lazy-debug (debug-register rule) (§6.5)',
  partitionShortCpu: 'partitioned vCPU on a CPU with fewer counters than HPMN: fail-entry (CPU_UNSUPPORTED) or trap (emulated there) (§6, silent)',
  partitionExcludesSetPmu: 'ENABLE_PARTITION and SET_PMU exclude each other with EBUSY (§6, silent)',
});
export const switchNames: readonly (keyof ProfileSwitches)[] = Object.freeze(
  Object.keys(mainline).filter((k) => k !== 'name' && k !== 'description' && k !== 'bugs') as (keyof ProfileSwitches)[],
);

/**
 * Resolves a profile name plus optional switch overrides and planted bugs (validated by the
 * caller: check/bugs.ts `plantedBugs`); throws listing valid names.
 */
export function resolveProfile(name: string = 'mainline', switches: Partial<ProfileSwitches> = {}, bugs: PlantedBugs = {}): Profile {
  const base = profiles[name];
  if (!base) throw unknownName('profile', name, profileNames);
  for (const [k, v] of Object.entries(switches)) {
    if (!switchNames.includes(k as keyof ProfileSwitches)) throw unknownName('profile switch', k, switchNames, 'profile switches');
    const expected = typeof base[k as keyof ProfileSwitches];
    if (typeof v !== expected) {
      throw new VpmuLabError(`profile switch ${k}: expected a ${expected}, got ${JSON.stringify(v)}`);
    }
    const names = namedValues[k as keyof ProfileSwitches];
    if (names && !names.includes(v as string)) throw unknownName(k === 'attr5' ? 'attr5 value' : k, v as string, names);
    if (k === 'reservedHostCounters' && (!Number.isInteger(v) || (v as number) < 0)) {
      throw new VpmuLabError(`profile switch reservedHostCounters: expected a non-negative integer, got ${JSON.stringify(v)}`);
    }
  }
  return Object.freeze({ ...base, ...switches, bugs: Object.freeze({ ...bugs }) });
}
