/**
 * What a driver knows about one running model operation ("a thread"): its id (the value
 * written into lock owner words), the locks it holds in order, and its RCU read-side
 * nesting. Ownership and RCU nesting are asserted here, once for all drivers; how a held
 * lock or a grace period is waited for is the driver's (`acquire`, `synchronize`).
 *
 * Every driver performs every step through `perform`, which tells the task's `SyncHook`
 * (DESIGN: "oracles and lockdep observe steps through one hook that every driver calls"):
 * lockdep validates an acquisition before the thread may wait for it, lock_stat counts it
 * once it is taken (check/lockdep-validator.ts is the hook).
 */
import { syncViolated } from '../check/sync-oracles.js';
import type { LockRef } from './lock.js';
import { parkOver, type SyncOp } from './seam.js';

/**
 * The observer of a task's sync steps. Times and waits are in the driver's unit (hw: ns,
 * sim: virtual ns); `waited` < 0 means the step did not have to wait.
 */
export interface SyncHook {
  /** Before `task` takes `lock` (it may then wait): lockdep's validation; throws on a violation. */
  acquire(task: Task, lock: LockRef): void;
  acquired(task: Task, lock: LockRef, waited: number): void;
  released(task: Task, lock: LockRef, heldFor: number): void;
  /** The task entered its outermost read-side section. */
  readLock(task: Task): void;
  /** Before the task waits for a grace period. */
  synchronize(task: Task): void;
  synchronized(task: Task, waited: number): void;
}

/**
 * The task whose model code is running on this JS thread (set by the driver around the
 * code it runs), for checks made from plain model functions: assertHeld, rcu_dereference.
 */
let running: Task | undefined;
export function currentTask(): Task | undefined {
  return running;
}
/** Makes `task` the running one; returns the one it replaces (for drivers that nest). */
export function setCurrentTask(task: Task | undefined): Task | undefined {
  const prev = running;
  running = task;
  return prev;
}

/** How a leaf step enters and leaves a read side (see PmuList.leaf). */
export interface ReadSide {
  enter(): void;
  exit(): void;
}

/**
 * Task ids are explicit, so the lock owner words an operation leaves behind are part of a
 * replayable state: engine and sim threads are slot + 1 (below this), the direct driver's
 * tasks start here (one per nesting level of runDirect on the API thread).
 */
export const FIRST_DIRECT_TASK_ID = 1000;

export class Task {
  readonly held: LockRef[] = [];
  rcuDepth = 0;
  /** Observer of the steps (lockdep, lock_stat); none: nothing observed. */
  hook: SyncHook | undefined;
  /** When each held lock was taken (the driver's `time()`), while a hook observes. */
  private readonly heldSince: number[] = [];
  /**
   * How long the step being performed waited (< 0: not at all): set by the driver — the
   * sim before `perform` (it knows whether the lock was held when the thread reached it),
   * a blocking driver inside `acquire` / `synchronize`.
   */
  waited = -1;
  /** The driver's clock for this task: hw, real ns; sim, the thread's virtual ns. */
  now = 0;
  /** What the outermost read-side section writes to shared memory (RCU's memb flavour); none under QSBR. */
  rcuReader: ReadSide | undefined;

  constructor(
    readonly name: string,
    /** The value written into lock owner words; unique across threads sharing locks. */
    readonly id: number,
  ) {}

  /** True if `op` can be performed now without waiting for another task (grace periods: the driver's). */
  canPerform(op: SyncOp): boolean {
    if (op.kind === 'lock') return !op.lock.isHeld();
    if (op.kind === 'park') return parkOver(op);
    return true;
  }

  perform(op: SyncOp): void {
    switch (op.kind) {
      case 'lock': {
        const hook = this.hook;
        hook?.acquire(this, op.lock);
        this.acquire(op.lock);
        this.held.push(op.lock);
        if (hook) {
          this.heldSince.push(this.holdClock(op.lock));
          hook.acquired(this, op.lock, this.waited);
        }
        this.waited = -1;
        return;
      }
      case 'unlock': {
        const at = this.held.lastIndexOf(op.lock);
        if (at < 0) throw new Error(`${this.name}: releasing ${op.lock.name}, which it does not hold`);
        this.held.splice(at, 1);
        op.lock.releaseBy(this.id);
        const hook = this.hook;
        if (hook) {
          const since = at === this.heldSince.length - 1 ? this.heldSince.pop()! : this.heldSince.splice(at, 1)[0]!;
          hook.released(this, op.lock, since < 0 ? -1 : this.time() - since);
        }
        return;
      }
      case 'rcu-read-lock':
        if (this.rcuDepth++ === 0) {
          this.rcuReader?.enter();
          this.hook?.readLock(this);
        }
        return;
      case 'rcu-read-unlock':
        if (this.rcuDepth === 0) throw new Error(`${this.name}: rcu_read_unlock without rcu_read_lock`);
        if (--this.rcuDepth === 0) this.rcuReader?.exit();
        return;
      case 'synchronize-rcu': {
        if (this.rcuDepth > 0) syncViolated('rcu-blocking-in-reader', `${this.name}: synchronize_rcu inside an RCU read-side section would never return`);
        const hook = this.hook;
        hook?.synchronize(this);
        this.synchronize();
        hook?.synchronized(this, this.waited);
        this.waited = -1;
        return;
      }
      case 'park':
        if (this.rcuDepth > 0) syncViolated('rcu-blocking-in-reader', `${this.name}: parks (${op.label}) inside an RCU read-side section`);
        this.park(op);
        return;
      case 'quiescent':
        if (this.rcuDepth > 0) throw new Error(`${this.name}: reports a quiescent state inside an RCU read-side section`);
        this.quiescent();
        return;
      case 'point':
        return;
    }
  }

  /** True if the task holds `lock`. */
  holds(lock: LockRef): boolean {
    return this.held.includes(lock);
  }

  /** The driver's clock for this task: the `now` the driver keeps, unless it reads a real one. */
  time(): number {
    return this.now;
  }

  /** When an acquisition of `lock` starts its hold, or -1 if the driver does not time this one (sampling). */
  protected holdClock(_lock: LockRef): number {
    return this.now;
  }

  /** Single-threaded drivers only perform a park whose word has already moved on. */
  protected park(_op: SyncOp & { kind: 'park' }): void {}

  /** Single-threaded drivers track read-side sections directly (see GracePeriods). */
  quiescent(): void {}

  /** Non-blocking: the single-threaded drivers only perform a lock they saw free. */
  protected acquire(lock: LockRef): void {
    if (!lock.tryAcquire(this.id)) throw new Error(`${this.name}: ${lock.name} is not free`);
  }

  /** Single-threaded drivers: the caller has checked no other thread is in a read-side section. */
  protected synchronize(): void {}

  /** After the operation returned: nothing may still be held. */
  assertClean(): void {
    if (this.held.length > 0 || this.rcuDepth > 0) {
      throw new Error(
        `${this.name} returned holding ${this.held.map((l) => l.name).join(', ') || 'no lock'}` +
          (this.rcuDepth > 0 ? ` inside ${this.rcuDepth} RCU read-side section(s)` : ''),
      );
    }
  }

  /** A thread that died: give back what it held so others are not stuck behind it. */
  abandon(): void {
    for (const lock of this.held.reverse()) lock.releaseBy(this.id);
    this.held.length = 0;
    this.heldSince.length = 0;
    if (this.rcuDepth > 0) this.rcuReader?.exit();
    this.rcuDepth = 0;
  }
}
