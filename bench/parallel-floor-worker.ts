/** Worker entry of bench/scaling.ts's compute floor: a fixed loop of plain work, for `ms`. */
import { parentPort, workerData } from 'node:worker_threads';
import { computeLoop } from './scaling.js';

const { ms, start } = workerData as { ms: number; start: SharedArrayBuffer };
parentPort!.postMessage(computeLoop(ms, new Int32Array(start)));
