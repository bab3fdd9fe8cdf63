/**
 * The sim driver's machine: several threads — model operations or whole engine thread
 * loops — advanced one sync step at a time on one JS thread, in whatever order the caller
 * (a strategy, or a test through `Stepper`) picks. No real concurrency exists here: a step
 * is the thread's pending sync op performed, then its leaf work up to its next yield.
 *
 * When a thread can step (the same rules the hw driver blocks on, decided without waiting):
 * - `lock`: the lock is free (owner words hold the slot-based task ids, so the lock state is
 *   part of what a schedule replays);
 * - `park`: its word has moved on (a doorbell rang, the run stopped);
 * - `synchronize-rcu`: every reader that was inside a read-side section when the grace
 *   period began (when the thread yielded the step) has since left it. That is the
 *   definition of a grace period; the hw driver's quiescent-state RCU waits for a superset
 *   (every online thread passes a quiescent state), never for less.
 *
 * Every step is folded into a trace hash (thread, op identity), so two executions with the
 * same hash performed the same steps in the same order; `record` keeps the steps too, for
 * timelines. Each thread has a virtual clock advanced by nominal step costs; idling costs
 * nothing (a thread that parks or waits resumes at the clock of the thread that woke it).
 */
import { closeAbandoned, type Op, type SyncOp } from '../sync/seam.js';
import { Task } from '../sync/task.js';

export interface SimThread {
  readonly index: number;
  readonly task: Task;
  readonly op: Op<unknown>;
  pending: SyncOp | undefined;
  done: boolean;
  result: unknown;
  /** What escaped the thread's operation, if it died. */
  error: unknown;
  /** Times this thread left its outermost read-side section. */
  readExits: number;
  /** During a grace period: readExits of each reader it waits for, -1 for the others. */
  graceWaits: number[] | undefined;
  /** Virtual nanoseconds this thread has run. */
  clock: number;
}

/** Nominal virtual cost of a step, ns: a guest trap is an exit and an entry. */
const COST: Readonly<Record<SyncOp['kind'], number>> = {
  lock: 50,
  unlock: 30,
  'rcu-read-lock': 5,
  'rcu-read-unlock': 5,
  'synchronize-rcu': 2_000,
  point: 100,
  park: 0,
  quiescent: 10,
};
const TRAP_COST = 1_000;

const FNV_PRIME = 0x01000193;

export class SimMachine {
  readonly threads: SimThread[] = [];
  /** Steps performed so far. */
  steps = 0;
  /** The thread stepped last (-1 before the first step). */
  current = -1;
  /** Steps performed, when recording: thread index and op of each. */
  readonly recorded: { thread: number[]; op: SyncOp[] } | undefined;
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;
  private readonly opIds = new Map<unknown, number>();
  private lastClock = 0;

  /** The label of the guest-trap point, which costs a trap round trip in virtual time. */
  private readonly trapLabel: string | undefined;

  constructor(opts: { record?: boolean; trapLabel?: string } = {}) {
    this.recorded = opts.record ? { thread: [], op: [] } : undefined;
    this.trapLabel = opts.trapLabel;
  }

  /** Adds a thread; its task id (lock owner value) is its index + 1. Nothing runs until it is stepped. */
  spawn(name: string, op: Op<unknown>): number {
    const index = this.threads.length;
    this.threads.push({
      index,
      task: new Task(name, index + 1),
      op,
      pending: undefined,
      done: false,
      result: undefined,
      error: undefined,
      readExits: 0,
      graceWaits: undefined,
      clock: 0,
    });
    return index;
  }

  thread(index: number): SimThread {
    const t = this.threads[index];
    if (!t) throw new RangeError(`sim: no thread ${index}`);
    return t;
  }

  /** Runs a fresh thread up to its first yield (an op may also finish without yielding). */
  prime(t: SimThread): void {
    if (t.pending === undefined && !t.done) this.advance(t);
  }

  /** True while thread `index` can take its next step now. */
  runnable(index: number): boolean {
    const t = this.thread(index);
    this.prime(t);
    return !t.done && this.canPerform(t, t.pending!);
  }

  /** Fills `out` with the runnable threads' indices, lowest first; returns how many. */
  runnableInto(out: number[]): number {
    let n = 0;
    for (const t of this.threads) {
      if (t.pending === undefined && !t.done) this.prime(t);
      if (!t.done && this.canPerform(t, t.pending!)) out[n++] = t.index;
    }
    out.length = n;
    return n;
  }

  /** Unfinished threads. */
  live(): SimThread[] {
    return this.threads.filter((t) => !t.done);
  }

