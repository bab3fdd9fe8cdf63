/**
 * What every engine thread sets up when it starts: its view of the world and the control
 * region, its HwTask (publishing "waiting on lock X" while it sleeps on a lock), the
 * `arm_pmus` leaf reader for the design in force, its own lock_stat — and the comlink API
 * through which the coordinator starts it and collects its final report.
 */
import type { MessagePort } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { hwLockdep } from '../check/lockdep-shared.js';
import { LockStats } from '../check/lock-stat.js';
import { oracleOfError } from '../check/verdict.js';
import type { VcpuTraceEvent } from '../kvm/vcpu-state.js';
import { HwTask, runHw } from '../sync/hw.js';
import type { LockRef } from '../sync/lock.js';
import type { Op } from '../sync/seam.js';
import { EVENT_KIND, FlightRecorder, stepEventArg, stepEventKind } from './flight-recorder.js';
import { Control, STATUS, WAITING_GRACE_PERIOD } from './control.js';
import { readListAsWorker } from './leaf-reader.js';
import { threadNames, worldShapeOf, type ThreadApi, type ThreadReport, type WorkerJob } from './messages.js';
import { nodeEndpoint } from './node-endpoint.js';
import { World } from './world.js';

export interface ThreadContext {
  readonly world: World;
  readonly control: Control;
  readonly task: HwTask;
  readonly slot: number;
  /** This thread's lock_stat: written by it alone, read once its loop ended. */
  readonly lockStats: LockStats;
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
  const lockStats = new LockStats();
  const task = new HwTask(threadNames(job.scenario)[slot]!, slot, world.rcu, {
    onWait: (lock) => control.setStatus(slot, STATUS.WAITING, world.lockId(lock)),
    onAcquired: () => control.setStatus(slot, STATUS.RUNNING),
    onGracePeriod: () => {
      control.setStatus(slot, STATUS.WAITING, WAITING_GRACE_PERIOD);
      record(EVENT_KIND.GRACE_PERIOD_WAIT, 0);
    },
    onStep: (op) => record(stepEventKind(op), stepEventArg(op, lockId)),
  }, job.recordMode ? recorder.gate(slot) : undefined, hwLockdep(control.syncWords(), slot, { seed: job.scenario.seed, threads: threadNames(job.scenario), locks: world.locks }, (t) => (t as HwTask).steps, lockStats));
  // Record mode serialises leaf work already (and a leaf must never block holding the gate).
  readListAsWorker(world.host.list, task, job.recordMode);
  world.vcpus.forEach((vcpu, v) => {
    vcpu.trace = (event, arg) => record(VCPU_EVENT[event], v * 256 + arg);
  });
  return { world, control, task, slot, lockStats };
}

/**
 * Serves the coordinator's ThreadApi on `port` (the worker's parentPort). `run()` blocks the
 * worker in its loop — its event loop answers nothing else until the loop ends, which is
 * why everything live goes through shared memory — then answers with the final report and
 * lets the port go, so the worker exits once the answer is out.
 */
export function serveThread(port: MessagePort, ctx: ThreadContext, loop: () => Op<void>): void {
  const api: ThreadApi = {
    ready: () => {},
    run: () => {
      try {
        ctx.control.awaitStart();
        const failure = runThreadLoop(ctx, loop());
        return { slot: ctx.slot, lockStat: ctx.lockStats.rows(), ...(failure ? { failure } : {}) };
      } finally {
        port.unref(); // comlink posts the answer before the event loop can go idle
      }
    },
  };
  Comlink.expose(api, nodeEndpoint(port));
}

/** Runs a thread loop under the hw driver, online for RCU while it runs, offline once it is gone; what it threw, as data. */
function runThreadLoop(ctx: ThreadContext, loop: Op<void>): ThreadReport['failure'] {
  ctx.task.online();
  try {
    runHw(loop, ctx.task);
    return undefined;
  } catch (e) {
    return { oracle: oracleOfError(e), message: e instanceof Error ? e.message : String(e) };
  } finally {
    ctx.task.offline(); // gone, or going: no grace period may wait for this thread
  }
}
