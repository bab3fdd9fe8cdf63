/**
 * Main-thread side of the synchronisation probes: start one worker per job, let them run
 * (setting the shared stop flag after `stopAfterMs` for open-ended jobs), collect results.
 * A worker that throws or exits early rejects with the job it was running.
 */
import { Worker } from 'node:worker_threads';
import type { ProbeJob, ProbeResult } from './probes.js';
import { STOP } from './probes.js';
import { workerPath } from './worker-path.js';

export async function runProbes(jobs: readonly ProbeJob[], stopAfterMs = 0): Promise<ProbeResult[]> {
  const stop = new SharedArrayBuffer(4);
  const file = workerPath('probe');
  const results = jobs.map(
    (job) =>
      new Promise<ProbeResult>((resolve, reject) => {
        const w = new Worker(file, { workerData: { job, stop } });
        let got: ProbeResult | undefined;
        w.once('message', (r: ProbeResult) => (got = r));
        w.once('error', (e) => reject(new Error(`${job.kind} worker failed: ${e.message}`)));
        w.once('exit', (code) =>
          got ? resolve(got) : reject(new Error(`${job.kind} worker exited (code ${code}) without a result`)),
        );
      }),
  );
  const timer = stopAfterMs > 0 ? setTimeout(() => Atomics.store(new Int32Array(stop), STOP, 1), stopAfterMs) : undefined;
  try {
    return await Promise.all(results);
  } finally {
    if (timer) clearTimeout(timer);
    Atomics.store(new Int32Array(stop), STOP, 1);
  }
}
