/**
 * The hw driver: runs model operations on a real thread (a pCPU worker or a VMM thread)
 * against locks and RCU in shared memory, blocking where the kernel would block. One
 * `HwTask` per thread, reused for every operation it runs; its id (thread slot + 1) is
 * what lock owner words show, so a watchdog can say who holds what. Between operations
 * the thread reports an RCU quiescent state; while it sleeps on a lock it is offline (an
 * extended quiescent state), which is why sleeping inside a read-side section is refused.
 */
import { GraphStore, LockdepValidator } from '../check/lockdep-validator.js';
import { syncViolated } from '../check/sync-oracles.js';
import { LOCK_CLASSES, type LockRef } from './lock.js';
import type { RcuDomain } from './rcu.js';
import { closeAbandoned, type Op, type SyncOp } from './seam.js';
import { FIRST_DIRECT_TASK_ID, setCurrentTask, Task, type SyncHook } from './task.js';

export interface HwThreadHooks {
  /** Told before the thread sleeps on a held lock (e.g. publish "waiting on X"). */
  onWait?(lock: LockRef): void;
  /** Told when it got the lock (or its grace period: undefined), after waiting or not. */
  onAcquired?(lock: LockRef | undefined): void;
  /**
   * Told at every step (for a flight recorder): a step that may block (lock, park, grace
   * period) once it is performed, any other just before — so the order of logged steps
   * across threads respects every lock handover (the holder's unlock is logged before the
   * next owner's lock) and every wake-up, as a replay of the log must.
   */
  onStep?(op: SyncOp): void;
  /** Told before the thread waits for a grace period. */
  onGracePeriod?(): void;
}

/**
 * Record mode's serialising gate (rr-style): a thread holds it from logging a step through
 * the leaf work up to its next yield, and never while it blocks — so the logged order is an
 * order in which the steps, leaf work included, really happened one at a time, which is
 * exactly what the sim driver replays.
 */
export interface StepGate {
  enter(): void;
  exit(): void;
}

/** Steps that may wait for another thread: performed outside the gate, logged after. */
function mayBlock(op: SyncOp): boolean {
  return op.kind === 'lock' || op.kind === 'park' || op.kind === 'synchronize-rcu';
}

export class HwTask extends Task {
  /** Seam steps this thread performed (lockdep's step for the edges it produces). */
  steps = 0;

  constructor(
    name: string,
    /** The thread's slot: its RCU reader slot; its task id is slot + 1. */
    readonly slot: number,
    private readonly domain: RcuDomain | undefined,
    private readonly hooks: HwThreadHooks = {},
    /** Record mode: the gate that serialises logged steps and their leaf work. */
    readonly gate?: StepGate,
    /**
     * Lockdep and lock_stat (an engine thread's: shared with the run's other threads,
     * check/lockdep-shared.ts); default, a lockdep of this thread's own.
     */
    hook?: SyncHook,
  ) {
    if (slot + 1 >= FIRST_DIRECT_TASK_ID) throw new RangeError(`thread slot ${slot} too large`);
    super(name, slot + 1);
    this.hook = hook ?? new LockdepValidator({ edges: new GraphStore(), step: () => this.steps });
    this.rcuReader = domain?.readerFor(slot);
  }

  /** Acquisitions per lock class so far (lock.ts LOCK_CLASSES), for the one-in-eight hold sampling. */
  private readonly acquisitionsOf = new Int32Array(LOCK_CLASSES.length);

  /** Real time, ns (hold and wait times). */
  override time(): number {
    return performance.now() * 1e6;
  }

  /**
   * One hold in eight of each lock class is timed: two clock reads would double an
   * uncontended lock/unlock pair. Counted per class — with one count per thread, a loop
   * that takes the same locks in the same order every pass times the same class every time
   * and never another (seen: vcpu->mutex with 0 timed holds in 1368, found in review).
   */
  protected override holdClock(lock: LockRef): number {
    return (++this.acquisitionsOf[lock.classId]! & 7) === 0 ? this.time() : -1;
  }

