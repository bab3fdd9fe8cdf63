/**
 * Kernel locks as words in shared memory, with the lock classes of spec §5.1. Their order
 *   kvm->lock  →  vcpu->mutex  →  kvm->arch.config_lock  →  arm_pmus_lock
 * is lockdep's to check (check/lockdep-validator.ts, through the task's hook): a lock may be
 * taken only where no chain of the order — declared, or observed in this or another run —
 * leads back to a class already held; vCPU mutexes (one class) nest only in increasing
 * vCPU id, as kvm_lock_all_vcpus() takes them.
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
import { syncViolated } from '../check/sync-oracles.js';
import type { SyncOp } from './seam.js';

/** The lock classes, in the order spec §5.1 declares (lockdep's class ids are these indices). */
export const LOCK_CLASSES = ['kvm->lock', 'vcpu->mutex', 'config_lock', 'arm_pmus_lock'] as const;
export type LockClass = (typeof LOCK_CLASSES)[number];

export const LOCK_WORDS = 3;
/** A spinner publishes that it waits (onSpin) after this many spins: an uncontended hand-over costs nothing. */
const SPINS_BEFORE_TELLING = 1 << 12;
const STATE = 0;
const OWNER = 1;
const CONTENDED = 2;

export class LockRef {
  /** Pre-built sync ops, so taking a lock on a hot path allocates nothing. */
  readonly acquire: SyncOp;
  readonly release: SyncOp;
  /** The class's index in LOCK_CLASSES (lockdep's node, looked up once). */
  readonly classId: number;

  constructor(
    readonly cls: LockClass,
    /** Human name for reports, e.g. "vm0 config_lock". */
    readonly name: string,
    readonly words: Int32Array,
    /** First of the lock's LOCK_WORDS words. */
    readonly index: number,
    /** Order among locks of the same class (vCPU id). */
    readonly subclass = 0,
    /**
     * A spinlock (profile switch `configLock: 'spinlock'`): a waiter never sleeps, so it
     * stays online for RCU and is never told `onSleep` — as a kernel spinner, which runs
     * with preemption off, is neither quiescent nor blocked.
     */
    readonly spin = false,
  ) {
    this.acquire = Object.freeze({ kind: 'lock', lock: this });
    this.release = Object.freeze({ kind: 'unlock', lock: this });
    this.classId = LOCK_CLASSES.indexOf(cls);
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
    this.own(task);
    return true;
  }

  /**
   * The new holder writes its id — after locktorture's exclusive-holder check: the owner
   * word must be free. The last holder cleared it before its atomic release, which our
   * acquiring compare-and-swap follows, so a plain load sees it: no atomic added.
   */
  private own(task: number): void {
    const holder = this.words[this.index + OWNER]!;
    if (holder !== 0) syncViolated('lock-exclusive-holder', `task ${task} acquired ${this.name} while task ${holder} holds it`);
    this.words[this.index + OWNER] = task;
  }

  /**
   * Blocking acquisition (futex mutex): spin briefly, then mark "waiters" and sleep on the
   * state word until the holder's release wakes us. `onSleep` is told before the thread
   * first sleeps, `onWake` once it has the lock after sleeping. A spinlock spins instead and
   * tells `onSpin` once it has spun SPINS_BEFORE_TELLING times (so a watchdog can name who
   * waits on what; it does not sleep, so it is not `onSleep`'s to hear). Returns true if the
   * lock was held when the thread came (a contention).
   */
  acquireBlocking(task: number, onSleep?: (lock: LockRef) => void, onWake?: () => void, timeoutMs = 1000, onSpin?: (lock: LockRef) => void): boolean {
    const w = this.words;
    const s = this.index + STATE;
    let c = Atomics.compareExchange(w, s, 0, 1);
    const contended = c !== 0;
    if (contended) {
      Atomics.add(w, this.index + CONTENDED, 1);
      if (this.spin) {
        // Test-and-test-and-set: loads while it is held, one CAS when it looks free.
        for (let spins = 0; c !== 0; spins++) {
          if (spins === SPINS_BEFORE_TELLING) onSpin?.(this);
          c = Atomics.load(w, s) !== 0 ? 1 : Atomics.compareExchange(w, s, 0, 1);
        }
        this.own(task);
        return true;
      }
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
    this.own(task);
    return contended;
  }

  /** Release; wakes one waiter if any may be sleeping. */
  releaseBy(task: number): void {
    const w = this.words;
    if (w[this.index + OWNER] !== task) throw new Error(`releasing ${this.name}, held by task ${this.owner()}, not ${task}`);
    w[this.index + OWNER] = 0;
    if (Atomics.exchange(w, this.index + STATE, 0) === 2) Atomics.notify(w, this.index + STATE, 1);
  }
}

/**
 * Thrown when lockdep finds that an acquisition closes a cycle of lock classes, against the
 * order of spec §5.1 or an order observed before (a would-be deadlock), or takes a second
 * lock of a class it holds (recursive locking).
 */
export class LockOrderError extends Error {
  override name = 'LockOrderError';
}
