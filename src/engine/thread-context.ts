/**
 * What every engine thread sets up when it starts: its view of the world and the control
 * region, its HwTask (publishing "waiting on lock X" while it sleeps on a lock), and the
 * `arm_pmus` leaf reader for the design in force.
 */
import { hwLockdep } from '../check/lockdep-shared.js';
import type { VcpuTraceEvent } from '../kvm/vcpu-state.js';
import { HwTask, runHw } from '../sync/hw.js';
import type { LockRef } from '../sync/lock.js';
import type { Op } from '../sync/seam.js';
import { EVENT_KIND, FlightRecorder, stepEventArg, stepEventKind } from './flight-recorder.js';
import { Control, STATUS, WAITING_GRACE_PERIOD } from './control.js';
import { leafReaderFor } from './leaf-reader.js';
import { threadNames, worldShapeOf, type WorkerJob } from './messages.js';
import { World } from './world.js';

export interface ThreadContext {
  readonly world: World;
  readonly control: Control;
  readonly task: HwTask;
  readonly slot: number;
}

const VCPU_EVENT: Readonly<Record<VcpuTraceEvent, number>> = {
  load: EVENT_KIND.LOAD,
  put: EVENT_KIND.PUT,
  raise: EVENT_KIND.REQUEST_RAISE,
  service: EVENT_KIND.REQUEST_SERVICE,
};

export function attachThread(job: WorkerJob): ThreadContext {
  const world = World.attach(worldShapeOf(job.scenario), job.world);
  const control = Control.attach(job.controlShape, job.control);
  const slot = job.slot;
  const recorder = FlightRecorder.attach(job.controlShape.threads, job.recorderEntries, job.recorder);
  const record = recorder.writer(slot);
  const lockId = (lock: LockRef) => world.lockId(lock);
  const task = new HwTask(threadNames(job.scenario)[slot]!, slot, world.rcu, {
    onWait: (lock) => control.setStatus(slot, STATUS.WAITING, world.lockId(lock)),
    onAcquired: () => control.setStatus(slot, STATUS.RUNNING),
    onGracePeriod: () => {
      control.setStatus(slot, STATUS.WAITING, WAITING_GRACE_PERIOD);
      record(EVENT_KIND.GRACE_PERIOD_WAIT, 0);
    },
    onStep: (op) => record(stepEventKind(op), stepEventArg(op, lockId)),
  }, job.recordMode ? recorder.gate(slot) : undefined, hwLockdep(control.syncWords(), slot, { seed: job.scenario.seed, threads: threadNames(job.scenario), locks: world.locks }, (t) => (t as HwTask).steps));
  // Record mode serialises leaf work already (and a leaf must never block holding the gate).
  world.host.list.leaf = job.recordMode ? undefined : leafReaderFor(world.host.list, task);
  world.vcpus.forEach((vcpu, v) => {
    vcpu.trace = (event, arg) => record(VCPU_EVENT[event], v * 256 + arg);
  });
  return { world, control, task, slot };
}

/** Runs a thread loop under the hw driver: online for RCU while it runs, offline once it is gone. */
export function runThreadLoop(ctx: ThreadContext, loop: Op<void>): void {
  ctx.task.online();
  try {
    runHw(loop, ctx.task);
  } finally {
    ctx.task.offline(); // gone, or going: no grace period may wait for this thread
  }
}
