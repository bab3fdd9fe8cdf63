/**
 * The flight recorder: every engine thread logs its synchronisation events — lock, unlock,
 * RCU read-side enter/exit, grace period, request raise/service, vcpu_load/put — into its
 * own ring in shared memory. Cost per event: one atomic operation (the global sequence
 * number that orders events across threads); the ring slot and the thread's write index
 * are plain stores, since only the owning thread writes them and the coordinator reads
 * them only after the workers stopped. On a failure the merged, ordered tail is printed.
 */
import { LayoutBuilder, type Region } from '../mem/region.js';

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
});
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
];

export const RING_ENTRIES = 256;
const ENTRY_WORDS = 3; // seq, kind, arg

export interface RecorderEvent {
  seq: number;
  thread: number;
  kind: number;
  arg: number;
}

export class FlightRecorder {
  private readonly i32: Int32Array;
  private readonly seq: number; // index of the global sequence word
  private readonly heads: number;
  private readonly rings: number;

  private constructor(
    readonly threads: number,
    readonly region: Region,
  ) {
    this.i32 = region.i32;
    const o = FlightRecorder.offsets(threads);
    this.seq = o.seq;
    this.heads = o.heads;
    this.rings = o.rings;
  }

  private static offsets(threads: number) {
    const L = new LayoutBuilder();
    return { seq: L.i32(), heads: L.i32(threads), rings: L.i32(threads * RING_ENTRIES * ENTRY_WORDS), layout: L.build() };
  }

  static create(threads: number): FlightRecorder {
    return new FlightRecorder(threads, FlightRecorder.offsets(threads).layout.allocate(true));
  }

  static attach(threads: number, buffer: SharedArrayBuffer): FlightRecorder {
    return new FlightRecorder(threads, FlightRecorder.offsets(threads).layout.view(buffer));
  }

  get buffer(): SharedArrayBuffer {
    return this.region.buffer as SharedArrayBuffer;
  }

  /** The logging function of thread `t` (call it from that thread only). */
  writer(t: number): (kind: number, arg: number) => void {
    const i32 = this.i32;
    const seqAt = this.seq;
    const headAt = this.heads + t;
    const ring = this.rings + t * RING_ENTRIES * ENTRY_WORDS;
    return (kind, arg) => {
      const head = i32[headAt]!;
      const at = ring + (head % RING_ENTRIES) * ENTRY_WORDS;
      i32[at] = Atomics.add(i32, seqAt, 1) + 1; // the one atomic operation
      i32[at + 1] = kind;
      i32[at + 2] = arg;
      i32[headAt] = head + 1;
    };
  }

  /** The last sequence number handed out: take it when a failure is detected. */
  sequence(): number {
    return Atomics.load(this.i32, this.seq);
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
    for (let t = 0; t < this.threads; t++) {
      const head = this.i32[this.heads + t]!;
      for (let k = Math.max(0, head - RING_ENTRIES); k < head; k++) {
        const at = this.rings + (t * RING_ENTRIES + (k % RING_ENTRIES)) * ENTRY_WORDS;
        const e = { seq: this.i32[at]!, thread: t, kind: this.i32[at + 1]!, arg: this.i32[at + 2]! };
        if (back(e.seq) < 2 ** 31) events.push(e);
      }
    }
    events.sort((a, b) => back(b.seq) - back(a.seq));
    const last = events.slice(-n);
    const mine = events.filter((e) => e.thread === thread).slice(-own).filter((e) => !last.includes(e));
    return [...mine, ...last].sort((a, b) => back(b.seq) - back(a.seq));
  }
}

/** "#1234 pcpu3 lock vm0 config_lock" — `describeArg` names locks and vCPUs. */
export function formatEvent(e: RecorderEvent, names: readonly string[], describeArg: (kind: number, arg: number) => string): string {
  return `#${e.seq} ${names[e.thread] ?? `thread ${e.thread}`} ${KIND_NAMES[e.kind] ?? e.kind} ${describeArg(e.kind, e.arg)}`.trimEnd();
}
