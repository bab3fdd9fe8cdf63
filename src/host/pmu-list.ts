/**
 * The global `arm_pmus` list (spec §1.2) in shared memory, as the kernel has it: PMU
 * objects that are never freed, and list nodes that readers walk.
 *
 * - The PMU table: entry i (perf type, event source, cpumask) is written once, before it is
 *   published, and never changes or goes away — like `struct arm_pmu`. A VM keeps an entry
 *   index as its `arm_pmu` and dereferences it lock-free (spec §5.1), as the kernel does.
 * - The list: copy-on-write snapshots of the node order. `current` names the published
 *   snapshot (one of two slots). The writer (`kvm_host_pmu_init`) copies the published
 *   snapshot into the other slot, changes the copy, publishes it with one release store
 *   (rcu_assign_pointer), and reclaims the old slot by overwriting it with POISON.
 *
 * Locking, per design (the lock is taken where these functions say):
 * - 'mutex' (mainline): `arm_pmus_lock` around every walk and the writer, so no reader can
 *   be in the old snapshot while the writer holds the lock: it is reclaimed at once.
 *   Lock order: config_lock → arm_pmus_lock (SET_PMU searches inside config_lock).
 * - 'rcu' (FIXED series): walkers only mark an RCU read-side section and load `current`
 *   once; the writer still takes `arm_pmus_lock` against other writers, and waits a grace
 *   period (synchronize_rcu) before poisoning the old snapshot. A walker that touched a
 *   snapshot outside its section would read POISON: `RcuViolation`. 'rcu-memb' is the
 *   same list with the domain's memb-style readers (sync/rcu.ts): the read side writes a
 *   per-reader counter word, the grace period waits on those words.
 * The emptiness test reads one word (`registered`), like the kernel's lockless list_empty.
 *
 * Checks on every walk (check/sync-oracles.ts): lockdep-RCU's rule that the published
 * snapshot is dereferenced only inside a read-side section or under arm_pmus_lock, and
 * rcutorture's pipeline — each snapshot slot has a pipe stage (0 published, 1 removed, 2 a
 * grace period has ended since) which a reader checks after each read, like rcutorture's
 * pipe count: stage 2 is a reader older than its grace period (a broken grace period), a
 * POISON word a snapshot reclaimed under it (a writer that did not wait).
 *
 * Design bugs planted here (check/bugs.ts; `plant`): reader-outside-read-section (the probe
 * walks bare), free-before-grace-period (the writer does not wait; also design
 * 'rcu-no-grace-period', its older name), synchronize-under-reader-lock (the emptiness
 * test takes arm_pmus_lock inside a read-side section), config-lock-inversion (the writer
 * takes each VM's config_lock under arm_pmus_lock), pmu-list-removal (§8 item 18: a
 * republish unplugs the first PMU — its node leaves the list and, after the grace period,
 * its object is freed, though VMs and perf events still hold its index, as the kernel's
 * `kvm->arch.arm_pmu` holds a pointer outside any read-side section).
 */
import type { PlantedBugs } from '../check/bugs.js';
import { syncViolated } from '../check/sync-oracles.js';
import { assertHeld } from '../sync/assert-held.js';
import { LOCK_WORDS, LockRef } from '../sync/lock.js';
import { point, RCU_READ_LOCK, RCU_READ_UNLOCK, SYNCHRONIZE_RCU, type Op, type SyncOp } from '../sync/seam.js';
import { currentTask, type ReadSide } from '../sync/task.js';
import { LayoutBuilder, type Region } from '../mem/region.js';
import type { RcuFlavour } from '../sync/rcu.js';
import { CPUMASK_WORDS, cpumaskFill, cpumaskHas } from './cpumask.js';

export const MAX_HOST_PMUS = 16;
/** What a reclaimed snapshot is filled with. */
export const POISON = 0x7bad_dead;

