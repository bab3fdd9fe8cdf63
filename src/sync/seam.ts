/**
 * The seam (DESIGN principle 1). Model operations that take locks, enter RCU read-side
 * sections or read VM-wide state lock-free are generator functions that *yield* each such
 * step as a `SyncOp` before performing it. A driver decides when the step happens:
 * - `runDirect` performs every step at once (the public API, single-threaded);
 * - `Stepper` interleaves several operations in a chosen or seeded order (sim mode);
 * - the pCPU workers of the engine perform them on real shared-memory locks (hw mode).
 *
 * Leaf work between two yields (a guest register access, a counter update) is one
 * indivisible step: it touches only state that its caller's locks protect or that the
 * kernel, too, accesses without a lock in one go.
 */
import type { LockRef } from './lock.js';

export type SyncOp =
  | { readonly kind: 'lock'; readonly lock: LockRef }
  | { readonly kind: 'unlock'; readonly lock: LockRef }
  | { readonly kind: 'rcu-read-lock' }
  | { readonly kind: 'rcu-read-unlock' }
  /** Wait for a grace period: every read-side section that began before has ended. */
  | { readonly kind: 'synchronize-rcu' }
  /** A lock-free access to shared state that another thread may race with. */
  | { readonly kind: 'point'; readonly label: string };

/** A model operation: yields its sync steps, returns its result. */
export type Op<T> = Generator<SyncOp, T, void>;

export const RCU_READ_LOCK: SyncOp = Object.freeze({ kind: 'rcu-read-lock' });
export const RCU_READ_UNLOCK: SyncOp = Object.freeze({ kind: 'rcu-read-unlock' });
export const SYNCHRONIZE_RCU: SyncOp = Object.freeze({ kind: 'synchronize-rcu' });

/**
 * After a thread died mid-operation (a driver threw while performing one of its steps):
 * run the operation's `finally` blocks — model clean-up such as vcpu_put — without
 * performing the sync steps they yield; the driver gives the thread's locks back itself.
 */
export function closeAbandoned(op: Op<unknown>): void {
  try {
    for (let r = op.return(undefined); !r.done; r = op.next());
  } catch {
    // The error that killed the thread is the one to report.
  }
}

const points = new Map<string, SyncOp>();
/** An interned preemption point (no allocation on hot paths). */
export function point(label: string): SyncOp {
  let op = points.get(label);
  if (!op) {
    op = Object.freeze({ kind: 'point', label });
    points.set(label, op);
  }
  return op;
}
