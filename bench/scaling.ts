/**
 * The engine's scaling table: pinned quanta/s, migrations/s and guest PMU accesses/s with
 * 1, 2, 4 and 8 pCPU workers, each a whole `runScenario` on a host of that many CPUs (one
 * CPU PMU covering them all), one vCPU per pCPU:
 * - pinned: idle vCPUs, each pinned to its own pCPU — quanta/s is the engine's per-quantum
 *   path (KVM_RUN with load and put, the pCPU loop's bookkeeping) in parallel;
 * - migrations: idle vCPUs placed round-robin, so every quantum ends in a migration to the
 *   next pCPU (a doorbell rung, a sleeper woken) — undefined with one worker;
 * - guest accesses: the hammer (20 000 trapped accesses a quantum) pinned, one per pCPU.
 * On a machine with fewer cores than workers the larger rows oversubscribe it: they are
 * printed anyway, that is what they show. Each figure is the median of `reps` runs, with
 * its min–max, in ns per operation (1e9 / rate) for the JSON; the table shows rates.
 *
 * The machine's own scaling is measured beside it, in every repetition: `compute-floor`,
 * the same numbers of workers each running a loop of plain arithmetic on its own memory —
 * what N threads get from this machine's cores at that moment, with nothing shared. (On
 * the 2-core VM this was written on, two such threads got 1.95–2× one's throughput most of
 * the time, and 1.1× now and then: the host's, not the engine's.)
 *
 * A run counts only after a warm-up: every run starts fresh workers, whose code V8 has yet
 * to optimise, and with more workers than cores the optimising compiler's threads compete
 * with them — 4 workers on 2 cores took ~1.5 s to reach their steady rate, 10× the first
 * interval's. The rate is taken from the coordinator's progress callbacks (totals every
 * PROGRESS_MS) over the intervals that start after `warmMs`.
 */
import { Worker } from 'node:worker_threads';
import { runScenario } from '../src/engine/coordinator.js';
import { resolveScenario, type Scenario } from '../src/engine/scenario.js';
import { figureOf, type Figure } from './sim-step.js';

export const SCALING_WORKERS: readonly number[] = Object.freeze([1, 2, 4, 8]);

export type ScalingKind = 'compute-floor' | 'pinned-quanta' | 'migrations' | 'guest-accesses';
export const SCALING_KINDS: readonly ScalingKind[] = Object.freeze(['compute-floor', 'pinned-quanta', 'migrations', 'guest-accesses']);

/** Iterations of the compute floor's inner loop between clock reads. */
const COMPUTE_CHUNK = 4096;

/**
 * The compute floor's work: plain arithmetic on a small array of the thread's own, for `ms`
 * after every worker of the cell has started (`start`: a counter each one bumps, then waits
 * for all). Returns operations per second.
 */
export function computeLoop(ms: number, start: Int32Array): number {
  Atomics.add(start, 1, 1);
  while (Atomics.load(start, 1) < Atomics.load(start, 0));
  const a = new Int32Array(1024);
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < COMPUTE_CHUNK; i++) a[(i * 7) & 1023]! += i;
    n += COMPUTE_CHUNK;
    t = performance.now();
  }
  if (a[0] === 42) n++; // the work is used
  return (n * 1000) / (t - t0);
}

/** N workers running the compute floor at once: their summed rate, per second. */
async function computeRate(workers: number, ms: number): Promise<number> {
  const start = new Int32Array(new SharedArrayBuffer(8));
  start[0] = workers;
  const url = new URL('./parallel-floor-worker.js', import.meta.url);
  const rates = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(url, { workerData: { ms, start: start.buffer } });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
  return rates.reduce((x, y) => x + y, 0);
}

/** A scaling figure's name in the bench JSON: `scaling-pinned-quanta-2w`. */
export const scalingName = (kind: ScalingKind, workers: number): string => `scaling-${kind}-${workers}w`;

function scenario(kind: Exclude<ScalingKind, 'compute-floor'>, workers: number, durationMs: number): Scenario {
  const cpus = Array.from({ length: workers }, (_, c) => c);
  const hammer = kind === 'guest-accesses';
  return resolveScenario({
    name: `scaling-${kind}-${workers}`,
    host: { name: `scale${workers}`, pmus: [{ name: 'cpu', cpus }] },
    durationMs,
    scheduler: { policy: kind === 'migrations' ? 'round-robin' : 'pinned' },
    vms: [{ vcpus: cpus.map((c) => (hammer ? { workload: 'pmu-hammer', accesses: 20_000, cycles: 0, start: c } : { workload: 'idle', cycles: 0, start: c })) }],
  });
}

