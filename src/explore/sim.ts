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
 *
 * The step path is the sim's whole overhead over the model, so it is kept flat: when a
 * thread yields, what its op needs before it can be performed (its gate) and what it costs
 * are decided once; a runnable scan then costs a compare for a thread whose op needs
 * nothing and one shared-memory load for a thread gated on a lock or a park word (both
 * may be changed by any other thread's leaf work, so they are re-read, never cached), and
 * the trace hash finds an op's identity through a per-thread last-op cache before the map.
 *
 * Every thread's task reports to the machine's lockdep (one graph per execution, its edges
 * stamped with the execution's seed and the step number) and lock_stat, in virtual ns: a
 * lock is contended if it was held when the thread reached it (yielded the step), and the
 * wait is how far the thread's clock jumps when it gets it.
 */
import { GraphStore, LockdepValidator } from '../check/lockdep-validator.js';
import { LockdepGraph } from '../check/lockdep.js';
import { LockStats } from '../check/lock-stat.js';
import type { LockRef } from '../sync/lock.js';
import { closeAbandoned, parkOver, type Op, type SyncOp } from '../sync/seam.js';
import { setCurrentTask, Task } from '../sync/task.js';

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

/** A thread's gate: what its pending op needs before it can be performed. */
const GATE_UNPRIMED = 0; // not run to its first yield yet (or just stepped)
const GATE_FREE = 1; // nothing: unlock, rcu-read-lock/unlock, point, quiescent
const GATE_LOCK = 2; // the lock is free
const GATE_PARK = 3; // the word has moved on
const GATE_GRACE = 4; // the readers the grace period waits for have left
const GATE_DONE = 5; // finished or dead

/** The machine's own per-thread state next to what SimThread shows. */
interface Slot extends SimThread {
  gate: number;
  /** Virtual cost of the pending op, ns. */
  cost: number;
  /** The op this thread performed last and its trace id (ops are interned: threads repeat them). */
  lastOp: SyncOp | undefined;
  lastOpId: number;
  /** An operation run ahead of the thread's own (an injected migration), and the point it resumes at. */
  interposed: { readonly op: Op<void>; readonly resume: SyncOp } | undefined;
  /** Its pending lock was held when it reached it (lock_stat's contention). */
  contended: boolean;
}

export class SimMachine {
  private readonly slots: Slot[] = [];
  readonly threads: SimThread[] = this.slots;
  /** Steps performed so far. */
  steps = 0;
  /** The thread stepped last (-1 before the first step). */
  current = -1;
  /** Steps performed, when recording: thread index and op of each. */
  readonly recorded: { thread: number[]; op: SyncOp[] } | undefined;
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;
  /** Trace ids of ops by identity, and of per-use ops (parks, migratable points) by label. */
  private readonly opIds = new Map<SyncOp, number>();
  private readonly parkIds = new Map<string, number>();
  private nextOpId = 1;
  private lastClock = 0;

  /** The label of the guest-trap point, which costs a trap round trip in virtual time. */
  private readonly trapLabel: string | undefined;
  /** This execution's lock class dependencies (check/lockdep.ts). */
  readonly lockdep = new LockdepGraph();
  /** lock_stat figures of every thread, virtual ns. */
  readonly lockStats = new LockStats();
  private readonly validator: LockdepValidator;

  /** `seed` stamps the lockdep edges this execution produces. */
  constructor(opts: { record?: boolean; trapLabel?: string; seed?: number } = {}) {
    this.recorded = opts.record ? { thread: [], op: [] } : undefined;
    this.trapLabel = opts.trapLabel;
    this.validator = new LockdepValidator({ edges: new GraphStore(this.lockdep, opts.seed), stats: () => this.lockStats, step: () => this.steps });
  }

  /** Adds a thread; its task id (lock owner value) is its index + 1. Nothing runs until it is stepped. */
  spawn(name: string, op: Op<unknown>): number {
    const index = this.slots.length;
    const task = new Task(name, index + 1);
    task.hook = this.validator;
    this.slots.push({
      index,
      task,
      op,
      pending: undefined,
      done: false,
      result: undefined,
      error: undefined,
      readExits: 0,
      graceWaits: undefined,
      clock: 0,
      gate: GATE_UNPRIMED,
      cost: 0,
      lastOp: undefined,
      lastOpId: 0,
      interposed: undefined,
      contended: false,
    });
    return index;
  }

  /** True while thread `index` runs an interposed operation (an injected migration in progress). */
  isInterposed(index: number): boolean {
    return this.slot(index).interposed !== undefined;
  }

  /**
   * Runs `op` as thread `index`'s next steps, ahead of the point it is about to perform
   * (which must carry `migrate`); once `op` returns, the thread is back at that point.
   * `tag` (the target CPU) goes into the trace hash: two runs that differ only in it differ.
   */
  interpose(index: number, op: Op<void>, tag: number): void {
    const t = this.slot(index);
    const at = t.pending;
    if (t.interposed || at?.kind !== 'point' || !at.migrate) throw new Error(`sim: ${t.task.name} is not at a preemptible point, or already runs an interposed operation`);
    t.interposed = { op, resume: at };
    this.mix(index, tag);
    t.pending = undefined;
    t.gate = GATE_UNPRIMED;
    this.advance(t);
  }

  thread(index: number): SimThread {
    return this.slot(index);
  }

  private slot(index: number): Slot {
    const t = this.slots[index];
    if (!t) throw new RangeError(`sim: no thread ${index}`);
    return t;
  }

  /** Runs a fresh thread up to its first yield (an op may also finish without yielding). */
  prime(t: SimThread): void {
    const s = this.slots[t.index]!;
    if (s.gate === GATE_UNPRIMED) this.advance(s);
  }

  /** True while thread `index` can take its next step now. */
  runnable(index: number): boolean {
    const t = this.slot(index);
    if (t.gate === GATE_UNPRIMED) this.advance(t);
    return this.canStep(t);
  }

  /** Fills `out` with the runnable threads' indices, lowest first; returns how many. */
  runnableInto(out: number[]): number {
    const slots = this.slots;
    let n = 0;
    for (let i = 0; i < slots.length; i++) {
      const t = slots[i]!;
      if (t.gate === GATE_UNPRIMED) this.advance(t);
      if (t.gate === GATE_FREE || this.canStep(t)) out[n++] = i;
    }
    if (out.length !== n) out.length = n;
    return n;
  }

  /** Unfinished threads. */
  live(): SimThread[] {
    return this.threads.filter((t) => !t.done);
  }

  /**
   * Whether a primed thread's pending op can be performed now: the rules of
   * `Task.canPerform` (a free lock, a moved park word) and the grace-period rule, by gate.
   */
  private canStep(t: Slot): boolean {
    switch (t.gate) {
      case GATE_FREE:
        return true;
      case GATE_LOCK:
        return !(t.pending as { readonly lock: LockRef }).lock.isHeld();
      case GATE_PARK:
        return parkOver(t.pending as SyncOp & { kind: 'park' });
      case GATE_GRACE: {
        const waits = t.graceWaits;
        if (!waits) return true;
        for (let j = 0; j < waits.length; j++) {
          const r = this.slots[j]!;
          if (waits[j]! >= 0 && !r.done && r.readExits === waits[j]) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * Advances thread `index` by one step: performs its pending sync op and runs its leaf
   * work up to the next yield (or its end). An exception escaping the thread ends it: its
   * `finally` blocks run without their sync steps, its locks are given back, and the
   * exception is rethrown to the caller.
   */
  step(index: number): void {
    const t = this.slot(index);
    if (t.done) throw new Error(`sim: ${t.task.name} has finished`);
    if (t.gate === GATE_UNPRIMED) {
      this.advance(t);
      if (t.done) return;
    }
    const op = t.pending!;
    if (!this.canStep(t)) throw new Error(`sim: ${t.task.name} is ${this.waitOf(t)}`);
    // Waiting (a lock, a grace period, a doorbell) costs nothing: resume at the waker's time.
    if (t.gate !== GATE_FREE) {
      const jump = Math.max(0, this.lastClock - t.clock);
      if (t.gate === GATE_GRACE || (t.gate === GATE_LOCK && t.contended)) t.task.waited = jump;
      t.clock += jump;
    }
    t.task.now = t.clock;
    const depth = t.task.rcuDepth;
    try {
      t.task.perform(op);
    } catch (e) {
      this.kill(t, e);
      throw e;
    }
    if (depth > 0 && t.task.rcuDepth === 0) t.readExits++;
    t.graceWaits = undefined;
    t.clock += t.cost;
    this.lastClock = t.clock;
    this.fold(t, op);
    this.steps++;
    this.current = index;
    t.pending = undefined;
    t.gate = GATE_UNPRIMED;
    this.advance(t);
  }

  /** Folds a value that is not a step (an interposition's tag) into the trace hash. */
  private mix(thread: number, value: number): void {
    const x = (thread << 20) ^ 0x80000 ^ value;
    this.h1 = Math.imul(this.h1 ^ x, FNV_PRIME);
    this.h2 = Math.imul(this.h2 ^ x ^ (this.h1 >>> 7), 0x5bd1e995);
  }

  /** The recorded steps as "thread: step" lines (empty when not recording). */
  traceLines(): string[] {
    const r = this.recorded;
    return r ? r.thread.map((t, k) => `${this.slots[t]!.task.name}: ${describeOp(r.op[k]!)}`) : [];
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
      const readers = this.graceReaders(t).map((r) => r.task.name);
      return `blocked on a grace period (readers still inside: ${readers.join(', ') || 'none'})`;
    }
    return `about to ${describeOp(op)}`;
  }

  /** The readers a thread's grace period still waits for: inside when it began, not out since. */
  graceReaders(t: SimThread): SimThread[] {
    return (t.graceWaits ?? []).flatMap((w, j) => {
      const r = this.threads[j]!;
      return w >= 0 && !r.done && r.readExits === w ? [r] : [];
    });
  }

  /** The thread whose task id is `id`, by name. */
  ownerName(id: number): string {
    return this.threads[id - 1]?.task.name ?? (id === 0 ? 'nobody' : `task ${id}`);
  }

  /**
   * Folds a step into the trace hash. An op's id is the order of its first appearance in
   * the execution; park steps (allocated per park) are identified by their label.
   */
  private fold(t: Slot, op: SyncOp): void {
    const thread = t.index;
    let id = t.lastOpId;
    if (op !== t.lastOp) {
      // Parks, and trap points that carry a migration, are allocated per use: keyed by label.
      const park = t.gate === GATE_PARK || (op.kind === 'point' && op.migrate) ? (op as { readonly label: string }).label : undefined;
      const found = park === undefined ? this.opIds.get(op) : this.parkIds.get(park);
      if (found !== undefined) id = found;
      else {
        id = this.nextOpId++;
        if (park === undefined) this.opIds.set(op, id);
        else this.parkIds.set(park, id);
      }
      t.lastOp = op;
      t.lastOpId = id;
    }
    const x = (thread << 20) ^ id;
    this.h1 = Math.imul(this.h1 ^ x, FNV_PRIME);
    this.h2 = Math.imul(this.h2 ^ x ^ (this.h1 >>> 7), 0x5bd1e995);
    if (this.recorded) {
      this.recorded.thread.push(thread);
      this.recorded.op.push(op);
    }
  }

  /** Runs the thread's leaf work up to its next yield; gates and costs the op it yields. */
  private advance(t: Slot): void {
    let r: IteratorResult<SyncOp, unknown>;
    const outer = setCurrentTask(t.task); // the leaf work runs as this thread (assertHeld, rcu_dereference)
    try {
      r = t.interposed ? this.advanceInterposed(t) : t.op.next();
    } catch (e) {
      this.kill(t, e);
      throw e;
    } finally {
      setCurrentTask(outer);
    }
    if (r.done) {
      t.done = true;
      t.gate = GATE_DONE;
      t.result = r.value;
      t.task.assertClean();
      return;
    }
    const op = r.value;
    t.pending = op;
    switch (op.kind) {
      case 'lock':
        t.gate = GATE_LOCK;
        t.contended = op.lock.isHeld();
        break;
      case 'park':
        t.gate = GATE_PARK;
        break;
      case 'synchronize-rcu':
        t.gate = GATE_GRACE;
        // The grace period begins now: it waits for exactly the readers inside at this moment.
        t.graceWaits = this.slots.map((o) => (o !== t && !o.done && o.task.rcuDepth > 0 ? o.readExits : -1));
        break;
      case 'point':
        t.gate = GATE_FREE;
        t.cost = op.label === this.trapLabel ? TRAP_COST : COST.point;
        return;
      default:
        t.gate = GATE_FREE;
    }
    t.cost = COST[op.kind];
  }

  /**
   * The interposed operation's next step; when it returns, the thread is back at the point
   * it ran ahead of; when it throws, the exception surfaces in the thread's own operation at
   * that point (a migration whose entry check fails ends the KVM_RUN there).
   */
  private advanceInterposed(t: Slot): IteratorResult<SyncOp, unknown> {
    const { op, resume } = t.interposed!;
    let r: IteratorResult<SyncOp, void>;
    try {
      r = op.next();
    } catch (e) {
      t.interposed = undefined;
      return t.op.throw(e);
    }
    if (!r.done) return r;
    t.interposed = undefined;
    return { done: false, value: resume };
  }

  private kill(t: Slot, e: unknown): void {
    t.done = true;
    t.gate = GATE_DONE;
    t.error = e;
    t.pending = undefined;
    const outer = setCurrentTask(t.task);
    if (t.interposed) closeAbandoned(t.interposed.op);
    t.interposed = undefined;
    closeAbandoned(t.op);
    setCurrentTask(outer);
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
