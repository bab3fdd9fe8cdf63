/**
 * Lockdep for the emulator: the class-level lock dependency graph (issue 7, "Lockdep for
 * the emulator"). Nodes are lock classes — `kvm->lock`, `vcpu->mutex`, `config_lock`,
 * `arm_pmus_lock` and `rcu` (the RCU read side) — and an edge A → B says some thread took a
 * lock of class B while holding one of class A (or, into `rcu`, waited for a grace period
 * holding A; out of `rcu`, took B inside a read-side section). Every edge keeps where it was
 * first produced: the run's seed (and, in a campaign, the execution's index), the step, the
 * thread, the locks it held and the one it took — so a cycle names both chains with their
 * seeds even when the two orders happened in different runs, which the kernel's lockdep
 * (one boot, one graph) cannot say.
 *
 * Campaign wiring (the API the explore/merge code uses):
 * - each sim execution's graph is `Execution.lockdep` (explore/execution.ts); each hw run's
 *   is `RunReport.lockdep` as JSON (`LockdepGraph.fromJSON(report.lockdep)`);
 * - `campaign.merge(execution.lockdep)` folds one in (set `run` on the graph first, or pass
 *   it to `merge`, when the execution's index in the campaign is known); merging keeps, per
 *   edge, the earliest origin by (run, seed, step), so merging the graphs of N shards gives
 *   the graph of the unsharded campaign over the same executions, in any order;
 * - `toJSON()` / `LockdepGraph.fromJSON()` carry a graph between workers, shard files and
 *   `vpmu-lab merge`; `cycles()` lists every elementary cycle (observed edges only, so each
 *   edge has its seed); `formatLockdep(graph)` / `formatCycle(cycle)` give the text report.
 *
 * The order spec §5.1 declares (kvm->lock → vcpu->mutex → config_lock → arm_pmus_lock) is
 * known to every validator from the start, as kvm_arch_init_vm primes the kernel's lockdep
 * with kvm->lock → config_lock: one run that takes two classes against it is reported at
 * once (check/lockdep-validator.ts); the text report marks an observed edge against it.
 */
import { LOCK_CLASSES, type LockClass } from '../sync/lock.js';

/** The lock classes (sync/lock.ts, whose indices `LockRef.classId` holds) and the RCU read side. */
export const LOCKDEP_CLASSES = [...LOCK_CLASSES, 'rcu'] as const;
export type LockdepClass = (typeof LOCKDEP_CLASSES)[number];
export const NCLASSES = LOCKDEP_CLASSES.length;
/** The RCU read side's class index. */
export const RCU_CLASS = LOCK_CLASSES.length;

export function classIndex(cls: LockClass): number {
  return LOCK_CLASSES.indexOf(cls);
}

/** An edge as one bit of a 25-bit mask (from × 5 + to): the whole graph fits one word. */
export function edgeBit(from: number, to: number): number {
  return 1 << (from * NCLASSES + to);
}

/** Spec §5.1's order among the four lock classes, as edges: every earlier class → every later one. */
export const DECLARED_MASK: number = (() => {
  let m = 0;
  for (let a = 0; a < RCU_CLASS; a++) for (let b = a + 1; b < RCU_CLASS; b++) m |= edgeBit(a, b);
  return m;
})();

/** Where an edge was first produced. */
export interface EdgeOrigin {
  /** The run's seed (sim: the execution's; hw: the scenario's); absent for the direct API. */
  readonly seed?: number;
  /** The execution's index in its campaign, when the campaign set it. */
  readonly run?: number;
  /** The step: sim, the execution's step number; hw, the thread's own step count. */
  readonly step: number;
  readonly thread: string;
  /** The locks the thread held (outermost first), "rcu_read_lock" for a read-side section. */
  readonly held: readonly string[];
  /** What it took: a lock's name, or "synchronize_rcu". */
  readonly took: string;
}

export interface LockdepEdge {
  readonly from: LockdepClass;
  readonly to: LockdepClass;
  readonly origin: EdgeOrigin;
}