const ENTRY_WORDS = 2 + CPUMASK_WORDS;
const E_SOURCE = 0;
const E_TYPE = 1;
const E_CPUS = 2;
const SNAPSHOT_WORDS = 1 + MAX_HOST_PMUS; // count, node order (entry indices)

const L = new LayoutBuilder();
const CURRENT = L.i32();
const LOCK = L.i32(LOCK_WORDS);
const RECLAIMED = L.i32(); // snapshots poisoned so far
const REGISTERED = L.i32(); // entries in the table (published ones)
const TABLE = L.i32(MAX_HOST_PMUS * ENTRY_WORDS);
const SNAPSHOTS = L.i32(2 * SNAPSHOT_WORDS);
const PIPE = L.i32(2); // each snapshot slot's pipe stage (never poisoned)
export const pmuListLayout = L.build();

/** What a walk looks for (PmuList.walk). */
const BY_CPU = 0;
const BY_TYPE = 1;

const PIPE_REMOVED = 1;
const PIPE_GRACE_PERIOD_ENDED = 2;

const WALK_LOADED = point('arm_pmus: snapshot loaded');
const WALK_NODE = point('arm_pmus: next node');
const EMPTY_TEST = point('arm_pmus empty test');
const REVISIT_VM = point('kvm_host_pmu_init: revisit a VM');

export type PmuListDesign = 'mutex' | 'rcu' | 'rcu-memb' | 'rcu-no-grace-period';
export const pmuListDesigns: readonly PmuListDesign[] = Object.freeze(['mutex', 'rcu', 'rcu-memb', 'rcu-no-grace-period']);

/** The RCU domain flavour a design's readers need (sync/rcu.ts). */
export function rcuFlavourOf(design: PmuListDesign): RcuFlavour {
  return design === 'rcu-memb' ? 'memb' : 'qsbr';
}

/** A reader saw a reclaimed (poisoned) snapshot: it outlived its grace period. */
export class RcuViolation extends Error {
  override name = 'RcuViolation';
}

/** The snapshot word a walker checked: its count, or a node. */
function wordName(node: number): string {
  return node < 0 ? 'count' : `node ${node}`;
}

export class PmuList {
  readonly lock: LockRef;
  private readonly i32: Int32Array;
  /**
   * How leaf steps (plain functions, e.g. FIXED-mode event creation) enter the read side:
   * unset where steps are indivisible (direct, stepper); a pCPU worker installs its RCU
   * reader or a blocking arm_pmus_lock for the design in force.
   */
  leaf: ReadSide | undefined;
  /**
   * A walk yields a seam point after the snapshot load and after each node (true): where the
   * sim and record mode let a writer interleave. A worker thread outside record mode clears
   * it: there every thread interleaves anywhere, physically, and its walks run as plain code
   * (no generator, no point: each was a flight-recorder event and a resume through every
   * frame of the operation).
   */
  pointsPerNode = true;
  /** A leaf walk is running: indivisible where steps are, else inside `leaf`'s read side. */
  private inLeafWalk = false;
  private bugs: PlantedBugs = {};
  /** Every VM's config_lock (for the planted config-lock-inversion only). */
  private configLocks: readonly LockRef[] = [];
  /** The writer reclaims without a grace period (planted, or design rcu-no-grace-period). */
  private skipGracePeriod: boolean;
  /** Planted pmu-list-removal: the entry unplugged, freed after the grace period (-1: none yet). */
  private unplugged = -1;

  constructor(
    readonly region: Region,
    readonly design: PmuListDesign,
  ) {
    this.i32 = region.i32;
    this.lock = new LockRef('arm_pmus_lock', 'arm_pmus_lock', region.i32, LOCK);
    this.skipGracePeriod = design === 'rcu-no-grace-period';
  }

  /** Plants the profile's design bugs of this list; `configLocks`: the world's VMs' (config-lock-inversion). */
  plant(bugs: PlantedBugs, configLocks: readonly LockRef[]): void {
    this.bugs = bugs;
    this.configLocks = configLocks;
    this.skipGracePeriod = this.design === 'rcu-no-grace-period' || (this.waitsGracePeriods() && bugs['free-before-grace-period'] === true);
  }

