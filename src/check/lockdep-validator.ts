/**
 * The sync hook every driver's tasks report to (sync/task.ts `SyncHook`): lockdep's
 * validation of each acquisition and grace-period wait, and lock_stat's counting.
 *
 * At an acquisition of lock L (class C) the task holds locks H1…Hk, maybe inside a read-side
 * section. Each held class A gives the edge A → C (the read side gives rcu → C); a class
 * already held is recursive locking, except vCPU mutexes taken in increasing id (the nest
 * annotation of kvm_lock_all_vcpus). A synchronize_rcu gives A → rcu for each held A: the
 * grace period waits for readers, so a reader that takes A inside its section closes a
 * cycle — the lockdep-RCU rule "no synchronize while holding a lock readers take". An edge
 * the store has not seen is checked for a path back (C ⇝ A) over the observed edges and the
 * order spec §5.1 declares; it is recorded before the check throws, so the graph a campaign
 * collects keeps both orders of the cycle it reports. A known edge costs one mask test.
 *
 * Where edges are kept is the store's business: a LockdepGraph for the single-threaded
 * drivers (one graph per sim execution; one per process for the direct API, like the
 * kernel's per-boot graph), shared memory for hw threads (check/lockdep-shared.ts), where a
 * thread that adds an edge learns every other thread's edges from the same atomic.
 */
import { LockOrderError, type LockRef } from '../sync/lock.js';
import type { SyncHook, Task } from '../sync/task.js';
import { classIndex, DECLARED_MASK, edgeBit, findPath, formatOrigin, LOCKDEP_CLASSES, LockdepGraph, RCU_CLASS, type EdgeOrigin } from './lockdep.js';
import type { LockStats } from './lock-stat.js';
import { SyncViolation, syncOracleOn, syncViolated } from './sync-oracles.js';

const VCPU_MUTEX = classIndex('vcpu->mutex');

/** An edge's origin as the validator sees it; a store keeps it in its own form. */
export interface RawOrigin {
  readonly task: Task;
  readonly step: number;
  /** The locks held, outermost first (a copy). */
  readonly held: readonly LockRef[];
  /** Inside a read-side section. */
  readonly reader: boolean;
  /** The lock taken; undefined for synchronize_rcu. */
  readonly took: LockRef | undefined;
}

export interface EdgeStore {
  /** True if this edge is known (to this thread, at least): nothing to check. */
  has(from: number, to: number): boolean;
  /** Records an edge; returns the observed edges known before it (edgeBit mask). */
  add(from: number, to: number, origin: RawOrigin): number;
  /** An observed edge's first origin, for messages. */
  origin(from: number, to: number): EdgeOrigin | undefined;
  /** Drops an edge (the direct driver forgets what it reported, see ValidatorOptions). */
  forget?(from: number, to: number): void;
}

/** Names of what a raw origin held and took. */
export function originNames(o: RawOrigin): { held: string[]; took: string } {
  return { held: [...o.held.map((l) => l.name), ...(o.reader ? ['rcu_read_lock'] : [])], took: o.took?.name ?? 'synchronize_rcu' };
}

/** The store of the single-threaded drivers: a LockdepGraph with the run's seed. */
export class GraphStore implements EdgeStore {
  constructor(
    readonly graph: LockdepGraph = new LockdepGraph(),
    readonly seed?: number,
  ) {}

  has(from: number, to: number): boolean {
    return this.graph.has(from, to);
  }

  add(from: number, to: number, o: RawOrigin): number {
    const before = this.graph.mask();
    this.graph.add(from, to, { ...(this.seed !== undefined ? { seed: this.seed } : {}), step: o.step, thread: o.task.name, ...originNames(o) });
    return before;
  }

  origin(from: number, to: number): EdgeOrigin | undefined {
    return this.graph.origin(from, to);
  }

  forget(from: number, to: number): void {
    this.graph.delete(from, to);
  }
}

export interface ValidatorOptions {
  readonly edges: EdgeStore;
  /** Where a task's lock_stat figures go (none: not counted). */
  readonly stats?: (task: Task) => LockStats;
  /** The step a task is at, for edge origins. */
  readonly step: (task: Task) => number;
  /**
   * Forget an edge once its cycle is reported. The direct API's graph lives as long as the
   * process, and one bad call must not make every later correct one fail (the kernel's
   * lockdep switches itself off after its first report for the same reason); a run's graph
   * keeps it, for the campaign to see both orders.
   */
  readonly forgetReported?: boolean;
}

