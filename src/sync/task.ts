/**
 * What a driver knows about one running model operation ("a thread"): its id (the value
 * written into lock owner words), the locks it holds in order, and its RCU read-side
 * nesting. Lock order, ownership and RCU nesting are asserted here, once for all drivers;
 * how a held lock or a grace period is waited for is the driver's (`acquire`,
 * `synchronize`).
 */
import { assertLockOrder, type LockRef } from './lock.js';
import { parkOver, type SyncOp } from './seam.js';

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
      case 'lock':
        assertLockOrder(this.held, op.lock);
        this.acquire(op.lock);
        this.held.push(op.lock);
        return;
      case 'unlock': {
        const at = this.held.lastIndexOf(op.lock);
        if (at < 0) throw new Error(`${this.name}: releasing ${op.lock.name}, which it does not hold`);
        this.held.splice(at, 1);
        op.lock.releaseBy(this.id);
        return;
      }
      case 'rcu-read-lock':
        this.rcuDepth++;
        return;
      case 'rcu-read-unlock':
        if (this.rcuDepth === 0) throw new Error(`${this.name}: rcu_read_unlock without rcu_read_lock`);
        this.rcuDepth--;
        return;
      case 'synchronize-rcu':
        if (this.rcuDepth > 0) throw new Error(`${this.name}: synchronize_rcu inside an RCU read-side section would never return`);
        this.synchronize();
        return;
      case 'park':
        if (this.rcuDepth > 0) throw new Error(`${this.name}: parks (${op.label}) inside an RCU read-side section`);
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
    this.rcuDepth = 0;
  }
}