  /** The RCU designs whose writer waits for a grace period (unless a planted bug skips it). */
  private waitsGracePeriods(): boolean {
    return this.design === 'rcu' || this.design === 'rcu-memb';
  }

  private base(snapshot: number): number {
    return SNAPSHOTS + snapshot * SNAPSHOT_WORDS;
  }

  /**
   * The published snapshot's slot (acquire load: rcu_dereference), by lockdep-RCU's rule:
   * inside a read-side section, under arm_pmus_lock, or in an indivisible leaf walk.
   */
  private published(): number {
    const t = currentTask();
    if (t && t.rcuDepth === 0 && !this.inLeafWalk && !t.holds(this.lock)) {
      syncViolated('rcu-dereference-outside-reader', `${t.name} dereferences arm_pmus outside an RCU read-side section, without arm_pmus_lock`);
    }
    return Atomics.load(this.i32, CURRENT);
  }

  /**
   * A word a walker read from snapshot `slot` — its count (`node` -1) or node `node` —
   * checked after the read as rcutorture does. The word's name is only spelled out in a
   * report: building it for every node was most of a walk's cost (issue 9).
   */
  private checked(v: number, slot: number, node: number): number {
    if (this.i32[PIPE + slot]! >= PIPE_GRACE_PERIOD_ENDED) {
      syncViolated('rcu-pipeline-age', `arm_pmus reader still reads a snapshot a whole grace period after its removal (${wordName(node)})`);
    }
    if (v === POISON) throw new RcuViolation(`arm_pmus reader read a reclaimed snapshot (${wordName(node)} is POISON)`);
    return v;
  }

  private entry(i: number): number {
    return TABLE + i * ENTRY_WORDS;
  }

  /**
   * A PMU object, checked for use after free: only planted pmu-list-removal frees one, while
   * whoever kept its index (a VM's arm_pmu, a perf event) may still dereference it (§8 item 18).
   */
  private object(i: number): number {
    const at = this.entry(i);
    if (this.freed(i)) {
      throw new RcuViolation(`a PMU pointer held across its removal from arm_pmus: arm_pmus entry ${i} was freed (§8 item 18)`);
    }
    return at;
  }

  /** Whether entry `i` was freed (planted pmu-list-removal), for reports: no check. */
  freed(i: number): boolean {
    return this.i32[this.entry(i) + E_SOURCE] === POISON;
  }

  // --- PMU objects: stable once published, read lock-free ---
  /** Registered PMUs (one load, like list_empty's). */
  count(): number {
    return Atomics.load(this.i32, REGISTERED);
  }
  source(i: number): number {
    return this.i32[this.object(i) + E_SOURCE]!;
  }
  type(i: number): number {
    return this.i32[this.object(i) + E_TYPE]!;
  }
  covers(i: number, cpu: number): boolean {
    return i >= 0 && cpumaskHas(this.i32, this.object(i) + E_CPUS, cpu);
  }
  copyCpus(i: number, dst: Int32Array, dstAt: number): void {
    const at = this.entry(i) + E_CPUS;
    for (let w = 0; w < CPUMASK_WORDS; w++) dst[dstAt + w] = this.i32[at + w]!;
  }
  reclaimed(): number {
    return Atomics.load(this.i32, RECLAIMED);
  }

  /** Enter a read-side section: the mutex, or rcu_read_lock(). */
  readLock(): SyncOp {
    return this.design === 'mutex' ? this.lock.acquire : RCU_READ_LOCK;
  }
  readUnlock(): SyncOp {
    return this.design === 'mutex' ? this.lock.release : RCU_READ_UNLOCK;
  }