  /** The clock is read only when the lock is taken: an uncontended acquisition stays one CAS. */
  protected override acquire(lock: LockRef): void {
    if (!lock.tryAcquire(this.id)) {
      const t0 = performance.now();
      // A spinner publishes "waiting on X" (onWait) but stays online: spinning is not quiescent.
      lock.acquireBlocking(this.id, (l) => this.beforeSleep(l), () => this.domain?.online(this.slot), undefined, (l) => this.hooks.onWait?.(l));
      this.waited = (performance.now() - t0) * 1e6;
    }
    this.hooks.onAcquired?.(lock);
  }

  private beforeSleep(lock: LockRef): void {
    if (this.rcuDepth > 0) syncViolated('rcu-blocking-in-reader', `${this.name} would sleep on ${lock.name} inside an RCU read-side section`);
    this.domain?.offline(this.slot);
    this.hooks.onWait?.(lock);
  }

  protected override synchronize(): void {
    this.hooks.onGracePeriod?.();
    const t0 = performance.now();
    this.domain?.synchronize(this.slot);
    this.waited = (performance.now() - t0) * 1e6;
    this.hooks.onAcquired?.(undefined);
  }

  /** Between operations: nothing from a read-side section is held any more. */
  override quiescent(): void {
    this.domain?.quiescent(this.slot);
  }

  /**
   * Idle: sleep until the word moves on (offline for RCU meanwhile). With a sleepers word
   * (seam.ts 'park'), it is raised before the last look at the word and lowered after the
   * wake-up, both seq_cst, so a changer that reads it as 0 changed the word before that look.
   */
  protected override park(op: SyncOp & { kind: 'park' }): void {
    this.offline();
    const { words, index, seen, sleepers } = op;
    if (sleepers === undefined) {
      while (Atomics.load(words, index) === seen) Atomics.wait(words, index, seen);
    } else {
      Atomics.add(words, sleepers, 1);
      while (Atomics.load(words, index) === seen) Atomics.wait(words, index, seen);
      Atomics.sub(words, sleepers, 1);
    }
    this.online();
  }

  /** Idle or gone: an extended quiescent state (a grace period need not wait for us). */
  offline(): void {
    this.domain?.offline(this.slot);
  }

  /** The thread starts running operations that may read under RCU (call before the first). */
  online(): void {
    this.domain?.online(this.slot);
  }

  /** Performs a step the way runHw does: outside the gate if it may block, logged in order. */
  step(op: SyncOp): void {
    this.steps++;
    const gate = this.gate;
    const onStep = this.hooks.onStep;
    // A point outside record mode, the most common step: logged, and nothing to perform.
    if (op.kind === 'point' && gate === undefined) {
      onStep?.(op);
      return;
    }
    // Every step boundary opens the gate, so other threads may interleave at each seam
    // step as they would without recording (and as the sim lets them).
    gate?.exit();
    if (mayBlock(op)) {
      this.perform(op);
      gate?.enter();
      onStep?.(op);
    } else {
      gate?.enter();
      onStep?.(op);
      this.perform(op);
    }
  }
}

/**
 * Runs `op` to completion on this thread; on an exception the thread gives back its locks.
 * With a gate (record mode) the thread holds it while it runs leaf work.
 */
export function runHw<T>(op: Op<T>, task: HwTask): T {
  task.gate?.enter();
  const outer = setCurrentTask(task);
  try {
    for (let step = op.next(); ; step = op.next()) {
      if (step.done) {
        task.assertClean();
        task.quiescent();
        return step.value;
      }
      task.step(step.value);
    }
  } catch (e) {
    closeAbandoned(op);
    task.abandon();
    throw e;
  } finally {
    setCurrentTask(outer);
    task.gate?.exit();
  }
}
