/**
 * VM-wide state `kvm->arch` (spec §2.1) in a shared-memory region, with the derived
 * quantities of §2.1 as methods. Fields written under config_lock are read lock-free by
 * running vCPUs, exactly as in the kernel (spec §5.1 "none" row).
 */
import { PMUVER, eventMaskFor } from '../arch/pmuver.js';
import { EVTYPER } from '../arch/pmu-bits.js';
import { CPUMASK_WORDS, cpumaskFill, cpumaskHas } from '../host/cpumask.js';
import type { HostModel } from '../host/host-model.js';
import { LayoutBuilder, type Region } from '../mem/region.js';
import { LOCK_WORDS, LockRef } from '../sync/lock.js';
import type { Profile } from './profile.js';
import type { BugName } from '../check/bugs.js';
import type { KvmVcpu } from './vcpu-state.js';
import { Vgic } from './vgic.js';

/** `kvm->arch.flags` bits (spec §2.1). */
export const VM_FLAG = Object.freeze({
  HAS_RAN_ONCE: 1 << 0,
  VCPU_FEATURES_CONFIGURED: 1 << 1,
  PMU_V3_EXPLICIT: 1 << 12,
  PMU_V3_FIXED_COUNTERS_ONLY: 1 << 13,
  PARTITION_PMU_ENABLED: 1 << 14, // the partition series' flag (spec §2.1, §6.7)
});

/** vCPU feature bits of `kvm_vcpu_init.features[0]` the model knows. */
export const FEATURE = Object.freeze({ EL1_32BIT: 1 << 1, PMU_V3: 1 << 3 });

/** Largest filter: 16-bit event space (spec §3.3 step 1). */
const FILTER_BITS = 0x10000;

const L = new LayoutBuilder();
const ARM_PMU = L.i32(); // arm_pmus entry index, -1 = NULL
const FLAGS = L.i32();
const NR_PMU_COUNTERS = L.i32();
const SUPPORTED_CPUS = L.i32(CPUMASK_WORDS);
const PMUVER_FIELD = L.i32(); // the VM's ID_AA64DFR0_EL1.PMUVer
const FEATURES = L.i32(); // kvm->arch.vcpu_features
const CONFIG_LOCK = L.i32(LOCK_WORDS);
const KVM_LOCK = L.i32(LOCK_WORDS);
const FILTER_PRESENT = L.i32(); // pmu_filter != NULL
const NR_CHANGED_AFTER_RUN = L.i32(); // observability: §8 item 13 events
const FILTER = L.i32(FILTER_BITS / 32);
export const vmLayout = L.build();

export class KvmVm {
  readonly configLock: LockRef;
  readonly kvmLock: LockRef;
  readonly i32: Int32Array;
  /** vCPUs in creation order (`kvm_for_each_vcpu`). */
  readonly vcpus: KvmVcpu[] = [];

  constructor(
    readonly id: number,
    readonly host: HostModel,
    readonly region: Region,
    readonly vgic: Vgic,
    /** False when attaching to a region another thread already initialised. */
    fresh = true,
  ) {
    this.i32 = region.i32;
    this.configLock = new LockRef('config_lock', `vm${id} config_lock`, this.i32, CONFIG_LOCK, 0, host.profile.configLock === 'spinlock');
    this.kvmLock = new LockRef('kvm->lock', `vm${id} kvm->lock`, this.i32, KVM_LOCK);
    if (!fresh) return;
    // VM create: no PMU chosen, every possible CPU supported, PMUVer = the host limit.
    this.i32[ARM_PMU] = -1;
    cpumaskFill(this.i32, SUPPORTED_CPUS, Array.from({ length: host.topology.cpus }, (_, c) => c));
    this.i32[PMUVER_FIELD] = host.pmuverLimit;
  }

  get profile(): Profile {
    return this.host.profile;
  }

  /** A planted historical bug this VM's kernel has (check/bugs.ts). */
  planted(bug: BugName): boolean {
    return this.host.profile.bugs[bug] === true;
  }

