/** Worker entry of a physical CPU: the pCPU loop (src/engine/pcpu-loop.ts) under the hw driver. */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerJob } from '../src/engine/messages.js';
import { HW_PUBLISH_EVERY, HW_TRAP_BATCH, pcpuLoop } from '../src/engine/pcpu-loop.js';
import { attachThread, serveThread } from '../src/engine/thread-context.js';

const job = workerData as WorkerJob;
const ctx = attachThread(job);
serveThread(parentPort!, ctx, () => pcpuLoop(job.scenario, ctx.world, ctx.control, ctx.slot, { trapEvery: HW_TRAP_BATCH, publishEvery: HW_PUBLISH_EVERY }));