/** A cycle of observed edges: edges[i].to === edges[i + 1].from, the last back to the first. */
export interface LockdepCycle {
  readonly classes: readonly LockdepClass[];
  readonly edges: readonly LockdepEdge[];
  /** Through the RCU class: a synchronize_rcu under a lock a reader takes. */
  readonly rcu: boolean;
  /** Edges of it produced by different seeds: an inversion no single run showed. */
  readonly acrossRuns: boolean;
}

export const LOCKDEP_FORMAT = 'vpmu-lockdep/1';

export interface LockdepJson {
  readonly format: typeof LOCKDEP_FORMAT;
  readonly edges: readonly LockdepEdge[];
}

/** A breadth-first path from → to over the edges of `mask` (class indices), if any. */
export function findPath(mask: number, from: number, to: number): number[] | undefined {
  const prev = new Array<number>(NCLASSES).fill(-1);
  const queue = [from];
  prev[from] = from;
  while (queue.length > 0) {
    const a = queue.shift()!;
    for (let b = 0; b < NCLASSES; b++) {
      if ((mask & edgeBit(a, b)) === 0 || prev[b] !== -1) continue;
      prev[b] = a;
      if (b === to) {
        const path = [to];
        for (let x = to; x !== from; x = prev[x]!) path.unshift(prev[x]!);
        return path;
      }
      queue.push(b);
    }
  }
  return undefined;
}

