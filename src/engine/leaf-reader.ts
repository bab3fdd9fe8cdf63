/**
 * How a worker thread's leaf steps enter the `arm_pmus` read side (see PmuList.leaf): the
 * thread's RCU reader under the RCU designs, a blocking `arm_pmus_lock` under the mutex
 * design — what the kernel's readers do in each design.
 */
import type { PmuList } from '../host/pmu-list.js';
import type { RcuDomain } from '../sync/rcu.js';
import type { HwTask } from '../sync/hw.js';
import type { RcuReader } from '../sync/task.js';

export function leafReaderFor(list: PmuList, domain: RcuDomain, task: HwTask): RcuReader {
  if (list.design !== 'mutex') return domain.reader(task.slot);
  return {
    enter: () => list.lock.acquireBlocking(task.id),
    exit: () => list.lock.releaseBy(task.id),
  };
}
