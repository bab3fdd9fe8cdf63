/**
 * A deterministic stepper: several model operations ("threads") advanced one sync step at
 * a time in an order the caller gives, on one JS thread. A thread whose next step is a
 * lock held by another thread is blocked and cannot be stepped. The same operations run
 * unchanged under `runDirect`; only the order of their steps differs.
 */
import type { Op, SyncOp } from './seam.js';
import { Task } from './task.js';

interface Thread<T = unknown> {
  readonly task: Task;
  readonly op: Op<T>;
  pending: SyncOp | undefined;
  done: boolean;
  result: T | undefined;
}

export class Stepper {
  private readonly threads: Thread[] = [];
  /** Labels of the steps performed, in order: "thread: kind[ target]". */
  readonly trace: string[] = [];

  /** Adds a thread; returns its index. Nothing runs until it is stepped. */
  spawn<T>(name: string, op: Op<T>): number {
    this.threads.push({ task: new Task(name), op, pending: undefined, done: false, result: undefined });
    return this.threads.length - 1;
  }

  /** True while `index` can make progress (not finished, not blocked). */
  runnable(index: number): boolean {
    const t = this.thread(index);
    this.prime(t);
    return !t.done && this.canPerform(t, t.pending!);
  }

  /** Locks must be free; a grace period needs every other thread out of its read-side section. */
  private canPerform(t: Thread, op: SyncOp): boolean {
    if (op.kind === 'synchronize-rcu') return this.threads.every((o) => o === t || o.task.rcuDepth === 0);
    return t.task.canPerform(op);
  }

  /**
   * Advances thread `index` by one step: performs its pending sync op and runs the leaf work
   * up to its next yield (or its return). Throws if the thread is finished or blocked.
   */
  step(index: number): void {
    const t = this.thread(index);
    if (t.done) throw new Error(`stepper: ${t.task.name} has finished`);
    this.prime(t);
    if (t.done) return;
    const op = t.pending!;
    if (!this.canPerform(t, op)) {
      const what = op.kind === 'lock' ? op.lock.name : 'a grace period (readers inside RCU sections)';
      throw new Error(`stepper: ${t.task.name} is blocked on ${what}`);
    }
    t.task.perform(op);
    this.trace.push(`${t.task.name}: ${describe(op)}`);
    t.pending = undefined;
    this.advance(t);
  }

  /** Steps threads in the given order (indices), then finishes all in index order. */
  run(order: readonly number[]): unknown[] {
    for (const i of order) this.step(i);
    return this.finish();
  }

  /** Runs every unfinished thread to completion, lowest runnable index first. */
  finish(): unknown[] {
    for (;;) {
      for (const t of this.threads) this.prime(t); // an op may finish without yielding at all
      const live = this.threads.map((_, i) => i).filter((i) => !this.thread(i).done);
      if (live.length === 0) return this.threads.map((t) => t.result);
      const next = live.find((i) => this.runnable(i));
      if (next === undefined) {
        const who = live.map((i) => {
          const t = this.thread(i);
          const op = t.pending;
          if (op?.kind === 'synchronize-rcu') return `${t.task.name} waits for a grace period`;
          const lock = op?.kind === 'lock' ? op.lock : undefined;
          return `${t.task.name} waits for ${lock?.name} (owner task ${lock?.owner()})`;
        });
        throw new Error(`stepper: deadlock: ${who.join('; ')}`);
      }
      this.step(next);
    }
  }

  result(index: number): unknown {
    return this.thread(index).result;
  }

  private thread(index: number): Thread {
    const t = this.threads[index];
    if (!t) throw new RangeError(`stepper: no thread ${index}`);
    return t;
  }

  /** Runs a fresh thread up to its first yield. */
  private prime(t: Thread): void {
    if (t.pending === undefined && !t.done) this.advance(t);
  }

  private advance(t: Thread): void {
    const r = t.op.next();
    if (r.done) {
      t.done = true;
      t.result = r.value;
      t.task.assertClean();
    } else {
      t.pending = r.value;
    }
  }
}

function describe(op: SyncOp): string {
  switch (op.kind) {
    case 'lock':
    case 'unlock':
      return `${op.kind} ${op.lock.name}`;
    case 'point':
      return `point ${op.label}`;
    default:
      return op.kind;
  }
}
