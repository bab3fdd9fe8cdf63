/**
 * The seam (DESIGN principle 1). Model operations that take locks, enter RCU read-side
 * sections or read VM-wide state lock-free are generator functions that *yield* each such
 * step as a `SyncOp` before performing it. A driver decides when the step happens:
 * - `runDirect` performs every step at once (the public API, single-threaded);
 * - the sim machine (`src/explore/sim.ts`) interleaves several operations, or whole engine
 *   thread loops, in an order a strategy picks, on one thread (sim mode; `Stepper` is its
 *   hand-driven face);
 * - the engine's worker threads perform them on real shared-memory locks (hw mode).
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
  /**
   * A lock-free access to shared state that another thread may race with. With `migrate`,
   * also a place where the vCPU thread is preemptible: a driver may run `migrate(cpu)`
   * (vcpu_put, then vcpu_load on `cpu`, as the preempt notifiers do) as this thread's next
   * steps, before the point itself (the sim driver's injected migrations).
   */
  | { readonly kind: 'point'; readonly label: string; readonly migrate?: (cpu: number) => Op<void>; readonly id?: number }
  /**
   * Idle until `words[index]` no longer holds `seen` (a doorbell, the stop word): an
   * extended RCU quiescent state, refused inside a read-side section. Both drivers end the
   * park only once the word has changed (hw: Atomics.wait until it has; sim: the thread is
   * runnable again) — so a park in a hw log is exactly a park the sim can take. Whoever
   * changes the word notifies it — with `sleepers` (a word of `words` that the hw driver
   * raises while it sleeps there), only when that word is non-zero: the change and the
   * sleepers word are read and written seq_cst on both sides, so either the sleeper sees
   * the change before it sleeps or the changer sees the sleeper.
   */
  | { readonly kind: 'park'; readonly label: string; readonly words: Int32Array; readonly index: number; readonly seen: number; readonly sleepers?: number }
  /** Between two operations of a thread loop: it holds nothing from a read-side section. */
  | { readonly kind: 'quiescent' };

/** A model operation: yields its sync steps, returns its result. */
export type Op<T> = Generator<SyncOp, T, void>;

export const RCU_READ_LOCK: SyncOp = Object.freeze({ kind: 'rcu-read-lock' });
export const RCU_READ_UNLOCK: SyncOp = Object.freeze({ kind: 'rcu-read-unlock' });
export const SYNCHRONIZE_RCU: SyncOp = Object.freeze({ kind: 'synchronize-rcu' });
export const QUIESCENT: SyncOp = Object.freeze({ kind: 'quiescent' });

/** A park step (see SyncOp 'park'). */
export function park(label: string, words: Int32Array, index: number, seen: number, sleepers?: number): SyncOp {
  labelId(label);
  return sleepers === undefined ? { kind: 'park', label, words, index, seen } : { kind: 'park', label, words, index, seen, sleepers };
}

const labels = new Map<number, string>();
const ids = new Map<string, number>();
/**
 * A point's or park's label as a 32-bit id (FNV-1a of the text): the same in every thread
 * and process, so a flight recorder can log it as one word and a reader can name it.
 */
export function labelId(label: string): number {
  let id = ids.get(label);
  if (id === undefined) {
    let h = 0x811c9dc5;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    id = h | 0;
    ids.set(label, id);
    labels.set(id, label);
  }
  return id;
}
/** The label of an id this thread has seen created (points and parks register theirs). */
export function labelOf(id: number): string | undefined {
  return labels.get(id);
}

/** True once a park step's word has moved on: the thread may continue. */
export function parkOver(op: SyncOp & { kind: 'park' }): boolean {
  return Atomics.load(op.words, op.index) !== op.seen;
}

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

/**
 * Runs an operation as leaf work, where no driver can interleave: its points are passed
 * over. For operations that are steps in one context (a generator caller) and leaf work in
 * another (a plain caller); only points may be yielded.
 */
export function runLeaf<T>(op: Op<T>): T {
  for (;;) {
    const r = op.next();
    if (r.done) return r.value;
    if (r.value.kind !== 'point') throw new Error(`leaf work yielded a ${r.value.kind} step; only points can be passed over`);
  }
}

const points = new Map<string, SyncOp>();
/** An interned preemption point (no allocation on hot paths), carrying its label's id for loggers. */
export function point(label: string): SyncOp {
  let op = points.get(label);
  if (!op) {
    op = Object.freeze({ kind: 'point', label, id: labelId(label) });
    points.set(label, op);
  }
  return op;
}