  private canPerform(t: SimThread, op: SyncOp): boolean {
    if (op.kind !== 'synchronize-rcu') return t.task.canPerform(op);
    const waits = t.graceWaits;
    if (!waits) return true;
    for (let j = 0; j < waits.length; j++) {
      const r = this.threads[j]!;
      if (waits[j]! >= 0 && !r.done && r.readExits === waits[j]) return false;
    }
    return true;
  }

  /**
   * Advances thread `index` by one step: performs its pending sync op and runs its leaf
   * work up to the next yield (or its end). An exception escaping the thread ends it: its
   * `finally` blocks run without their sync steps, its locks are given back, and the
   * exception is rethrown to the caller.
   */
  step(index: number): void {
    const t = this.thread(index);
    if (t.done) throw new Error(`sim: ${t.task.name} has finished`);
    this.prime(t);
    if (t.done) return;
    const op = t.pending!;
    if (!this.canPerform(t, op)) throw new Error(`sim: ${t.task.name} is ${this.waitOf(t)}`);
    // Waiting (a lock, a grace period, a doorbell) costs nothing: resume at the waker's time.
    if (op.kind === 'park' || op.kind === 'lock' || op.kind === 'synchronize-rcu') t.clock = Math.max(t.clock, this.lastClock);
    const depth = t.task.rcuDepth;
    try {
      t.task.perform(op);
    } catch (e) {
      this.kill(t, e);
      throw e;
    }
    if (depth > 0 && t.task.rcuDepth === 0) t.readExits++;
    t.graceWaits = undefined;
    t.clock += op.kind === 'point' && op.label === this.trapLabel ? TRAP_COST : COST[op.kind];
    this.lastClock = t.clock;
    this.fold(index, op);
    this.steps++;
    this.current = index;
    t.pending = undefined;
    this.advance(t);
  }

  /** The trace hash: 16 hex digits over every step so far (thread, op identity). */
  traceHash(): string {
    return (this.h1 >>> 0).toString(16).padStart(8, '0') + (this.h2 >>> 0).toString(16).padStart(8, '0');
  }

  /** What a blocked thread waits for, in words. */
  waitOf(t: SimThread): string {
    const op = t.pending;
    if (!op) return 'nothing';
    if (op.kind === 'lock') return `blocked on ${op.lock.name}, held by ${this.ownerName(op.lock.owner())}`;
    if (op.kind === 'park') return `parked (${op.label})`;
    if (op.kind === 'synchronize-rcu') {
      const readers = (t.graceWaits ?? []).flatMap((w, j) => (w >= 0 && this.threads[j]!.readExits === w && !this.threads[j]!.done ? [this.threads[j]!.task.name] : []));
      return `blocked on a grace period (readers still inside: ${readers.join(', ') || 'none'})`;
    }
    return `about to ${describeOp(op)}`;
  }

  /** The thread whose task id is `id`, by name. */
  ownerName(id: number): string {
    return this.threads[id - 1]?.task.name ?? (id === 0 ? 'nobody' : `task ${id}`);
  }

  private fold(thread: number, op: SyncOp): void {
    const key = op.kind === 'park' ? `park ${op.label}` : op;
    let id = this.opIds.get(key);
    if (id === undefined) {
      id = this.opIds.size + 1;
      this.opIds.set(key, id);
    }
    const x = (thread << 20) ^ id;
    this.h1 = Math.imul(this.h1 ^ x, FNV_PRIME);
    this.h2 = Math.imul(this.h2 ^ x ^ (this.h1 >>> 7), 0x5bd1e995);
    if (this.recorded) {
      this.recorded.thread.push(thread);
      this.recorded.op.push(op);
    }
  }

  private advance(t: SimThread): void {
    let r: IteratorResult<SyncOp, unknown>;
    try {
      r = t.op.next();
    } catch (e) {
      this.kill(t, e);
      throw e;
    }
    if (r.done) {
      t.done = true;
      t.result = r.value;
      t.task.assertClean();
      return;
    }
    t.pending = r.value;
    if (r.value.kind === 'synchronize-rcu') {
      // The grace period begins now: it waits for exactly the readers inside at this moment.
      t.graceWaits = this.threads.map((o) => (o !== t && !o.done && o.task.rcuDepth > 0 ? o.readExits : -1));
    }
  }

  private kill(t: SimThread, e: unknown): void {
    t.done = true;
    t.error = e;
    t.pending = undefined;
    closeAbandoned(t.op);
    t.task.abandon();
  }
}

/** "lock vm0 config_lock", "point arm_pmus: node", "park pcpu idle". */
export function describeOp(op: SyncOp): string {
  switch (op.kind) {
    case 'lock':
    case 'unlock':
      return `${op.kind} ${op.lock.name}`;
    case 'point':
    case 'park':
      return `${op.kind} ${op.label}`;
    default:
      return op.kind;
  }
}
