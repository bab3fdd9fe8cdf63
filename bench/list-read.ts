/**
 * The `arm_pmus` read side in each design, all over the same list memory (one region, N
 * PMUs, PMU i covering CPU i) and the same walk — `PmuList.covering`, the probe walk of
 * `kvm_pmu_probe_armpmu` — looking up CPU k mod N in turn (1..N nodes visited, N+1/2 on
 * average):
 * - `bare-walk-N`: the walk as plain code, as a worker walks (`coveringNow`: no points, no
 *   generator), no read side, no driver: what the walk itself costs.
 * - `rcu-read-side-N`: `PmuList.probe` on the rcu design, as an engine thread runs it —
 *   inside its thread loop (one runHw a batch, like the engine's one runHw a thread), every
 *   yield (rcu_read_lock, the snapshot load, each node, rcu_read_unlock) a seam step with a
 *   flight-recorder event and the lockdep hook (bench/engine-task.ts), QSBR read side.
 * - `rcu-memb-read-side-N`: the same on the engine's memb-flavour RCU domain (design
 *   rcu-memb, sync/rcu.ts): the outermost rcu_read_lock and rcu_read_unlock store the
 *   thread's reader word (seq_cst: JS has no membarrier for a plain store to rely on).
 * - `mutex-lookup-N`: `PmuList.probe` on the mutex design (arm_pmus_lock around the walk),
 *   the same engine-like thread.
 *
 * On a worker the walk is plain code that allocates nothing (engine/leaf-reader.ts
 * readListAsWorker); the read sides add their seam steps around it.
 */
import { PmuList, pmuListLayout } from '../src/host/pmu-list.js';
import { HwTask, runHw } from '../src/sync/hw.js';
import { RcuDomain, rcuLayout } from '../src/sync/rcu.js';
import type { Op } from '../src/sync/seam.js';
import { engineTask } from './engine-task.js';
import { BATCH, type MicroTask } from './micro.js';

/** One list region with `n` PMUs (PMU i covers CPU i). */
function listOf(n: number) {
  const region = pmuListLayout.allocate(true);
  // The appends wait for grace periods: in a domain of their own, where no reader is online.
  const writer = new HwTask(`bench arm_pmus writer ${n}`, 10, new RcuDomain(rcuLayout.allocate(true)));
  const rcuList = new PmuList(region, 'rcu');
  for (let i = 0; i < n; i++) runHw(rcuList.append(i, 8 + i, [i]), writer);
  const mutexList = new PmuList(region, 'mutex');
  // As on a pCPU worker outside record mode (engine/leaf-reader.ts readListAsWorker): walks yield no points.
  rcuList.pointsPerNode = mutexList.pointsPerNode = false;
  return { rcuList, mutexList };
}

/** BATCH probes in one thread-loop operation, as an engine thread runs them. */
function* probes(list: PmuList, n: number): Op<number> {
  let found = 0;
  for (let i = 0; i < BATCH; i++) found += yield* list.probe(i % n);
  return found;
}

/** The micro tasks of the figures above, for N in `sizes`; names are the figure names. */
/** Keeps the results alive (no dead-code elimination of a walk). */
export let sink = 0;

export function listReadTasks(sizes: readonly number[]): MicroTask[] {
  const rcu = new RcuDomain(rcuLayout.allocate(true));
  const membRcu = new RcuDomain(rcuLayout.allocate(true), 'memb');
  const tasks: MicroTask[] = [];
  sizes.forEach((n, k) => {
    const { rcuList, mutexList } = listOf(n);
    const locks = [mutexList.lock];
    const qsbr = engineTask(4 * k, rcu, locks);
    const memb = engineTask(4 * k + 1, membRcu, locks);
    const mutex = engineTask(4 * k + 3, rcu, locks);
    tasks.push(
      {
        name: `bare-walk-${n}`,
        batch: () => {
          for (let i = 0; i < BATCH; i++) sink += rcuList.coveringNow(i % n);
        },
      },
      { name: `rcu-read-side-${n}`, batch: () => void (sink += runHw(probes(rcuList, n), qsbr)) },
      { name: `rcu-memb-read-side-${n}`, batch: () => void (sink += runHw(probes(rcuList, n), memb)) },
      { name: `mutex-lookup-${n}`, batch: () => void (sink += runHw(probes(mutexList, n), mutex)) },
    );
    // Every lookup finds its PMU (PMU i for CPU i): a lookup that missed would be a longer walk.
    let expect = 0;
    for (let i = 0; i < BATCH; i++) expect += i % n;
    for (const t of [qsbr, memb]) if (runHw(probes(rcuList, n), t) !== expect) throw new Error(`arm_pmus bench: a lookup on ${n} PMUs went wrong`);
    if (runHw(probes(mutexList, n), mutex) !== expect) throw new Error(`arm_pmus bench: a mutex lookup on ${n} PMUs went wrong`);
  });
  return tasks;
}
