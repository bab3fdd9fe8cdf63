/** Worker entry of a physical CPU (src/engine/pcpu-main.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerJob } from '../src/engine/messages.js';
import { pcpuLoop } from '../src/engine/pcpu-main.js';
import { attachThread } from '../src/engine/thread-context.js';

const job = workerData as WorkerJob;
const ctx = attachThread(job);
parentPort!.postMessage({ type: 'ready' });
ctx.control.awaitStart();
pcpuLoop(job, ctx);
