/**
 * How a worker thread's leaf steps enter the `arm_pmus` read side (see PmuList.leaf): a
 * blocking `arm_pmus_lock` under the mutex design; nothing shared under RCU, where a leaf
 * step is inside the thread's operation and the thread reports its quiescent state only
 * after the operation — what the kernel's readers do in each design.
 */
import type { PmuList } from '../host/pmu-list.js';
import type { HwTask } from '../sync/hw.js';
import type { ReadSide } from '../sync/task.js';

export function leafReaderFor(list: PmuList, task: HwTask): ReadSide | undefined {
  if (list.design !== 'mutex') return undefined;
  return {
    enter: () => {
      if (list.lock.owner() === task.id) throw new Error(`${task.name}: arm_pmus leaf walk while already holding arm_pmus_lock`);
      list.lock.acquireBlocking(task.id);
    },
    exit: () => list.lock.releaseBy(task.id),
  };
}
