/**
 * `lockdep_assert_held(lock)`: a model function the kernel annotates as called under a lock
 * says so with `assertHeld(lock)`, checked against the thread that runs it (the driver's
 * current task) — not merely "someone holds it". Outside every driver (a unit test calling a
 * model function by hand) there is no thread to ask, and nothing is checked.
 */
import { syncViolated } from '../check/sync-oracles.js';
import type { LockRef } from './lock.js';
import { currentTask } from './task.js';

export function assertHeld(lock: LockRef): void {
  const task = currentTask();
  if (task && !task.holds(lock)) {
    const owner = lock.owner();
    syncViolated('lockdep-assert-held', `${task.name} runs code that needs ${lock.name} held, without holding it${owner !== 0 ? ` (task ${owner} does)` : ''}`);
  }
}
