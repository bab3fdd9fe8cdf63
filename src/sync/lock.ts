/**
 * Kernel locks as words in shared memory (0 = free, else owner task id), with the lock
 * classes and order of spec §5.1:
 *   kvm->lock  →  vcpu->mutex  →  kvm->arch.config_lock  →  arm_pmus_lock
 * A lock may only be taken while every lock already held has a lower rank; vCPU mutexes
 * (same class) nest only in increasing vCPU id, as kvm_lock_all_vcpus() takes them.
 */
import type { SyncOp } from './seam.js';

export type LockClass = 'kvm->lock' | 'vcpu->mutex' | 'config_lock' | 'arm_pmus_lock';

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

  /** Owner task id, 0 when free. */
  owner(): number {
    return Atomics.load(this.words, this.index);
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
