/**
 * The hw driver: runs model operations on a real thread (a pCPU worker or a VMM thread)
 * against locks and RCU in shared memory, blocking where the kernel would block. One
 * `HwTask` per thread, reused for every operation it runs; its id (thread slot + 1) is
 * what lock owner words show, so a watchdog can say who holds what. Between operations
 * the thread reports an RCU quiescent state; while it sleeps on a lock it is offline (an
 * extended quiescent state), which is why sleeping inside a read-side section is refused.
 */
import type { LockRef } from './lock.js';
import type { RcuDomain } from './rcu.js';
import { closeAbandoned, type Op, type SyncOp } from './seam.js';
import { FIRST_DIRECT_TASK_ID, Task } from './task.js';

export interface HwThreadHooks {
  /** Told before the thread sleeps on a held lock (e.g. publish "waiting on X"). */
  onWait?(lock: LockRef): void;
  /** Told when it got the lock (or its grace period: undefined), after waiting or not. */
  onAcquired?(lock: LockRef | undefined): void;
  /** Told after every step performed (for a flight recorder). */
  onStep?(op: SyncOp): void;
  /** Told before the thread waits for a grace period. */
  onGracePeriod?(): void;
}

export class HwTask extends Task {
  constructor(
    name: string,
    /** The thread's slot: its RCU reader slot; its task id is slot + 1. */
    readonly slot: number,
    private readonly domain: RcuDomain | undefined,
    private readonly hooks: HwThreadHooks = {},
  ) {
    if (slot + 1 >= FIRST_DIRECT_TASK_ID) throw new RangeError(`thread slot ${slot} too large`);
    super(name, slot + 1);
  }

  protected override acquire(lock: LockRef): void {
    lock.acquireBlocking(this.id, (l) => this.beforeSleep(l), () => this.domain?.online(this.slot));
    this.hooks.onAcquired?.(lock);
  }

  private beforeSleep(lock: LockRef): void {
    if (this.rcuDepth > 0) throw new Error(`${this.name}: would sleep on ${lock.name} inside an RCU read-side section`);
    this.domain?.offline(this.slot);
    this.hooks.onWait?.(lock);
  }

  protected override synchronize(): void {
    this.hooks.onGracePeriod?.();
    this.domain?.synchronize(this.slot);
    this.hooks.onAcquired?.(undefined);
  }

  /** Between operations: nothing from a read-side section is held any more. */
  override quiescent(): void {
    this.domain?.quiescent(this.slot);
  }

  /** Idle: sleep on the word (offline for RCU meanwhile); the loop re-checks after `timeoutMs`. */
  protected override park(op: SyncOp & { kind: 'park' }): void {
    this.offline();
    Atomics.wait(op.words, op.index, op.seen, op.timeoutMs);
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

  override perform(op: SyncOp): void {
    super.perform(op);
    this.hooks.onStep?.(op);
  }
}

/** Runs `op` to completion on this thread; on an exception the thread gives back its locks. */
export function runHw<T>(op: Op<T>, task: HwTask): T {
  try {
    for (let step = op.next(); ; step = op.next()) {
      if (step.done) {
        task.assertClean();
        task.quiescent();
        return step.value;
      }
      task.perform(step.value);
    }
  } catch (e) {
    closeAbandoned(op);
    task.abandon();
    throw e;
  }
}
