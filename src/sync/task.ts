/**
 * What a driver knows about one running model operation ("a thread"): its id (the value
 * written into lock words), the locks it holds in order, and its RCU read-side nesting.
 */
import { assertLockOrder, type LockRef } from './lock.js';
import type { SyncOp } from './seam.js';

let nextTaskId = 1;

export class Task {
  readonly id = nextTaskId++;
  readonly held: LockRef[] = [];
  rcuDepth = 0;

  constructor(readonly name: string) {}

  /** True if `op` can be performed now without waiting for another task. */
  canPerform(op: SyncOp): boolean {
    return op.kind !== 'lock' || op.lock.owner() === 0;
  }

  /**
   * Performs one step. The caller has checked `canPerform`; a lock that is still held is a
   * driver bug and throws. Lock order and unlock ownership are asserted here, once for all
   * drivers.
   */
  perform(op: SyncOp): void {
    switch (op.kind) {
      case 'lock': {
        assertLockOrder(this.held, op.lock);
        if (Atomics.compareExchange(op.lock.words, op.lock.index, 0, this.id) !== 0) {
          throw new Error(`${this.name}: ${op.lock.name} is not free`);
        }
        this.held.push(op.lock);
        return;
      }
      case 'unlock': {
        const at = this.held.lastIndexOf(op.lock);
        if (at < 0 || op.lock.owner() !== this.id) {
          throw new Error(`${this.name}: releasing ${op.lock.name}, which it does not hold`);
        }
        this.held.splice(at, 1);
        Atomics.store(op.lock.words, op.lock.index, 0);
        return;
      }
      case 'rcu-read-lock':
        this.rcuDepth++;
        return;
      case 'rcu-read-unlock':
        if (this.rcuDepth === 0) throw new Error(`${this.name}: rcu_read_unlock without rcu_read_lock`);
        this.rcuDepth--;
        return;
      case 'point':
        return;
    }
  }

  /** After the operation returned: nothing may still be held. */
  assertClean(): void {
    if (this.held.length > 0 || this.rcuDepth > 0) {
      throw new Error(
        `${this.name} returned holding ${this.held.map((l) => l.name).join(', ') || 'no lock'}` +
          (this.rcuDepth > 0 ? ` inside ${this.rcuDepth} RCU read-side section(s)` : ''),
      );
    }
  }
}
