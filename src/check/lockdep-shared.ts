/**
 * Lockdep for hw threads, in the run's control region (engine/control.ts `syncWords`): one
 * word holds the whole class graph as an edge mask (25 edges, lockdep.ts `edgeBit`), and
 * each thread has its own slots — the origin of every edge it produced first — written with
 * plain stores, read by the coordinator after the workers stopped. lock_stat is each
 * thread's own (check/lock-stat.ts), reported back in its final report.
 *
 * Cost per acquisition: a known edge is one test of a thread-local mask; only an edge new
 * to the thread takes an atomic (Atomics.or on the shared mask), which also tells the
 * thread every edge the others added before it. Of two threads adding the two halves of a
 * cycle at once, the second of the two atomics sees the first's edge: the cycle is never
 * missed. lock_stat is plain float adds into the thread's own array; times are read only
 * at an acquisition and a release (and around a wait), not per step.
 */
import type { LockRef } from '../sync/lock.js';
import type { Task } from '../sync/task.js';
import { edgeBit, LockdepGraph, NCLASSES, type EdgeOrigin } from './lockdep.js';
import { LockdepValidator, type EdgeStore, type RawOrigin } from './lockdep-validator.js';
import { LockStats } from './lock-stat.js';

const NEDGES = NCLASSES * NCLASSES;
/** An origin: step + 1 (0: none), the lock taken (-1: synchronize_rcu), in a reader, held count, held ids. */
const ORIGIN_WORDS = 8;
const MAX_HELD = 4;
const SYNCHRONIZE = -1;

/** i32 words the control region reserves: the edge mask, then each thread's origins. */
export function lockdepWords(threads: number): number {
  return 1 + threads * NEDGES * ORIGIN_WORDS;
}

/** Where a run's lockdep words are. */
export interface SyncWords {
  readonly i32: Int32Array;
  /** The edge mask word; the threads' origin slots follow it. */
  readonly at: number;
  readonly threads: number;
}

/** What names a run's locks and threads. */
export interface RunNames {
  readonly seed: number;
  readonly threads: readonly string[];
  readonly locks: readonly LockRef[];
}

function originSlot(w: SyncWords, slot: number, edge: number): number {
  return w.at + 1 + (slot * NEDGES + edge) * ORIGIN_WORDS;
}

function readOrigin(w: SyncWords, names: RunNames, slot: number, edge: number): EdgeOrigin | undefined {
  const at = originSlot(w, slot, edge);
  const i32 = w.i32;
  if (i32[at] === 0) return undefined;
  const lockName = (id: number) => names.locks[id]?.name ?? `lock #${id}`;
  const held = Array.from({ length: i32[at + 3]! }, (_, k) => lockName(i32[at + 4 + k]!));
  if (i32[at + 2]) held.push('rcu_read_lock');
  const took = i32[at + 1]!;
  return { seed: names.seed, step: i32[at]! - 1, thread: names.threads[slot] ?? `thread ${slot}`, held, took: took === SYNCHRONIZE ? 'synchronize_rcu' : lockName(took) };
}

/** The edge's origin with the lowest step over the threads that produced it (steps are per thread). */
function firstOrigin(w: SyncWords, names: RunNames, edge: number): EdgeOrigin | undefined {
  let best: EdgeOrigin | undefined;
  for (let t = 0; t < w.threads; t++) {
    const o = readOrigin(w, names, t, edge);
    if (o && (!best || o.step < best.step)) best = o;
  }
  return best;
}

class SharedEdgeStore implements EdgeStore {
  /** The edges this thread has checked (the shared mask only grows). */
  private seen = 0;

  constructor(
    private readonly w: SyncWords,
    private readonly slot: number,
    private readonly names: RunNames,
  ) {}

  has(from: number, to: number): boolean {
    return (this.seen & edgeBit(from, to)) !== 0;
  }

  add(from: number, to: number, o: RawOrigin): number {
    const bit = edgeBit(from, to);
    this.seen |= bit;
    const i32 = this.w.i32;
    const at = originSlot(this.w, this.slot, from * NCLASSES + to);
    const held = o.held.slice(-MAX_HELD); // the innermost ones, if a thread ever held more
    i32[at + 1] = o.took ? this.names.locks.indexOf(o.took) : SYNCHRONIZE;
    i32[at + 2] = o.reader ? 1 : 0;
    i32[at + 3] = held.length;
    held.forEach((l, k) => (i32[at + 4 + k] = this.names.locks.indexOf(l)));
    i32[at] = o.step + 1;
    // Publishes the origin (written before) and learns every edge added before this one.
    return Atomics.or(i32, this.w.at, bit);
  }

  origin(from: number, to: number): EdgeOrigin | undefined {
    return firstOrigin(this.w, this.names, from * NCLASSES + to);
  }
}

/** The sync hook of hw thread `slot`: lockdep over the run's shared graph, lock_stat into the thread's own `stats`. */
export function hwLockdep(w: SyncWords, slot: number, names: RunNames, steps: (task: Task) => number, stats = new LockStats()): LockdepValidator {
  return new LockdepValidator({ edges: new SharedEdgeStore(w, slot, names), stats: () => stats, step: steps });
}

/** The run's graph, after its threads stopped (the coordinator's report). */
export function sharedLockdepGraph(w: SyncWords, names: RunNames): LockdepGraph {
  const g = new LockdepGraph();
  const mask = Atomics.load(w.i32, w.at);
  for (let e = 0; e < NEDGES; e++) {
    if ((mask & (1 << e)) === 0) continue;
    const o = firstOrigin(w, names, e);
    if (o) g.add(Math.floor(e / NCLASSES), e % NCLASSES, o);
  }
  return g;
}
