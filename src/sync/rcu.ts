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
 *
 * The memb flavour (design `rcu-memb`, liburcu's urcu-memb): readers announce themselves
 * instead — the outermost rcu_read_lock stores an odd number into the reader's own counter
 * word, rcu_read_unlock the next even one — and a grace period waits only for the readers
 * whose word was odd when it looked, until that word moves on; quiescent states and the
 * online flag play no part (a thread between sections is never waited for). liburcu's
 * reader stores are plain because its writer issues sys_membarrier; JS has no membarrier,
 * so here the stores are seq_cst (Atomics.store): the reader's store is ordered before its
 * load of the published pointer, the writer's publish before its loads of the words. Each
 * counter word has one writer (its thread); the writer only reads it.
 */
import { LayoutBuilder, type Region } from '../mem/region.js';

export const MAX_RCU_THREADS = 64;

const L = new LayoutBuilder();
const QS = L.i32(MAX_RCU_THREADS);
const ONLINE = L.i32(MAX_RCU_THREADS);
const READER = L.i32(MAX_RCU_THREADS); // memb flavour: odd while the thread is in a read-side section
const GRACE_PERIODS = L.i32();
const SLEEP = L.i32(); // a word nobody notifies: Atomics.wait on it is a sleep
export const rcuLayout = L.build();

export type RcuFlavour = 'qsbr' | 'memb';

export class RcuDomain {
  constructor(
    readonly region: Region,
    readonly flavour: RcuFlavour = 'qsbr',
  ) {}

  /**
   * The read side a thread's task enters at its outermost rcu_read_lock (memb: its counter
   * word; QSBR: nothing shared). The counter's value is the thread's own, kept here.
   */
  readerFor(slot: number): { enter(): void; exit(): void } | undefined {
    if (this.flavour !== 'memb') return undefined;
    this.check(slot);
    const i32 = this.region.i32;
    const at = READER + slot;
    let count = Atomics.load(i32, at) & ~1; // a thread that attaches again goes on from its last value
    return {
      enter: () => Atomics.store(i32, at, (count += 1)),
      exit: () => Atomics.store(i32, at, (count += 1)),
    };
  }

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

  /**
   * Extended quiescent state: idle, blocked, or exited. A memb reader word left odd can
   * only be a dead thread's (a live one never sleeps or parks inside a section — the task
   * refuses it): it is closed, so no grace period waits for a thread that is gone.
   */
  offline(slot: number): void {
    const i32 = this.region.i32;
    Atomics.store(i32, ONLINE + slot, 0);
    if (this.flavour === 'memb' && (Atomics.load(i32, READER + slot) & 1) === 1) Atomics.add(i32, READER + slot, 1);
  }

  /** A quiescent state: the thread holds no reference from any read-side section (memb: nothing to report). */
  quiescent(slot: number): void {
    if (this.flavour === 'qsbr') Atomics.add(this.region.i32, QS + slot, 1);
  }

  isOnline(slot: number): boolean {
    return Atomics.load(this.region.i32, ONLINE + slot) === 1;
  }

  /** `synchronize_rcu()` by thread `self`: returns once every other online thread has passed a quiescent state. */
  synchronize(self: number, sleepMs = 0.02): void {
    if (this.flavour === 'memb') return this.synchronizeMemb(self, sleepMs);
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

  /** memb: waits for every reader that was inside a section when it looked to leave it. */
  private synchronizeMemb(self: number, sleepMs: number): void {
    const i32 = this.region.i32;
    for (let s = 0; s < MAX_RCU_THREADS; s++) {
      if (s === self) continue;
      const seen = Atomics.load(i32, READER + s);
      if ((seen & 1) === 0) continue;
      while (Atomics.load(i32, READER + s) === seen) Atomics.wait(i32, SLEEP, 0, sleepMs);
    }
    Atomics.add(i32, GRACE_PERIODS, 1);
  }

  gracePeriods(): number {
    return Atomics.load(this.region.i32, GRACE_PERIODS);
  }
}
