/**
 * An RCU domain over shared memory (the FIXED series protects `arm_pmus` with RCU, spec
 * §1.2). Each thread that may read (a pCPU worker, a VMM thread) owns one reader slot: a
 * counter that is odd while the thread is inside a read-side section. `rcu_read_lock` and
 * `rcu_read_unlock` are one atomic increment each on the thread's own slot, lock-free.
 *
 * A grace period (`synchronize`) snapshots every slot and waits until each slot that was
 * odd (a section in progress) has changed — that section has ended. Sections that begin
 * after the snapshot may run on: they can only see what was published before it. Readers
 * never wait for writers; writers poll (the sections are short), sleeping briefly.
 */
import { LayoutBuilder, type Region } from '../mem/region.js';
import type { RcuReader } from './task.js';

export const MAX_RCU_READERS = 64;

const L = new LayoutBuilder();
const SLOTS = L.i32(MAX_RCU_READERS);
const GRACE_PERIODS = L.i32();
const SLEEP = L.i32(); // a word nobody notifies: Atomics.wait on it is a sleep
export const rcuLayout = L.build();

export class RcuDomain {
  constructor(readonly region: Region) {}

  /** The reader registration of the thread owning `slot`. */
  reader(slot: number): RcuReader {
    if (!Number.isInteger(slot) || slot < 0 || slot >= MAX_RCU_READERS) {
      throw new RangeError(`RCU reader slot ${slot} outside 0..${MAX_RCU_READERS - 1}`);
    }
    const i32 = this.region.i32;
    const at = SLOTS + slot;
    return {
      enter: () => void Atomics.add(i32, at, 1),
      exit: () => void Atomics.add(i32, at, 1),
    };
  }

  /** True while the slot's thread is inside a read-side section. */
  inside(slot: number): boolean {
    return (Atomics.load(this.region.i32, SLOTS + slot) & 1) === 1;
  }

  /** `synchronize_rcu()`: returns once every section in progress at the call has ended. */
  synchronize(sleepMs = 0.02): void {
    const i32 = this.region.i32;
    const snapshot = new Int32Array(MAX_RCU_READERS);
    for (let s = 0; s < MAX_RCU_READERS; s++) snapshot[s] = Atomics.load(i32, SLOTS + s);
    for (let s = 0; s < MAX_RCU_READERS; s++) {
      if ((snapshot[s]! & 1) === 0) continue;
      while (Atomics.load(i32, SLOTS + s) === snapshot[s]) Atomics.wait(i32, SLEEP, 0, sleepMs);
    }
    Atomics.add(i32, GRACE_PERIODS, 1);
  }

  gracePeriods(): number {
    return Atomics.load(this.region.i32, GRACE_PERIODS);
  }
}
