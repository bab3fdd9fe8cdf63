/** Worker entry: runs one synchronisation probe (src/engine/probes.ts) and posts its result. */
import { parentPort, workerData } from 'node:worker_threads';
import { runProbe, type ProbeJob } from '../src/engine/probes.js';

const { job, stop } = workerData as { job: ProbeJob; stop: SharedArrayBuffer };
parentPort!.postMessage(runProbe(job, new Int32Array(stop)));