  /**
   * `kvm_host_pmu_init`'s append (the writer): at run time too (CPU PMU hotplug). Returns
   * false, publishing nothing, if that event source is already registered (checked under
   * the writer lock, so two racing probes of one PMU register it once).
   */
  append(source: number, type: number, cpus: readonly number[]): Op<boolean> {
    return this.update((to, n) => {
      for (let i = 0; i < n; i++) if (this.source(i) === source) return false;
      if (n >= MAX_HOST_PMUS) throw new RangeError(`arm_pmus: more than ${MAX_HOST_PMUS} host PMUs`);
      const at = this.entry(n); // the new PMU object, not yet reachable
      this.i32[at + E_SOURCE] = source;
      this.i32[at + E_TYPE] = type;
      cpumaskFill(this.i32, at + E_CPUS, cpus);
      this.i32[to + 1 + n] = n; // its list node
      this.i32[to] = n + 1;
      return true;
    });
  }

  /**
   * Publishes an identical copy of the list: the full writer path (copy, publish, grace
   * period, reclaim) without changing what readers see. For stress tests, which need more
   * writes than the list has room for appends.
   */
  republish(): Op<boolean> {
    if (this.bugs['pmu-list-removal']) return this.update((to, n) => this.unplugFirst(to, n));
    return this.update(() => true);
  }

  /** Planted pmu-list-removal: the copy loses its first node (once, while another PMU remains). */
  private unplugFirst(to: number, n: number): boolean {
    if (n < 2 || this.unplugged >= 0) return true;
    this.unplugged = this.i32[to + 1]!;
    this.i32.copyWithin(to + 1, to + 2, to + 1 + n);
    this.i32[to] = n - 1;
    return true;
  }

  /**
   * The writer: copy the published snapshot, change the copy (`change` false: nothing to
   * publish), publish it, reclaim the old one.
   */
  private *update(change: (to: number, count: number) => boolean): Op<boolean> {
    yield this.lock.acquire;
    try {
      const cur = Atomics.load(this.i32, CURRENT);
      const from = this.base(cur);
      const to = this.base(1 - cur);
      this.i32.copyWithin(to, from, from + SNAPSHOT_WORDS);
      if (!change(to, this.i32[from]!)) return false;
      assertHeld(this.lock); // rcu_assign_pointer under the update-side lock
      this.i32[PIPE + 1 - cur] = 0;
      Atomics.store(this.i32, CURRENT, 1 - cur); // publish (rcu_assign_pointer)
      this.i32[PIPE + cur] = PIPE_REMOVED;
      Atomics.store(this.i32, REGISTERED, this.i32[to]!); // then the lock-free count
      if (this.bugs['config-lock-inversion']) yield* this.revisitVms();
      if (this.waitsGracePeriods() && !this.skipGracePeriod) {
        yield SYNCHRONIZE_RCU; // readers of the old snapshot finish
        this.i32[PIPE + cur] = PIPE_GRACE_PERIOD_ENDED;
      }
      this.i32.fill(POISON, from, from + SNAPSHOT_WORDS);
      if (this.unplugged >= 0) this.i32.fill(POISON, this.entry(this.unplugged), this.entry(this.unplugged) + ENTRY_WORDS); // kfree(arm_pmu)
      Atomics.add(this.i32, RECLAIMED, 1);
      return true;
    } finally {
      yield this.lock.release;
    }
  }

  /**
   * Planted config-lock-inversion: the writer looks at every VM under its config_lock while
   * it still holds arm_pmus_lock — the order SET_PMU takes them in, reversed (spec §5.1).
   */
  private *revisitVms(): Op<void> {
    for (const configLock of this.configLocks) {
      yield configLock.acquire;
      yield REVISIT_VM;
      yield configLock.release;
    }
  }

