/**
 * How a worker thread's leaf steps enter the `arm_pmus` read side (see PmuList.leaf), what
 * the kernel's readers do in each design:
 * - mutex: a blocking `arm_pmus_lock`;
 * - rcu (QSBR): nothing shared — a leaf step is inside the thread's operation, and the
 *   thread reports its quiescent state only after the operation;
 * - rcu-memb: the thread's reader word, as its outermost rcu_read_lock writes it (unless
 *   the leaf runs inside a section already): a memb grace period waits only for readers
 *   that announced themselves, so a bare leaf walk would be reclaimed under.
 */
import type { PmuList } from '../host/pmu-list.js';
import type { HwTask } from '../sync/hw.js';
import type { ReadSide } from '../sync/task.js';

function leafReaderFor(list: PmuList, task: HwTask): ReadSide | undefined {
  if (list.design === 'rcu-memb') {
    const reader = task.rcuReader;
    if (!reader) throw new Error(`${task.name}: arm_pmus design rcu-memb on an RCU domain without memb readers`);
    return {
      enter: () => task.rcuDepth === 0 && reader.enter(),
      exit: () => task.rcuDepth === 0 && reader.exit(),
    };
  }
  if (list.design !== 'mutex') return undefined;
  return {
    enter: () => {
      if (list.lock.owner() === task.id) throw new Error(`${task.name}: arm_pmus leaf walk while already holding arm_pmus_lock`);
      list.lock.acquireBlocking(task.id);
    },
    exit: () => list.lock.releaseBy(task.id),
  };
}

/**
 * What an engine thread sets on the `arm_pmus` list it reads (and a benchmark's engine-like
 * thread, to pay the same): its leaf read side, and whether walks yield their points — only
 * in record mode, whose log the sim replays step by step (record mode serialises leaf work
 * itself, so it has no leaf read side).
 */
export function readListAsWorker(list: PmuList, task: HwTask, recordMode = false): void {
  list.leaf = recordMode ? undefined : leafReaderFor(list, task);
  list.pointsPerNode = recordMode;
}