export interface ScalingResult {
  /** ns per operation (1e9 / rate) by kind and worker count; no migrations with one worker. */
  readonly figures: ReadonlyMap<string, Figure>;
}

/** Progress interval of a scaling run, ms. */
const PROGRESS_MS = 50;

/** One run: its rate (per second) over the intervals after `warmMs`, of `measureMs` at least. */
async function steadyRate(kind: ScalingKind, workers: number, warmMs: number, measureMs: number): Promise<number> {
  if (kind === 'compute-floor') return computeRate(workers, measureMs);
  let count = 0;
  let ms = 0;
  let last = 0;
  const report = await runScenario(scenario(kind, workers, warmMs + measureMs + PROGRESS_MS), {
    progressMs: PROGRESS_MS,
    onProgress: (p) => {
      if (last >= warmMs) {
        const rate = kind === 'pinned-quanta' ? p.loadsPerSec : kind === 'migrations' ? p.migrationsPerSec : p.guestAccessesPerSec;
        count += (rate * (p.elapsedMs - last)) / 1000;
        ms += p.elapsedMs - last;
      }
      last = p.elapsedMs;
    },
  });
  if (report.failure) throw new Error(`bench scaling ${kind} × ${workers}: ${report.failure.kind}: ${report.failure.message}`);
  if (count > 0 && ms > 0) return (count * 1000) / ms;
  // Nothing published after the warm-up (a --quick run on a loaded machine): the whole run's rate.
  const total = kind === 'pinned-quanta' ? report.totals.loads : kind === 'migrations' ? report.totals.migrations : report.totals.guestAccesses;
  if (total <= 0) throw new Error(`bench scaling ${kind} × ${workers}: nothing counted in ${report.elapsedMs} ms`);
  return (total * 1000) / report.elapsedMs;
}

/**
 * Runs every (kind, workers) `reps` times, kinds and sizes interleaved so drift hits all
 * alike: each run `warmMs` of warm-up, then `measureMs` counted.
 */
export async function measureScaling(reps: number, warmMs: number, measureMs: number, log: (m: string) => void): Promise<ScalingResult> {
  const samples = new Map<string, number[]>();
  for (let r = 0; r < reps; r++) {
    log(`scaling: repetition ${r + 1}/${reps} (${SCALING_WORKERS.join(', ')} workers × compute floor, pinned, migrations, hammer; ${warmMs} ms warm-up, ${measureMs} ms counted) …`);
    for (const workers of SCALING_WORKERS) {
      for (const kind of SCALING_KINDS) {
        if (kind === 'migrations' && workers < 2) continue;
        const rate = await steadyRate(kind, workers, warmMs, measureMs);
        const name = scalingName(kind, workers);
        if (!samples.has(name)) samples.set(name, []);
        samples.get(name)!.push(1e9 / rate);
      }
    }
  }
  return { figures: new Map([...samples].map(([name, s]) => [name, figureOf(s)])) };
}

/** The human table: rates (median, min–max) and the speed-up over one worker (two for migrations). */
export function scalingTable(result: ScalingResult): string[][] {
  const rate = (ns: number) => {
    const r = 1e9 / ns;
    return r >= 1e9 ? `${(r / 1e9).toFixed(2)} G/s` : r >= 1e6 ? `${(r / 1e6).toFixed(2)} M/s` : `${(r / 1e3).toFixed(1)} k/s`;
  };
  const cell = (kind: ScalingKind, workers: number) => {
    const f = result.figures.get(scalingName(kind, workers));
    if (!f) return '—';
    const base = result.figures.get(scalingName(kind, kind === 'migrations' ? 2 : 1));
    const speedup = base ? ` ${(base.median / f.median).toFixed(2)}×` : '';
    // min–max of a rate: the fastest run has the smallest ns per operation.
    return `${rate(f.median)} (${rate(f.max)}–${rate(f.min)})${speedup}`;
  };
  return SCALING_WORKERS.map((w) => [String(w), cell('compute-floor', w), cell('pinned-quanta', w), cell('migrations', w), cell('guest-accesses', w)]);
}