  /**
   * `kvm_pmu_probe_armpmu(cpu)` (spec §1.3): first entry, in insertion order, whose
   * supported_cpus contains `cpu`; -1 if none. One CPU value is used for the whole walk.
   * Planted reader-outside-read-section: the walk without its read side.
   */
  *probe(cpu: number): Op<number> {
    const bare = this.bugs['reader-outside-read-section'] === true;
    if (!bare) yield this.readLock();
    const found = this.pointsPerNode ? yield* this.walk(BY_CPU, cpu) : this.scan(BY_CPU, cpu);
    if (!bare) yield this.readUnlock();
    return found;
  }

  /**
   * The probe walk for a leaf step (plain code, no yields: FIXED-mode event creation) outside
   * any read-side section; enters one through `leaf`. The same walk, its points passed over.
   */
  firstCovering(cpu: number): number {
    this.leaf?.enter();
    this.inLeafWalk = true;
    try {
      return this.scan(BY_CPU, cpu); // leaf work: its points would be passed over anyway
    } finally {
      this.inLeafWalk = false;
      this.leaf?.exit();
    }
  }

  /** The probe walk, for a caller already inside a read-side section: its points as steps. */
  covering(cpu: number): Op<number> {
    return this.walk(BY_CPU, cpu);
  }

  /** The probe walk as plain code, for a caller inside a read-side section whose walks yield no points (`pointsPerNode` false). */
  coveringNow(cpu: number): number {
    return this.scan(BY_CPU, cpu);
  }

  /** Body of the SET_PMU search by perf type (spec §3.4 step 2); caller holds the read side. */
  findType(type: number): Op<number> {
    return this.walk(BY_TYPE, type);
  }

  /**
   * A walk of the published snapshot for the first entry covering CPU `key` (BY_CPU) or of
   * perf type `key` (BY_TYPE) — a key rather than a match closure, so a walk allocates only
   * its generator: the snapshot pointer is loaded once (rcu_dereference), each node read is
   * checked for poison. A seam point follows the load and each node, where a writer may
   * publish and reclaim — harmless inside a read-side section, a read of freed memory
   * outside one (§8 item 18).
   */
  private *walk(by: typeof BY_CPU | typeof BY_TYPE, key: number): Op<number> {
    const slot = this.published();
    const s = this.base(slot);
    yield WALK_LOADED;
    const n = this.checked(this.i32[s]!, slot, -1);
    for (let k = 0; k < n; k++) {
      const i = this.checked(this.i32[s + 1 + k]!, slot, k);
      if (this.matches(by, key, i)) return i;
      yield WALK_NODE;
    }
    return -1;
  }

  /** The same walk as plain code, no points: leaf work, and a worker's walks (pointsPerNode false). */
  private scan(by: typeof BY_CPU | typeof BY_TYPE, key: number): number {
    const slot = this.published();
    const s = this.base(slot);
    const n = this.checked(this.i32[s]!, slot, -1);
    for (let k = 0; k < n; k++) {
      const i = this.checked(this.i32[s + 1 + k]!, slot, k);
      if (this.matches(by, key, i)) return i;
    }
    return -1;
  }

  private matches(by: typeof BY_CPU | typeof BY_TYPE, key: number, entry: number): boolean {
    return by === BY_CPU ? this.covers(entry, key) : this.type(entry) === key;
  }

  /**
   * `kvm_supports_guest_pmuv3`'s emptiness test: lock-free under RCU (never-removed entries).
   * Planted synchronize-under-reader-lock: half converted, it takes arm_pmus_lock inside a
   * read-side section — the lock the writer holds while it waits for readers.
   */
  *isEmpty(): Op<boolean> {
    if (this.design !== 'mutex' && this.bugs['synchronize-under-reader-lock']) {
      yield RCU_READ_LOCK;
      yield this.lock.acquire;
      const empty = this.count() === 0;
      yield this.lock.release;
      yield RCU_READ_UNLOCK;
      return empty;
    }
    if (this.design !== 'mutex') {
      yield EMPTY_TEST;
      return this.count() === 0;
    }
    yield this.lock.acquire;
    const empty = this.count() === 0;
    yield this.lock.release;
    return empty;
  }
}
