/**
 * The global `arm_pmus` list (spec §1.2) in shared memory: an append-only array of
 * entries and a published count. Entries are never removed, which is what makes the
 * lock-free emptiness test and the RCU readers of the FIXED series safe (§8 item 18).
 *
 * Locking, per design:
 * - 'mutex' (mainline): `arm_pmus_lock` around every reader and the writer. Lock order:
 *   config_lock → arm_pmus_lock (SET_PMU takes it inside config_lock).
 * - 'rcu' (FIXED series): the writer still takes `arm_pmus_lock` against other writers and
 *   publishes an entry by storing it fully, then bumping `count` (rcu_assign_pointer: a
 *   release store); readers only enter an RCU read-side section and load `count` once.
 */
import { LOCK_WORDS, LockRef } from '../sync/lock.js';
import { point, RCU_READ_LOCK, RCU_READ_UNLOCK, type Op, type SyncOp } from '../sync/seam.js';
import { LayoutBuilder, type Region } from '../mem/region.js';
import { CPUMASK_WORDS, cpumaskFill, cpumaskHas } from './cpumask.js';

export const MAX_HOST_PMUS = 16;

const L = new LayoutBuilder();
const COUNT = L.i32();
const LOCK = L.i32(LOCK_WORDS);
const ENTRY_WORDS = 2 + CPUMASK_WORDS;
const ENTRIES = L.i32(MAX_HOST_PMUS * ENTRY_WORDS);
/** Entry fields, relative to the entry's first word. */
const E_SOURCE = 0;
const E_TYPE = 1;
const E_CPUS = 2;
export const pmuListLayout = L.build();

export type PmuListDesign = 'mutex' | 'rcu';

export class PmuList {
  readonly lock: LockRef;

  constructor(
    readonly region: Region,
    readonly design: PmuListDesign,
  ) {
    this.lock = new LockRef('arm_pmus_lock', 'arm_pmus_lock', region.i32, LOCK);
  }

  /** Published entries (a reader's snapshot; acquire load). */
  count(): number {
    return Atomics.load(this.region.i32, COUNT);
  }

  /** Index into the host's event sources of entry `i`. */
  source(i: number): number {
    return this.region.i32[ENTRIES + i * ENTRY_WORDS + E_SOURCE]!;
  }

  type(i: number): number {
    return this.region.i32[ENTRIES + i * ENTRY_WORDS + E_TYPE]!;
  }

  covers(i: number, cpu: number): boolean {
    return cpumaskHas(this.region.i32, ENTRIES + i * ENTRY_WORDS + E_CPUS, cpu);
  }

  /** Copies entry `i`'s cpumask into `dst` at `dstAt`. */
  copyCpus(i: number, dst: Int32Array, dstAt: number): void {
    const at = ENTRIES + i * ENTRY_WORDS + E_CPUS;
    for (let w = 0; w < CPUMASK_WORDS; w++) dst[dstAt + w] = this.region.i32[at + w]!;
  }

  /** `kvm_host_pmu_init`'s append (writer; arm_pmus_lock held by the caller's op). */
  *append(source: number, type: number, cpus: readonly number[]): Op<void> {
    yield this.lock.acquire;
    const n = this.region.i32[COUNT]!;
    if (n >= MAX_HOST_PMUS) {
      yield this.lock.release;
      throw new RangeError(`arm_pmus: more than ${MAX_HOST_PMUS} host PMUs`);
    }
    const at = ENTRIES + n * ENTRY_WORDS;
    this.region.i32[at + E_SOURCE] = source;
    this.region.i32[at + E_TYPE] = type;
    cpumaskFill(this.region.i32, at + E_CPUS, cpus);
    Atomics.store(this.region.i32, COUNT, n + 1); // publish (list_add_tail_rcu)
    yield this.lock.release;
  }

  /** Enter a read-side section: the mutex, or rcu_read_lock(). */
  readLock(): SyncOp {
    return this.design === 'rcu' ? RCU_READ_LOCK : this.lock.acquire;
  }

  readUnlock(): SyncOp {
    return this.design === 'rcu' ? RCU_READ_UNLOCK : this.lock.release;
  }

  /**
   * `kvm_pmu_probe_armpmu(cpu)` (spec §1.3): first entry, in insertion order, whose
   * supported_cpus contains `cpu`; -1 if none. One CPU value is used for the whole walk.
   */
  *probe(cpu: number): Op<number> {
    yield this.readLock();
    const found = this.firstCovering(cpu);
    yield this.readUnlock();
    return found;
  }

  /**
   * The walk itself, for a caller already inside a read-side section, or for a leaf step
   * (FIXED-mode event creation) that begins and ends its RCU section within one
   * indivisible step: entries are never removed, so a snapshot of `count` is safe.
   */
  firstCovering(cpu: number): number {
    const n = this.count();
    for (let i = 0; i < n; i++) if (this.covers(i, cpu)) return i;
    return -1;
  }

  /** Body of the SET_PMU search by perf type (spec §3.4 step 2); caller holds the read side. */
  findType(type: number): number {
    const n = this.count();
    for (let i = 0; i < n; i++) if (this.type(i) === type) return i;
    return -1;
  }

  /** `kvm_supports_guest_pmuv3`'s emptiness test: lock-free under RCU (never-removed entries). */
  *isEmpty(): Op<boolean> {
    if (this.design === 'rcu') {
      yield point('arm_pmus empty test');
      return this.count() === 0;
    }
    yield this.lock.acquire;
    const empty = this.count() === 0;
    yield this.lock.release;
    return empty;
  }
}
