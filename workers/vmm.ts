/** Worker entry of a VMM thread: the VMM loop (src/engine/vmm-loop.ts) under the hw driver. */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerJob } from '../src/engine/messages.js';
import { attachThread, serveThread } from '../src/engine/thread-context.js';
import { vmmLoop } from '../src/engine/vmm-loop.js';

const job = workerData as WorkerJob;
const ctx = attachThread(job);
serveThread(parentPort!, ctx, () => vmmLoop(job.scenario, ctx.world, ctx.control, ctx.slot));
