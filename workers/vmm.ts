/** Worker entry of a VMM thread (src/engine/vmm-main.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerJob } from '../src/engine/messages.js';
import { attachThread } from '../src/engine/thread-context.js';
import { vmmLoop } from '../src/engine/vmm-main.js';

const job = workerData as WorkerJob;
const ctx = attachThread(job);
parentPort!.postMessage({ type: 'ready' });
ctx.control.awaitStart();
vmmLoop(job, ctx);