export class LockdepValidator implements SyncHook {
  private readonly edges: EdgeStore;
  private readonly stats: ((task: Task) => LockStats) | undefined;
  private readonly step: (task: Task) => number;
  private readonly forgetReported: boolean;

  constructor(o: ValidatorOptions) {
    this.edges = o.edges;
    this.stats = o.stats;
    this.step = o.step;
    this.forgetReported = o.forgetReported ?? false;
  }

  acquire(task: Task, lock: LockRef): void {
    // The sim knows before the step that the lock was held when the thread reached it.
    if (task.rcuDepth > 0 && task.waited >= 0) {
      syncViolated('rcu-blocking-in-reader', `${task.name} waited for ${lock.name} inside an RCU read-side section`);
    }
    const c = lock.classId;
    const held = task.held;
    for (let i = 0; i < held.length; i++) {
      const h = held[i]!;
      const a = h.classId;
      if (a === c) {
        if ((c === VCPU_MUTEX && h.subclass < lock.subclass) || !syncOracleOn('lock-order')) continue;
        throw new LockOrderError(
          `possible recursive locking: ${task.name} takes ${lock.name} while holding ${h.name} (both ${lock.cls})` +
            (c === VCPU_MUTEX ? '; vCPU mutexes nest only in increasing vCPU id' : ''),
        );
      }
      this.edge(task, a, c, lock);
    }
    if (task.rcuDepth > 0) this.edge(task, RCU_CLASS, c, lock);
  }

  acquired(task: Task, lock: LockRef, waited: number): void {
    this.stats?.(task).acquired(lock.classId, waited);
  }

  released(task: Task, lock: LockRef, heldFor: number): void {
    this.stats?.(task).released(lock.classId, heldFor);
  }

  readLock(task: Task): void {
    this.stats?.(task).acquired(RCU_CLASS, -1);
  }

  synchronize(task: Task): void {
    for (const h of task.held) this.edge(task, h.classId, RCU_CLASS, undefined);
  }

  synchronized(task: Task, waited: number): void {
    this.stats?.(task).gracePeriod(waited);
  }

  private edge(task: Task, from: number, to: number, took: LockRef | undefined): void {
    if (this.edges.has(from, to)) return;
    const raw: RawOrigin = { task, step: this.step(task), held: [...task.held], reader: task.rcuDepth > 0, took };
    const known = this.edges.add(from, to, raw);
    const back = findPath(known | DECLARED_MASK, to, from);
    if (!back) return;
    const rcu = from === RCU_CLASS || to === RCU_CLASS || back.includes(RCU_CLASS);
    if (!syncOracleOn(rcu ? 'rcu-synchronize-under-reader-lock' : 'lock-order')) return;
    const error = this.cycle(raw, from, to, back, known, rcu);
    if (this.forgetReported) this.edges.forget?.(from, to);
    throw error;
  }

  /** The error for an edge that closes a cycle: both chains, with their origins. */
  private cycle(raw: RawOrigin, from: number, to: number, back: readonly number[], known: number, rcu: boolean): Error {
    const names = originNames(raw);
    const chain = back.slice(1).map((b, i) => {
      const a = back[i]!;
      const o = (known & edgeBit(a, b)) !== 0 ? this.edges.origin(a, b) : undefined;
      return `${LOCKDEP_CLASSES[a]} → ${LOCKDEP_CLASSES[b]}: ${o ? formatOrigin(o) : 'declared by spec §5.1'}`;
    });
    const message =
      `${raw.task.name} ${raw.took ? `takes ${names.took}` : 'waits for a grace period'} holding [${names.held.join(', ')}] (step ${raw.step}): ` +
      `${LOCKDEP_CLASSES[from]} → ${LOCKDEP_CLASSES[to]} closes a cycle with ${chain.join('; ')}`;
    return rcu ? new SyncViolation('rcu-synchronize-under-reader-lock', message) : new LockOrderError(`possible circular locking dependency: ${message}`);
  }
}
