/**
 * Single-thread micro figures with tinybench: each task runs a batch of BATCH operations
 * per call (a lone 20 ns operation is below the timer's resolution). Every task is measured
 * in `rounds` repetitions — each a tinybench run of all tasks in turn, so machine drift hits
 * every task alike — and a repetition's value is tinybench's mean batch time over BATCH.
 * The figure is the median of the repetitions with their min and max.
 */
import { Bench } from 'tinybench';
import { figureOf, type Figure } from './sim-step.js';

export const BATCH = 1000;

export interface MicroTask {
  name: string;
  /** Runs BATCH operations. */
  batch: () => void;
}

/** Mean ns per operation of each task, one tinybench run (bench/partition.ts repeats it itself). */
export async function measureMicro(tasks: readonly MicroTask[], timeMs: number, warmupMs = Math.min(100, timeMs / 2)): Promise<Map<string, number>> {
  const bench = new Bench({ time: timeMs, warmupTime: warmupMs });
  for (const t of tasks) bench.add(t.name, t.batch);
  await bench.run();
  const out = new Map<string, number>();
  for (const task of bench.tasks) {
    const res = task.result;
    if (res.state !== 'completed') throw new Error(`benchmark ${task.name} did not complete (${res.state})`);
    out.set(task.name, (res.period * 1e6) / BATCH);
  }
  return out;
}

/** ns per operation of each task: median (min–max) over `rounds` repetitions of `timeMs` each. */
export async function measureMicroFigures(tasks: readonly MicroTask[], timeMs: number, rounds: number): Promise<Map<string, Figure>> {
  if (rounds < 5) throw new RangeError(`micro: ${rounds} repetitions; a figure needs at least 5`);
  const samples = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  for (let r = 0; r < rounds; r++) {
    const ns = await measureMicro(tasks, timeMs, r === 0 ? Math.min(100, timeMs) : Math.min(10, timeMs / 4));
    for (const [name, v] of ns) samples.get(name)!.push(v);
  }
  return new Map([...samples].map(([name, s]) => [name, figureOf(s)]));
}
