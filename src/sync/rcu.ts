/**
 * An RCU domain over shared memory, quiescent-state based (QSBR) like the kernel's classic
 * RCU: a read-side section costs nothing shared — `rcu_read_lock` is preemption-disable in
 * the kernel, here a thread-local nesting count in the thread's Task — and a grace period
 * waits until every thread that was online has passed a quiescent state.
 *
 * Each thread (a pCPU worker, a VMM thread) owns one slot: a quiescent-state counter it
 * bumps between operations (never inside a read-side section), and an online flag it
 * clears while idle, blocked on a lock, or gone — an extended quiescent state, like an
 * idle CPU. `synchronize(self)` snapshots every other online slot and waits until each
 * has bumped its counter or gone offline: every section that began before has ended.
 *
 * Ordering: the writer publishes (seq_cst store) before it snapshots (seq_cst loads); a
 * thread sets itself online (seq_cst store) before it loads the published pointer. So a
 * thread the writer saw offline can only read what was published before the snapshot.
 */
import { LayoutBuilder, type Region } from '../mem/region.js';

export const MAX_RCU_THREADS = 64;

const L = new LayoutBuilder();
const QS = L.i32(MAX_RCU_THREADS);
const ONLINE = L.i32(MAX_RCU_THREADS);
const GRACE_PERIODS = L.i32();
const SLEEP = L.i32(); // a word nobody notifies: Atomics.wait on it is a sleep
export const rcuLayout = L.build();

export class RcuDomain {
  constructor(readonly region: Region) {}

  private check(slot: number): void {
    if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_RCU_THREADS) {
      throw new RangeError(`RCU thread slot ${slot} outside 0..${MAX_RCU_THREADS - 1}`);
    }
  }

  /** The thread starts (or resumes) running operations that may read. */
  online(slot: number): void {
    this.check(slot);
    Atomics.store(this.region.i32, ONLINE + slot, 1);
  }

  /** Extended quiescent state: idle, blocked, or exited. */
  offline(slot: number): void {
    Atomics.store(this.region.i32, ONLINE + slot, 0);
  }

  /** A quiescent state: the thread holds no reference from any read-side section. */
  quiescent(slot: number): void {
    Atomics.add(this.region.i32, QS + slot, 1);
  }

  isOnline(slot: number): boolean {
    return Atomics.load(this.region.i32, ONLINE + slot) === 1;
  }

  /** `synchronize_rcu()` by thread `self`: returns once every other online thread has passed a quiescent state. */
  synchronize(self: number, sleepMs = 0.02): void {
    const i32 = this.region.i32;
    const snapshot = new Int32Array(MAX_RCU_THREADS);
    const waitFor: number[] = [];
    for (let s = 0; s < MAX_RCU_THREADS; s++) {
      if (s === self || Atomics.load(i32, ONLINE + s) === 0) continue;
      snapshot[s] = Atomics.load(i32, QS + s);
      waitFor.push(s);
    }
    for (const s of waitFor) {
      while (Atomics.load(i32, QS + s) === snapshot[s] && Atomics.load(i32, ONLINE + s) === 1) {
        Atomics.wait(i32, SLEEP, 0, sleepMs);
      }
    }
    Atomics.add(i32, GRACE_PERIODS, 1);
  }

  gracePeriods(): number {
    return Atomics.load(this.region.i32, GRACE_PERIODS);
  }
}