/** (run, seed, step): the order in which a campaign produced two origins of one edge. */
function earlier(a: EdgeOrigin, b: EdgeOrigin): boolean {
  const key = (o: EdgeOrigin) => [o.run ?? Infinity, o.seed ?? Infinity, o.step];
  const [x, y] = [key(a), key(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! < y[i]!;
  return false;
}

export class LockdepGraph {
  private bits = 0;
  private readonly origins = new Map<number, EdgeOrigin>();

  /** The observed edges as a mask (edgeBit). */
  mask(): number {
    return this.bits;
  }

  has(from: number, to: number): boolean {
    return (this.bits & edgeBit(from, to)) !== 0;
  }

  origin(from: number, to: number): EdgeOrigin | undefined {
    return this.origins.get(from * NCLASSES + to);
  }

  /** Records an edge; an origin already kept stays unless `origin` came earlier in the campaign. */
  add(from: number, to: number, origin: EdgeOrigin): void {
    const key = from * NCLASSES + to;
    const kept = this.origins.get(key);
    if (kept && !earlier(origin, kept)) return;
    this.origins.set(key, origin);
    this.bits |= edgeBit(from, to);
  }

  /** Removes an edge (the direct API's graph, after reporting it). */
  delete(from: number, to: number): void {
    this.origins.delete(from * NCLASSES + to);
    this.bits &= ~edgeBit(from, to);
  }

  /**
   * Folds another graph in (`run`: the other's execution index, for origins that lack one).
   * `upTo`: leave out edges first produced after that execution — a campaign's executions
   * past its first failure, which are not counted (their edges came first nowhere else, as
   * the earliest origin of an edge is the one kept).
   */
  merge(other: LockdepGraph, run?: number, upTo = Infinity): this {
    for (const [key, o] of other.origins) {
      const origin = run !== undefined && o.run === undefined ? { ...o, run } : o;
      if ((origin.run ?? -1) > upTo) continue;
      this.add(Math.floor(key / NCLASSES), key % NCLASSES, origin);
    }
    return this;
  }

  edges(): LockdepEdge[] {
    return [...this.origins.entries()]
      .sort(([a], [b]) => a - b)
      .map(([key, origin]) => ({ from: LOCKDEP_CLASSES[Math.floor(key / NCLASSES)]!, to: LOCKDEP_CLASSES[key % NCLASSES]!, origin }));
  }

  /**
   * Every elementary cycle of observed edges, each once (rotated to start at its lowest
   * class). With five classes a depth-first search from each start is instant.
   */
  cycles(): LockdepCycle[] {
    const out: LockdepCycle[] = [];
    const path: number[] = [];
    const visit = (start: number, a: number) => {
      for (let b = start; b < NCLASSES; b++) {
        if (!this.has(a, b)) continue;
        if (b === start) out.push(this.cycleOf([...path, a]));
        else if (!path.includes(b) && b !== a) {
          path.push(a);
          visit(start, b);
          path.pop();
        }
      }
    };
    for (let s = 0; s < NCLASSES; s++) visit(s, s);
    return out;
  }

  private cycleOf(nodes: readonly number[]): LockdepCycle {
    const edges = nodes.map((a, i) => {
      const b = nodes[(i + 1) % nodes.length]!;
      return { from: LOCKDEP_CLASSES[a]!, to: LOCKDEP_CLASSES[b]!, origin: this.origin(a, b)! };
    });
    return {
      classes: nodes.map((n) => LOCKDEP_CLASSES[n]!),
      edges,
      rcu: nodes.includes(RCU_CLASS),
      acrossRuns: new Set(edges.map((e) => `${e.origin.run ?? ''}/${e.origin.seed ?? ''}`)).size > 1,
    };
  }

  toJSON(): LockdepJson {
    return { format: LOCKDEP_FORMAT, edges: this.edges() };
  }

  static fromJSON(json: unknown): LockdepGraph {
    const j = json as Partial<LockdepJson> | null;
    if (!j || j.format !== LOCKDEP_FORMAT || !Array.isArray(j.edges)) throw new TypeError(`not a lockdep graph (expected format ${LOCKDEP_FORMAT})`);
    const g = new LockdepGraph();
    for (const e of j.edges) {
      const from = LOCKDEP_CLASSES.indexOf(e.from);
      const to = LOCKDEP_CLASSES.indexOf(e.to);
      const o = e.origin;
      if (from < 0 || to < 0 || !o || typeof o.step !== 'number' || typeof o.thread !== 'string' || !Array.isArray(o.held) || typeof o.took !== 'string') {
        throw new TypeError(`lockdep graph: bad edge ${JSON.stringify(e)}`);
      }
      g.add(from, to, o);
    }
    return g;
  }
}

/** "seed 5, run 3, step 120: pcpu2 held [vm0 config_lock] and took arm_pmus_lock" (no seed: the direct API, a stepper). */
export function formatOrigin(o: EdgeOrigin): string {
  const where = [o.seed !== undefined ? `seed ${o.seed}` : undefined, o.run !== undefined ? `run ${o.run}` : undefined, `step ${o.step}`].filter(Boolean).join(', ');
  return `${where}: ${o.thread} held [${o.held.join(', ')}] and took ${o.took}`;
}

/** A cycle as the kernel prints "possible circular locking dependency", with seeds. */
export function formatCycle(c: LockdepCycle): string[] {
  const head = c.rcu ? 'synchronize_rcu under a lock a reader takes' : 'possible circular locking dependency';
  return [
    `${head}: ${[...c.classes, c.classes[0]].join(' → ')}${c.acrossRuns ? ' (the orders come from different runs)' : ''}`,
    ...c.edges.map((e) => `  ${e.from} → ${e.to}: ${formatOrigin(e.origin)}`),
  ];
}

function againstDeclared(e: LockdepEdge): boolean {
  const a = LOCKDEP_CLASSES.indexOf(e.from);
  const b = LOCKDEP_CLASSES.indexOf(e.to);
  return (DECLARED_MASK & edgeBit(b, a)) !== 0;
}

/** The graph's edges and cycles, for a report. */
export function formatLockdep(g: LockdepGraph): string[] {
  const edges = g.edges();
  const cycles = g.cycles();
  return [
    `lockdep: ${edges.length} class dependenc${edges.length === 1 ? 'y' : 'ies'}, ${cycles.length} cycle${cycles.length === 1 ? '' : 's'}`,
    ...edges.map((e) => `  ${e.from} → ${e.to}${againstDeclared(e) ? ' (against spec §5.1)' : ''} — first: ${formatOrigin(e.origin)}`),
    ...cycles.flatMap(formatCycle),
  ];
}
