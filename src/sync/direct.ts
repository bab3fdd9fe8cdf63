/**
 * The direct driver: runs one model operation to completion on the calling thread,
 * performing each sync step as it is yielded. Used behind the public API. Its lockdep keeps
 * one graph for the process (like the kernel's, one per boot), without lock_stat.
 */
import { GraphStore, LockdepValidator } from '../check/lockdep-validator.js';
import { closeAbandoned, type Op } from './seam.js';
import { FIRST_DIRECT_TASK_ID, setCurrentTask, Task } from './task.js';

const lockdep = new LockdepValidator({ edges: new GraphStore(), step: () => 0, forgetReported: true });

/** Thrown when a direct operation must wait for a lock another (suspended) operation holds. */
export class DeadlockError extends Error {
  override name = 'DeadlockError';
}

/** Nesting depth of runDirect (an ioctl from inside a guest program): each level its own task id. */
let depth = 0;

export function runDirect<T>(op: Op<T>, name: string): T {
  const task = new Task(name, FIRST_DIRECT_TASK_ID + depth++);
  task.hook = lockdep;
  const outer = setCurrentTask(task);
  try {
    for (let step = op.next(); ; step = op.next()) {
      if (step.done) {
        task.assertClean();
        return step.value;
      }
      if (!task.canPerform(step.value)) {
        const lock = step.value.kind === 'lock' ? step.value.lock : undefined;
        throw new DeadlockError(
          `${name} would wait forever for ${lock?.name}, held by task ${lock?.owner()} on this same thread ` +
            '(an ioctl issued from inside a guest program on a vCPU whose KVM_RUN holds the lock?)',
        );
      }
      task.perform(step.value);
    }
  } catch (e) {
    closeAbandoned(op); // unwind like a thread that died, so the model stays usable
    task.abandon();
    throw e;
  } finally {
    depth--;
    setCurrentTask(outer);
  }
}
