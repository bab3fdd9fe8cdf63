/**
 * A bench thread that pays for a step what an engine thread pays (engine/thread-context.ts):
 * an HwTask whose every seam step is logged to a flight recorder and goes through the
 * run's shared lockdep / lock_stat hook, with the status hooks a pCPU worker installs. The
 * RCU read side of the engine (QSBR) is this task's: rcu_read_lock is a thread-local
 * nesting count, and every yield of the walk is a recorder event.
 *
 * `MembTask` adds what liburcu's memb flavour pays on its read side: the outermost
 * rcu_read_lock copies the global grace-period counter into the reader's own counter
 * word, rcu_read_unlock clears it (`_CMM_STORE_SHARED` + `cmm_barrier()`, no fence: memb's
 * writer issues sys_membarrier instead). Here the counter words are plain stores into a
 * SharedArrayBuffer (JS has no membarrier, so the writer side of such a flavour could not
 * be built as cheaply; only its read side is measured). `MbTask` is the same with
 * seq_cst stores (Atomics.store): what a JS reader without membarrier would have to pay,
 * like liburcu's mb flavour.
 */
import { hwLockdep } from '../src/check/lockdep-shared.js';
import { Control, STATUS } from '../src/engine/control.js';
import { FlightRecorder, stepEventArg, stepEventKind } from '../src/engine/flight-recorder.js';
import { HwTask } from '../src/sync/hw.js';
import type { LockRef } from '../src/sync/lock.js';
import type { RcuDomain } from '../src/sync/rcu.js';
import type { SyncOp } from '../src/sync/seam.js';

const THREADS = 4;
/** liburcu's URCU_GP_COUNT: the nesting unit of a reader's counter word. */
const GP_COUNT = 1;

export interface EngineTaskEnv {
  readonly control: Control;
  readonly record: (kind: number, arg: number) => void;
}

type TaskClass = new (...args: ConstructorParameters<typeof HwTask>) => HwTask;

/** Memb-style read side: per-reader counter words written with plain stores. */
export class MembTask extends HwTask {
  /** [0]: the global grace-period counter; [1 + slot]: each reader's counter. */
  static readonly words = new Int32Array(new SharedArrayBuffer(4 * 64));
  override perform(op: SyncOp): void {
    const w = MembTask.words;
    if (op.kind === 'rcu-read-lock' && this.rcuDepth === 0) w[1 + this.slot] = w[0]! | GP_COUNT;
    super.perform(op);
    if (op.kind === 'rcu-read-unlock' && this.rcuDepth === 0) w[1 + this.slot] = 0;
  }
}

/** mb-style read side: the same counter words, seq_cst stores. */
export class MbTask extends HwTask {
  override perform(op: SyncOp): void {
    const w = MembTask.words;
    if (op.kind === 'rcu-read-lock' && this.rcuDepth === 0) Atomics.store(w, 1 + this.slot, Atomics.load(w, 0) | GP_COUNT);
    super.perform(op);
    if (op.kind === 'rcu-read-unlock' && this.rcuDepth === 0) Atomics.store(w, 1 + this.slot, 0);
  }
}

/** An engine-like thread `slot` over `rcu`, lockdep naming `locks`. */
export function engineTask(slot: number, rcu: RcuDomain, locks: readonly LockRef[], cls: TaskClass = HwTask): HwTask & EngineTaskEnv {
  // The thread's control words, recorder ring and lockdep slots exist for its slot (the
  // bench's tasks take slots 20 and up, so as not to share an RCU reader slot).
  const threads = Math.max(THREADS, slot + 1);
  const control = Control.create({ cpus: 2, vcpus: 1, threads });
  const recorder = FlightRecorder.create(threads);
  const record = recorder.writer(slot);
  const lockId = (lock: LockRef) => Math.max(0, locks.indexOf(lock));
  const names = { seed: 1, threads: Array.from({ length: threads }, (_, t) => `bench thread ${t}`), locks };
  const task = new cls(
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
