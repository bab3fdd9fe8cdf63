/**
 * A hand-driven stepper: several model operations ("threads") advanced one sync step at a
 * time in an order the caller gives, on one JS thread — the sim driver's machine
 * (`src/explore/sim.ts`) with the test as its strategy. A thread whose next step is a lock
 * held by another thread, or a grace period readers still hold up, is blocked and cannot be
 * stepped. The same operations run unchanged under `runDirect`; only the order differs.
 */
import { SimMachine } from '../explore/sim.js';
import type { Op } from './seam.js';

export class Stepper {
  private readonly sim = new SimMachine({ record: true });

  /** Labels of the steps performed, in order: "thread: kind[ target]". */
  get trace(): string[] {
    return this.sim.traceLines();
  }

  /** Adds a thread; returns its index. Nothing runs until it is stepped. */
  spawn<T>(name: string, op: Op<T>): number {
    return this.sim.spawn(name, op);
  }

  /** True while `index` can make progress (not finished, not blocked). */
  runnable(index: number): boolean {
    return this.sim.runnable(index);
  }

  /**
   * Advances thread `index` by one step: performs its pending sync op and runs the leaf work
   * up to its next yield (or its return). Throws if the thread is finished or blocked.
   */
  step(index: number): void {
    this.sim.step(index);
  }

  /** Steps threads in the given order (indices), then finishes all in index order. */
  run(order: readonly number[]): unknown[] {
    for (const i of order) this.step(i);
    return this.finish();
  }

  /** Runs every unfinished thread to completion, lowest runnable index first. */
  finish(): unknown[] {
    const runnable: number[] = [];
    for (;;) {
      if (this.sim.runnableInto(runnable) === 0) {
        const live = this.sim.live();
        if (live.length === 0) return this.sim.threads.map((t) => t.result);
        throw new Error(`stepper: deadlock: ${live.map((t) => `${t.task.name} ${this.sim.waitOf(t)}`).join('; ')}`);
      }
      this.sim.step(runnable[0]!);
    }
  }

  result(index: number): unknown {
    return this.sim.thread(index).result;
  }
}
