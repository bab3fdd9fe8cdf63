/**
 * A bench thread that pays for a step what an engine thread pays (engine/thread-context.ts):
 * an HwTask whose every seam step is logged to a flight recorder and goes through the
 * run's shared lockdep / lock_stat hook, with the status hooks a pCPU worker installs. The
 * RCU read side of the engine (QSBR) is this task's: rcu_read_lock is a thread-local
 * nesting count, and every yield of the walk is a recorder event.
 *
 * The memb flavour's read side is the engine's own: a task over an RCU domain of flavour
 * 'memb' writes its reader word (sync/rcu.ts), so the bench passes such a domain.
 */
import { hwLockdep } from '../src/check/lockdep-shared.js';
import { Control, STATUS } from '../src/engine/control.js';
import { FlightRecorder, stepEventArg, stepEventKind } from '../src/engine/flight-recorder.js';
import { HwTask } from '../src/sync/hw.js';
import type { LockRef } from '../src/sync/lock.js';
import type { RcuDomain } from '../src/sync/rcu.js';

const THREADS = 4;
export interface EngineTaskEnv {
  readonly control: Control;
  readonly record: (kind: number, arg: number) => void;
}

/** An engine-like thread `slot` over `rcu`, lockdep naming `locks`. */
export function engineTask(slot: number, rcu: RcuDomain, locks: readonly LockRef[]): HwTask & EngineTaskEnv {
  // The thread's control words, recorder ring and lockdep slots exist for its slot (the
  // bench's tasks take slots 20 and up, so as not to share an RCU reader slot).
  const threads = Math.max(THREADS, slot + 1);
  const control = Control.create({ cpus: 2, vcpus: 1, threads });
  const recorder = FlightRecorder.create(threads);
  const record = recorder.writer(slot);
  const lockId = (lock: LockRef) => Math.max(0, locks.indexOf(lock));
  const names = { seed: 1, threads: Array.from({ length: threads }, (_, t) => `bench thread ${t}`), locks };
  const task = new HwTask(
    `bench thread ${slot}`,
    slot,
    rcu,
    {
      onWait: (lock) => control.setStatus(slot, STATUS.WAITING, lockId(lock)),
      onAcquired: () => control.setStatus(slot, STATUS.RUNNING),
      onStep: (op) => record(stepEventKind(op), stepEventArg(op, lockId)),
    },
    undefined,
    hwLockdep(control.syncWords(), slot, names, (t) => (t as HwTask).steps),
  );
  task.online();
  return Object.assign(task, { control, record });
}
