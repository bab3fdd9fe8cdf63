/**
 * What a driver knows about one running model operation ("a thread"): its id (the value
 * written into lock owner words), the locks it holds in order, and its RCU read-side
 * nesting. Lock order, ownership and RCU nesting are asserted here, once for all drivers;
 * how a held lock or a grace period is waited for is the driver's (`acquire`,
 * `synchronize`).
 */
import { assertLockOrder, type LockRef } from './lock.js';
import type { SyncOp } from './seam.js';

/** How a leaf step enters and leaves a read side (see PmuList.leaf). */
export interface ReadSide {
  enter(): void;
  exit(): void;
}

/** Ids below this are reserved for long-lived engine threads (slot + 1). */
export const FIRST_DYNAMIC_TASK_ID = 1000;
let nextTaskId = FIRST_DYNAMIC_TASK_ID;

export class Task {
  readonly held: LockRef[] = [];
  rcuDepth = 0;

  constructor(
    readonly name: string,
    /** The value written into lock owner words; unique across threads sharing locks. */
    readonly id = nextTaskId++,
  ) {}

  /** True if `op` can be performed now without waiting for another task. */
  canPerform(op: SyncOp): boolean {
    return op.kind !== 'lock' || !op.lock.isHeld();
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
      case 'point':
        return;
    }
  }

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
