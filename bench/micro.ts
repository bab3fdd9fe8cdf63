/**
 * Single-thread micro figures with tinybench: each task runs a batch of BATCH operations
 * per call (a lone 20 ns operation is below the timer's resolution), and the figure is the
 * mean batch time divided by BATCH.
 */
import { Bench } from 'tinybench';

export const BATCH = 1000;

export interface MicroTask {
  name: string;
  /** Runs BATCH operations. */
  batch: () => void;
}

/** Mean nanoseconds per operation of each task. */
export async function measureMicro(tasks: readonly MicroTask[], timeMs: number): Promise<Map<string, number>> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 2) });
  for (const t of tasks) bench.add(t.name, t.batch);
  await bench.run();
  const out = new Map<string, number>();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== 'completed') throw new Error(`benchmark ${task.name} did not complete (${r.state})`);
    out.set(task.name, (r.period * 1e6) / BATCH);
  }
  return out;
}
