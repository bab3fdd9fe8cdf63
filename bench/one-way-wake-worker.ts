/** Worker entry of bench/one-way-wake.ts. */
import { workerData } from 'node:worker_threads';
import { runWakeRole, type WakeJob } from './one-way-wake.js';

runWakeRole(workerData as WakeJob);
