/**
 * Kernel locks as words in shared memory, with the lock classes and order of spec §5.1:
 *   kvm->lock  →  vcpu->mutex  →  kvm->arch.config_lock  →  arm_pmus_lock
 * A lock may only be taken while every lock already held has a lower rank; vCPU mutexes
 * (same class) nest only in increasing vCPU id, as kvm_lock_all_vcpus() takes them.
 *
 * A lock is LOCK_WORDS consecutive Int32 words:
 *   [state, owner, contended]
 * state: 0 free, 1 held, 2 held with (possible) waiters — Drepper's futex mutex, so a
 * blocking driver can Atomics.wait on it; owner: the holder's task id; contended: how
 * many acquisitions found it held.
 *
 * Only `state` synchronises. `owner` is written with plain stores by the holder while it
 * holds the lock (the atomic release that follows orders them) and read by others only
 * for reports, where a stale value is harmless — so it adds no atomic operation to the
 * uncontended path.
 */
import type { SyncOp } from './seam.js';

export type LockClass = 'kvm->lock' | 'vcpu->mutex' | 'config_lock' | 'arm_pmus_lock';

export const LOCK_WORDS = 3;
const STATE = 0;
const OWNER = 1;
const CONTENDED = 2;

const RANK: Readonly<Record<LockClass, number>> = {
  'kvm->lock': 1,
  'vcpu->mutex': 2,
  config_lock: 3,
  arm_pmus_lock: 4,
};

export class LockRef {
  /** Pre-built sync ops, so taking a lock on a hot path allocates nothing. */
  readonly acquire: SyncOp;
  readonly release: SyncOp;

  constructor(
    readonly cls: LockClass,
    /** Human name for reports, e.g. "vm0 config_lock". */
    readonly name: string,
    readonly words: Int32Array,
    /** First of the lock's LOCK_WORDS words. */
    readonly index: number,
    /** Order among locks of the same class (vCPU id). */
    readonly subclass = 0,
  ) {
    this.acquire = Object.freeze({ kind: 'lock', lock: this });
    this.release = Object.freeze({ kind: 'unlock', lock: this });
  }

  get rank(): number {
    return RANK[this.cls];
  }

  /** Owner task id, 0 when free (for reports: may be momentarily stale). */
  owner(): number {
    return this.words[this.index + OWNER]!;
  }

  isHeld(): boolean {
    return Atomics.load(this.words, this.index + STATE) !== 0;
  }

  contended(): number {
    return Atomics.load(this.words, this.index + CONTENDED);
  }

  /** Non-blocking acquisition; false if held. */
  tryAcquire(task: number): boolean {
    if (Atomics.compareExchange(this.words, this.index + STATE, 0, 1) !== 0) return false;
    this.words[this.index + OWNER] = task;
    return true;
  }

  /**
   * Blocking acquisition (futex mutex): spin briefly, then mark "waiters" and sleep on the
   * state word until the holder's release wakes us. `onSleep` is told before the thread
   * first sleeps, `onWake` once it has the lock after sleeping.
   */
  acquireBlocking(task: number, onSleep?: (lock: LockRef) => void, onWake?: () => void, timeoutMs = 1000): void {
    const w = this.words;
    const s = this.index + STATE;
    let c = Atomics.compareExchange(w, s, 0, 1);
    if (c !== 0) {
      Atomics.add(w, this.index + CONTENDED, 1);
      for (let spin = 0; spin < 64 && c !== 0; spin++) c = Atomics.compareExchange(w, s, 0, 1);
      if (c !== 0) {
        c = Atomics.exchange(w, s, 2);
        if (c !== 0) {
          onSleep?.(this);
          while (c !== 0) {
            Atomics.wait(w, s, 2, timeoutMs);
            c = Atomics.exchange(w, s, 2);
          }
          onWake?.();
        }
      }
    }
    w[this.index + OWNER] = task;
  }

  /** Release; wakes one waiter if any may be sleeping. */
  releaseBy(task: number): void {
    const w = this.words;
    if (w[this.index + OWNER] !== task) throw new Error(`releasing ${this.name}, held by task ${this.owner()}, not ${task}`);
    w[this.index + OWNER] = 0;
    if (Atomics.exchange(w, this.index + STATE, 0) === 2) Atomics.notify(w, this.index + STATE, 1);
  }
}

/** Thrown when a task breaks the lock order of spec §5.1 (a would-be deadlock). */
export class LockOrderError extends Error {
  override name = 'LockOrderError';
}

/** Checks that `next` may be taken while `held` are held; throws with both names if not. */
export function assertLockOrder(held: readonly LockRef[], next: LockRef): void {
  for (const h of held) {
    const ok = h.rank < next.rank || (h.rank === next.rank && h.cls === 'vcpu->mutex' && h.subclass < next.subclass);
    if (!ok) {
      throw new LockOrderError(
        `lock order violated: taking ${next.name} (${next.cls}) while holding ${h.name} (${h.cls}); ` +
          'order is kvm->lock → vcpu->mutex → config_lock → arm_pmus_lock (spec §5.1)',
      );
    }
  }
}
