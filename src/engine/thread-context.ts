/**
 * What every engine thread sets up when it starts: its view of the world and the control
 * region, its HwTask (publishing "waiting on lock X" while it sleeps on a lock), and the
 * `arm_pmus` leaf reader for the design in force.
 */
import { HwTask } from '../sync/hw.js';
import { Control, STATUS } from './control.js';
import { leafReaderFor } from './leaf-reader.js';
import { threadNames, worldShapeOf, type WorkerJob } from './messages.js';
import { World } from './world.js';

export interface ThreadContext {
  readonly world: World;
  readonly control: Control;
  readonly task: HwTask;
  readonly slot: number;
}

export function attachThread(job: WorkerJob): ThreadContext {
  const world = World.attach(worldShapeOf(job.scenario), job.world);
  const control = Control.attach(job.controlShape, job.control);
  const slot = job.slot;
  const task = new HwTask(threadNames(job.scenario)[slot]!, slot, world.rcu, {
    onWait: (lock) => control.setStatus(slot, STATUS.WAITING, world.lockId(lock)),
    onAcquired: () => control.setStatus(slot, STATUS.RUNNING),
  });
  world.host.list.leaf = leafReaderFor(world.host.list, world.rcu, task);
  return { world, control, task, slot };
}
