/**
 * The flight recorder: every engine thread logs every seam step it performs — lock, unlock,
 * RCU read-side enter/exit, grace period, point, park, quiescent state — and the model's
 * request raise/service and vcpu_load/put into its own ring in shared memory. Ring slots
 * and the thread's write index are plain stores: only the owning thread writes them, and
 * the coordinator reads them only after the workers stopped.
 *
 * Each event carries a sequence number (`seq`), by which the threads' rings are merged:
 * - record mode (`run --record`, a thread that took its side of the gate): one global
 *   sequence, an atomic add per event — the total order a replay of the log follows;
 * - otherwise each thread numbers its own events (a plain add: no shared cache line per
 *   event), and every SYNC_EVERY events raises a global clock word to its own number or
 *   catches up with it, a compare-and-swap once in a while. The numbers of different
 *   threads then follow real time to within about SYNC_EVERY events: the merged tail of a
 *   failure report is in the order things happened, give or take a few steps between threads.
 */
import { LayoutBuilder, type Region } from '../mem/region.js';
import type { StepGate } from '../sync/hw.js';
import type { LockRef } from '../sync/lock.js';
import { labelId, type SyncOp } from '../sync/seam.js';

export const EVENT_KIND = Object.freeze({
  LOCK: 1,
  UNLOCK: 2,
  RCU_ENTER: 3,
  RCU_EXIT: 4,
  GRACE_PERIOD: 5,
  REQUEST_RAISE: 6,
  REQUEST_SERVICE: 7,
  LOAD: 8,
  PUT: 9,
  GRACE_PERIOD_WAIT: 10,
  POINT: 11,
  PARK: 12,
  QUIESCENT: 13,
});
/** The kinds that are seam steps (one sim step each); the others annotate. */
export const STEP_KINDS: ReadonlySet<number> = new Set([
  EVENT_KIND.LOCK,
  EVENT_KIND.UNLOCK,
  EVENT_KIND.RCU_ENTER,
  EVENT_KIND.RCU_EXIT,
  EVENT_KIND.GRACE_PERIOD,
  EVENT_KIND.POINT,
  EVENT_KIND.PARK,
  EVENT_KIND.QUIESCENT,
]);
const KIND_NAMES = [
  '?',
  'lock',
  'unlock',
  'rcu_read_lock',
  'rcu_read_unlock',
  'synchronize_rcu done',
  'raise request',
  'service request',
  'vcpu_load',
  'vcpu_put',
  'synchronize_rcu waits',
  'point',
  'park',
  'quiescent',
];
export const eventKindName = (kind: number): string => KIND_NAMES[kind] ?? String(kind);

/** The event kind a seam step is logged as. */
export function stepEventKind(op: SyncOp): number {
  switch (op.kind) {
    case 'point':
      return EVENT_KIND.POINT;
    case 'lock':
      return EVENT_KIND.LOCK;
    case 'unlock':
      return EVENT_KIND.UNLOCK;
    case 'rcu-read-lock':
      return EVENT_KIND.RCU_ENTER;
    case 'rcu-read-unlock':
      return EVENT_KIND.RCU_EXIT;
    case 'quiescent':
      return EVENT_KIND.QUIESCENT;
    case 'park':
      return EVENT_KIND.PARK;
    case 'synchronize-rcu':
      return EVENT_KIND.GRACE_PERIOD;
  }
}

/** The event argument of a seam step: the lock's id, the point's or park's label id, else 0. */
export function stepEventArg(op: SyncOp, lockId: (lock: LockRef) => number): number {
  if (op.kind === 'point') return op.id ?? labelId(op.label); // interned points carry their id
  if (op.kind === 'lock' || op.kind === 'unlock') return lockId(op.lock);
  if (op.kind === 'park') return labelId(op.label);
  return 0;
}

/** Ring entries per thread for failure reports; `run --record` asks for many more. */
export const RING_ENTRIES = 256;
const ENTRY_WORDS = 3; // seq, kind, arg
/** Outside record mode, a thread meets the global clock word every this many events. */
export const SYNC_EVERY = 16;

export interface RecorderEvent {
  seq: number;
  thread: number;
  kind: number;
  arg: number;
}

export class FlightRecorder {
  private readonly i32: Int32Array;
  private readonly seq: number; // index of the global sequence word (record mode) or clock (otherwise)
  private readonly gateAt: number; // record mode's gate: 0 free, else the holder's slot + 1
  private readonly orderedAt: number; // per thread: 1 once it took its side of the gate (record mode)
  private readonly heads: number;
  private readonly rings: number;

  private constructor(
    readonly threads: number,
    /** Ring entries per thread. */
    readonly entries: number,
    readonly region: Region,
  ) {
    this.i32 = region.i32;
    const o = FlightRecorder.offsets(threads, entries);
    this.seq = o.seq;
    this.gateAt = o.gate;
    this.orderedAt = o.ordered;
    this.heads = o.heads;
    this.rings = o.rings;
  }

  private static offsets(threads: number, entries: number) {
    const L = new LayoutBuilder();
    return {
      seq: L.i32(),
      gate: L.i32(),
      ordered: L.i32(threads),
      heads: L.i32(threads),
      rings: L.i32(threads * entries * ENTRY_WORDS),
      layout: L.build(),
    };
  }

  static create(threads: number, entries = RING_ENTRIES): FlightRecorder {
    return new FlightRecorder(threads, entries, FlightRecorder.offsets(threads, entries).layout.allocate(true));
  }

  static attach(threads: number, entries: number, buffer: SharedArrayBuffer): FlightRecorder {
    return new FlightRecorder(threads, entries, FlightRecorder.offsets(threads, entries).layout.view(buffer));
  }