  // --- flags (set_bit/test_bit are atomic in the kernel) ---
  hasFlag(flag: number): boolean {
    return (Atomics.load(this.i32, FLAGS) & flag) !== 0;
  }
  setFlag(flag: number): void {
    Atomics.or(this.i32, FLAGS, flag);
  }
  clearFlag(flag: number): void {
    Atomics.and(this.i32, FLAGS, ~flag);
  }
  hasRanOnce(): boolean {
    return this.hasFlag(VM_FLAG.HAS_RAN_ONCE);
  }
  fixedCountersOnly(): boolean {
    return this.hasFlag(VM_FLAG.PMU_V3_FIXED_COUNTERS_ONLY);
  }
  /** `kvm_pmu_is_partitioned` (spec §6). */
  partitioned(): boolean {
    return this.hasFlag(VM_FLAG.PARTITION_PMU_ENABLED);
  }

  // --- arm_pmu, nr_pmu_counters, supported_cpus ---
  get armPmu(): number {
    return this.i32[ARM_PMU]!;
  }
  set armPmu(entry: number) {
    this.i32[ARM_PMU] = entry;
  }
  get nrPmuCounters(): number {
    return this.i32[NR_PMU_COUNTERS]!;
  }
  set nrPmuCounters(n: number) {
    this.i32[NR_PMU_COUNTERS] = n;
  }
  supportsCpu(cpu: number): boolean {
    return cpumaskHas(this.i32, SUPPORTED_CPUS, cpu);
  }
  setSupportedCpusFromPmu(entry: number): void {
    this.host.list.copyCpus(entry, this.i32, SUPPORTED_CPUS);
  }
  supportedCpuList(): number[] {
    return Array.from({ length: this.host.topology.cpus }, (_, c) => c).filter((c) => this.supportsCpu(c));
  }

  get features(): number {
    return this.i32[FEATURES]!;
  }
  set features(f: number) {
    this.i32[FEATURES] = f;
  }

  /** §8 item 13: nr_pmu_counters changed after a vCPU ran (counted under config_lock). */
  get nrCountersChangedAfterRun(): number {
    return Atomics.load(this.i32, NR_CHANGED_AFTER_RUN);
  }
  countNrCountersChangedAfterRun(): void {
    Atomics.add(this.i32, NR_CHANGED_AFTER_RUN, 1);
  }

  /** `kvm_arm_pmu_get_max_counters` (spec §1.4). */
  maxCounters(): number {
    if (this.fixedCountersOnly()) return 0;
    if (this.armPmu < 0) return 0;
    if (this.partitioned() && !this.host.topology.appleImpdefTraps) return this.host.maxGuestCounters(this.armPmu);
    return this.host.maxCounters(this.armPmu);
  }

  // --- derived quantities of spec §2.1 ---
  get pmuver(): number {
    return this.i32[PMUVER_FIELD]!;
  }
  eventMask(): number {
    return eventMaskFor(this.pmuver);
  }
  evtyperMask(): bigint {
    // No EL2 or EL3 is advertised to the guest in this model: P | U | event number.
    return EVTYPER.P | EVTYPER.U | BigInt(this.eventMask());
  }
  countersAre64bit(): boolean {
    return this.pmuver >= PMUVER.V3P5 && this.pmuver !== PMUVER.IMP_DEF;
  }

  // --- pmu_filter (spec §3.3) ---
  hasFilter(): boolean {
    return this.i32[FILTER_PRESENT] === 1;
  }
  /** Allocates the bitmap with the default the first action defines (spec §3.3 step 6). */
  createFilter(nrEvents: number, allowByDefault: boolean): void {
    const fill = allowByDefault ? -1 : 0;
    for (let w = 0; w < nrEvents / 32; w++) this.i32[FILTER + w] = fill;
    this.i32[FILTER_PRESENT] = 1;
  }
  setFilterRange(base: number, n: number, allow: boolean): void {
    for (let e = base; e < base + n; e++) {
      const w = FILTER + (e >>> 5);
      const m = 1 << (e & 31);
      this.i32[w] = allow ? this.i32[w]! | m : this.i32[w]! & ~m;
    }
  }
  filterAllows(event: number): boolean {
    return ((this.i32[FILTER + (event >>> 5)]! >>> (event & 31)) & 1) === 1;
  }
}