  get buffer(): SharedArrayBuffer {
    return this.region.buffer as SharedArrayBuffer;
  }

  /**
   * The logging function of thread `t` (call it from that thread only). It numbers events
   * from the global sequence once the thread took its side of record mode's gate (`gate(t)`,
   * which may come after this call), else by its own count (see the file comment).
   */
  writer(t: number): (kind: number, arg: number) => void {
    const i32 = this.i32;
    const seqAt = this.seq;
    const orderedAt = this.orderedAt + t;
    const headAt = this.heads + t;
    const entries = this.entries;
    const ring = this.rings + t * entries * ENTRY_WORDS;
    // This thread's own numbering (only this thread reads and writes these).
    let head = i32[headAt]!;
    let slot = head % entries;
    let own = 0;
    return (kind, arg) => {
      const at = ring + slot * ENTRY_WORDS;
      if (i32[orderedAt] !== 0) {
        i32[at] = Atomics.add(i32, seqAt, 1) + 1; // record mode: the total order
      } else {
        own = (own + 1) | 0;
        if ((own & (SYNC_EVERY - 1)) === 0) own = meetClock(i32, seqAt, own);
        i32[at] = own;
      }
      i32[at + 1] = kind;
      i32[at + 2] = arg;
      i32[headAt] = ++head;
      if (++slot === entries) slot = 0;
    };
  }

  /**
   * Thread `t`'s side of record mode's gate (hw.ts StepGate): a futex mutex whose word holds
   * the holder, so an exit by a thread that does not hold it (it threw while blocked) is a
   * no-op rather than a release of someone else's hold. Taking it puts the thread's writer
   * on the global sequence.
   */
  gate(t: number): StepGate {
    const i32 = this.i32;
    const at = this.gateAt;
    const me = t + 1;
    i32[this.orderedAt + t] = 1; // written and read by thread t only
    return {
      enter: () => {
        for (let cur = Atomics.compareExchange(i32, at, 0, me); cur !== 0; cur = Atomics.compareExchange(i32, at, 0, me)) Atomics.wait(i32, at, cur, 50);
      },
      exit: () => {
        if (Atomics.compareExchange(i32, at, me, 0) === me) Atomics.notify(i32, at, 1);
      },
    };
  }

  /**
   * The last sequence number handed out (outside record mode: the highest any thread logged
   * so far): take it when a failure is detected.
   */
  sequence(): number {
    let last = Atomics.load(this.i32, this.seq);
    for (let t = 0; t < this.threads; t++) {
      if (Atomics.load(this.i32, this.orderedAt + t) !== 0) return last; // record mode: the global sequence
    }
    // Each thread's own numbering: the furthest any thread got (its latest event).
    for (let t = 0; t < this.threads; t++) {
      const head = Atomics.load(this.i32, this.heads + t);
      if (head === 0) continue;
      const seq = this.i32[this.rings + (t * this.entries + ((head - 1) % this.entries)) * ENTRY_WORDS]!;
      if (((seq - last) | 0) > 0) last = seq;
    }
    return last;
  }

  /** Thread `t`'s events still in its ring, oldest first. */
  ring(t: number): RecorderEvent[] {
    const head = this.i32[this.heads + t]!;
    const events: RecorderEvent[] = [];
    for (let k = Math.max(0, head - this.entries); k < head; k++) {
      const at = this.rings + (t * this.entries + (k % this.entries)) * ENTRY_WORDS;
      events.push({ seq: this.i32[at]!, thread: t, kind: this.i32[at + 1]!, arg: this.i32[at + 2]! });
    }
    return events;
  }

  /** Events thread `t` logged that its ring no longer holds. */
  lost(t: number): number {
    return Math.max(0, this.i32[this.heads + t]! - this.entries);
  }

  /**
   * The last `n` events of all threads up to sequence number `upTo`, in global order, plus
   * at least the last `own` events of thread `thread` (the one that failed). Read after the
   * threads stopped, so no slot is half-written; events after `upTo` (what threads did
   * while stopping) are left out. Sequence numbers are 32-bit and compared modulo 2^32.
   */
  tail(n: number, upTo: number, thread = -1, own = 8): RecorderEvent[] {
    const back = (seq: number) => (upTo - seq) >>> 0; // how far before `upTo`
    const events: RecorderEvent[] = [];
    for (let t = 0; t < this.threads; t++) for (const e of this.ring(t)) if (back(e.seq) < 2 ** 31) events.push(e);
    events.sort((a, b) => back(b.seq) - back(a.seq));
    const last = events.slice(-n);
    const mine = events.filter((e) => e.thread === thread).slice(-own).filter((e) => !last.includes(e));
    return [...mine, ...last].sort((a, b) => back(b.seq) - back(a.seq));
  }
}

/**
 * Outside record mode: a thread's own number `own` meets the global clock word — the clock
 * is raised to it if behind (a CAS, so it never goes back), or the thread catches up with
 * it. Returns the thread's number from here on. Sequence numbers compare modulo 2^32.
 */
function meetClock(i32: Int32Array, at: number, own: number): number {
  for (;;) {
    const clock = Atomics.load(i32, at);
    if (((clock - own) | 0) >= 0) return clock; // ahead of us (or level): catch up
    if (Atomics.compareExchange(i32, at, clock, own) === clock) return own;
  }
}

/** "#1234 pcpu3 lock vm0 config_lock" — `describeArg` names locks and vCPUs. */
export function formatEvent(e: RecorderEvent, names: readonly string[], describeArg: (kind: number, arg: number) => string): string {
  return `#${e.seq} ${names[e.thread] ?? `thread ${e.thread}`} ${eventKindName(e.kind)} ${describeArg(e.kind, e.arg)}`.trimEnd();
}
