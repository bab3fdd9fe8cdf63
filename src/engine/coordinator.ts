/**
 * The coordinator (main thread): builds the world on SharedArrayBuffers, sets the VMs up,
 * starts one worker per physical CPU and one per VMM thread — once per run — then watches:
 * progress (a callback every `progressMs`), throughput per interval (run-meter.ts, the
 * report's series), the end (duration elapsed, or every vCPU done and every VMM script
 * finished), faults (a worker that throws or exits: reported with its thread, the run ends
 * and no other worker is left hanging), a watchdog (no progress for `watchdogMs`: the lock
 * table is dumped), and an abort signal (SIGINT: partial report).
 *
 * Its control plane to the workers is comlink (messages.ts `ThreadApi`): each worker answers
 * `ready()` once attached, and `run()` — started at the shared-memory start barrier — with
 * its final report when its loop ends. Everything in between is shared memory.
 */
import { Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { buildReport } from './build-report.js';
import { Control, SCHED, STAT, STATUS } from './control.js';
import { sharedLockdepGraph } from '../check/lockdep-shared.js';
import { sumRows } from '../check/lock-stat.js';
import { oracleOfError } from '../check/verdict.js';
import { labelOf } from '../sync/seam.js';
import { EVENT_KIND, FlightRecorder, formatEvent, RING_ENTRIES, STEP_KINDS } from './flight-recorder.js';
import { lockTable } from './lock-table.js';
import { threadNames, worldShapeOf, type ThreadApi, type ThreadReport, type WorkerJob } from './messages.js';
import { nodeEndpoint } from './node-endpoint.js';
import type { RunReport } from './report.js';
import { ratesBetween, RunMeter, seriesIntervalMs, type LiveRun } from './run-meter.js';
import type { Scenario } from './scenario.js';
import { workerPath } from './worker-path.js';
import { World } from './world.js';
import { initSchedule, setUpWorld } from './world-setup.js';

export interface Progress {
  elapsedMs: number;
  loadsPerSec: number;
  migrationsPerSec: number;
  guestAccessesPerSec: number;
  ioctlsPerSec: number;
  crashes: number;
}

export interface RunOptions {
  onProgress?: (p: Progress) => void;
  progressMs?: number;
  /** Aborting it stops the run early (SIGINT, a run handle's stop()); the report says `interrupted`. */
  signal?: AbortSignal;
  /** Called once, before the workers start: the run's totals and series on demand (run-handle.ts). */
  onLive?: (run: LiveRun) => void;
  /** Each thread's final report, as its worker answers `run()` (control-plane inspection). */
  onThreadReport?: (report: ThreadReport) => void;
  /** Fault injection: `afterMs` into the run, terminate thread `thread`'s worker or make it throw. */
  fault?: { thread: number; afterMs: number; kind: 'terminate' | 'throw' };
  /** Control-plane inspection of the final model state, after every worker stopped. */
  inspect?: (world: World) => void;
  /** Keep every thread's seam steps (`run --record`): rings this large, the log handed to `onLog`. */
  record?: { eventsPerThread: number; onLog: (log: HwStepLog) => void };
}

/** Every seam step of a run on workers, merged in the order the flight recorder gave them. */
export interface HwStepLog {
  readonly threads: readonly string[];
  /** Recorder position at the stop (-1: the run was not stopped by the coordinator). */
  readonly stopSeq: number;
  /** Steps a thread's ring could not keep (its oldest ones), by thread name. */
  readonly lost: Readonly<Record<string, number>>;
  readonly seq: number[];
  readonly thread: number[];
  readonly kind: number[];
  readonly arg: number[];
}

const GRACE_MS = 2000;
const TRACE_TAIL = 40;

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunReport> {
  const world = World.create(worldShapeOf(s));
  setUpWorld(world, s);
  const names = threadNames(s);
  const plans = s.vms.flatMap((vm) => vm.vcpus);
  const control = Control.create({ cpus: s.topology.cpus, vcpus: plans.length, threads: names.length });
  const recorder = FlightRecorder.create(names.length, opts.record ? opts.record.eventsPerThread : RING_ENTRIES);
  initSchedule(control, s);
  const meter = new RunMeter(control, seriesIntervalMs(s.durationMs));
  opts.onLive?.(meter);
  // Where the recorder stood when the run was told to stop: a replay of the log follows it
  // up to here (what threads did while stopping depends on when each saw the stop).
  let stopSeq = -1;
  const stopRun = () => {
    if (stopSeq < 0) stopSeq = recorder.sequence();
    control.stop();
  };

  let failure: RunReport['failure'];
  // Where the flight recorder stood when the failure was seen, and whose events to keep.
  let failureSeq = 0;
  let failingSlot = -1;
  let onFailure = () => {};
  const failed = new Promise<void>((resolve) => (onFailure = resolve));
  const fail = (f: NonNullable<RunReport['failure']>) => {
    if (failure) return;
    onFailure();
    // Snapshot the lock table and the recorder's position now, before stopping lets threads move.
    failureSeq = recorder.sequence();
    failingSlot = f.thread === undefined ? -1 : names.indexOf(f.thread);
    failure = { ...f, locks: f.locks ?? lockTable(world, control, names) };
    stopRun();
  };
  const job = (slot: number): WorkerJob => ({
    slot,
    scenario: s,
    world: world.buffers(),
    control: control.buffer,
    controlShape: control.shape,
    recorder: recorder.buffer,
    recorderEntries: recorder.entries,
    recordMode: opts.record !== undefined,
  });
  // The threads' final reports, by slot; a thread terminated before answering has none.
  const reports: ThreadReport[] = [];
  const workers = names.map((name, slot) => {
    const w = new Worker(workerPath(slot < s.topology.cpus ? 'pcpu' : 'vmm'), { workerData: job(slot) });
    const thread = Comlink.wrap<ThreadApi>(nodeEndpoint(w));
    const crashed = (e: unknown) => {
      const error = e instanceof Error ? e : new Error(String(e));
      fail({ kind: 'worker-crash', oracle: oracleOfError(error), thread: name, message: `${name} crashed: ${error.message}` });
    };
    let isReady = false;
    const ready = thread.ready().then(() => {
      isReady = true;
      // Answered when the loop ends; the worker sits at the start barrier until then.
      thread.run().then((r) => {
        reports[slot] = r;
        opts.onThreadReport?.(r);
        if (r.failure) fail({ kind: 'worker-crash', oracle: r.failure.oracle, thread: name, message: `${name} crashed: ${r.failure.message}` });
      }, crashed);
    });
    const exited = new Promise<number>((resolve) => w.once('exit', resolve));
    // Node delivers every message a worker posted before its 'exit'; one turn later comlink
    // has settled the answer too: from here the thread's report, if it sent one, is in.
    const settled = exited.then((code) => new Promise<number>((resolve) => setImmediate(resolve, code)));
    w.on('error', crashed);
    void exited.then(() => world.rcu.offline(slot)); // a dead thread holds no RCU reference: grace periods must not wait for it
    void settled.then((code) => {
      // Before the run was stopped, only a VMM thread that finished its script may end.
      const finished = code === 0 && control.status(slot).status === STATUS.EXITED;
      if (!control.stopped() && !finished) fail({ kind: 'worker-exit', thread: name, message: `${name} exited unexpectedly (code ${code})` });
    });
    return { w, name, ready, settled, isReady: () => isReady };
  });
  // An abort stops the run from here on, including while the workers are still starting.
  let interrupted = false;
  let onAborted = () => {};
  const aborted = new Promise<void>((resolve) => (onAborted = resolve));
  const onAbort = () => {
    interrupted = true;
    stopRun(); // workers already waiting to start leave at once
    onAborted();
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  // Every worker attached and waiting — or one failed on the way, or the run was aborted:
  // then the run is over.
  await Promise.race([Promise.all(workers.map((x) => x.ready)), failed, aborted]);
  // Aborted before the start: a worker still loading has touched nothing yet; end it now
  // rather than wait for it to boot only to leave.
  if (interrupted) await Promise.all(workers.filter((x) => !x.isReady()).map((x) => x.w.terminate()));

  const t0 = Date.now();
  meter.start(t0);
  control.start();
  const fault = opts.fault;
  const faultTimer = fault
    ? setTimeout(() => (fault.kind === 'throw' ? control.injectFault(fault.thread) : void workers[fault.thread]?.w.terminate()), fault.afterMs)
    : undefined;

  // Watch until the run ends one way or another.
  const tick = opts.progressMs ?? 500;
  let lastBeat = -1n;
  let lastBeatAt = Date.now();
  // Per thread: its heartbeat and since when it has not moved (for threads stuck waiting).
  const beats = names.map(() => ({ beat: -1n, since: Date.now() }));
  let prev = { at: t0, totals: meter.totals() };
  const vmmSlots = names.map((_, i) => i).filter((i) => i >= s.topology.cpus);
  while (!control.stopped()) {
    await new Promise((r) => setTimeout(r, Math.min(tick, 100)));
    const now = Date.now();
    meter.poll(now);
    const vmmFinished = vmmSlots.every((t) => control.status(t).status === STATUS.EXITED);
    const vcpusFinished = plans.every((_, v) => {
      const st = control.sched(v);
      // A vCPU nobody created is finished once no VMM thread is left to create it.
      return st === SCHED.DONE || st === SCHED.CRASHED || (st === SCHED.UNCREATED && vmmFinished);
    });
    if (now - t0 >= s.durationMs || (vcpusFinished && vmmFinished && (plans.length > 0 || vmmSlots.length > 0))) {
      stopRun();
      break;
    }
    const beat = control.total(STAT.HEARTBEAT);
    if (beat !== lastBeat) {
      lastBeat = beat;
      lastBeatAt = now;
    } else if (now - lastBeatAt >= s.watchdogMs) {
      fail({ kind: 'watchdog', message: `no progress for ${s.watchdogMs} ms` });
      break;
    }
    // A thread blocked for the whole watchdog period, while others may still progress.
    const stuck = names.findIndex((_, t) => {
      const b = beats[t]!;
      const cur = control.stat(t, STAT.HEARTBEAT);
      if (cur !== b.beat || control.status(t).status !== STATUS.WAITING) {
        b.beat = cur;
        b.since = now;
        return false;
      }
      return now - b.since >= s.watchdogMs;
    });
    if (stuck >= 0) {
      fail({ kind: 'watchdog', thread: names[stuck], message: `${names[stuck]} has been blocked for ${s.watchdogMs} ms` });
      break;
    }
    if (opts.onProgress && now - prev.at >= tick) {
      const cur = { at: now, totals: meter.totals() };
      const r = ratesBetween(prev.totals, cur.totals, cur.at - prev.at);
      opts.onProgress({
        elapsedMs: now - t0,
        loadsPerSec: r.loads,
        migrationsPerSec: r.migrations,
        guestAccessesPerSec: r.guestAccesses,
        ioctlsPerSec: r.ioctls,
        crashes: Number(control.total(STAT.CRASHES)),
      });
      prev = cur;
    }
  }
  const elapsedMs = Date.now() - t0;
  const series = meter.end(t0 + elapsedMs);
  if (faultTimer) clearTimeout(faultTimer);
  opts.signal?.removeEventListener('abort', onAbort);

  // No worker is left hanging: those that do not exit within the grace period are terminated.
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise((r) => (graceTimer = setTimeout(r, GRACE_MS)));
  const stuck: string[] = [];
  await Promise.all(
    workers.map(async (x) => {
      if (!(await Promise.race([x.settled.then(() => true), grace.then(() => false)]))) stuck.push(x.name);
    }),
  );
  clearTimeout(graceTimer);
  if (stuck.length > 0) {
    const what = `terminated ${stuck.join(', ')}, still running ${GRACE_MS} ms after the stop`;
    if (failure) failure.message += `; ${what}`;
    else {
      // Taken while the stuck threads still hold whatever they hold.
      failureSeq = recorder.sequence();
      failingSlot = names.indexOf(stuck[0]!);
      failure = { kind: 'hang-at-stop', thread: stuck[0], message: what, locks: lockTable(world, control, names) };
    }
    await Promise.all(workers.filter((x) => stuck.includes(x.name)).map((x) => x.w.terminate()));
  }
  if (failure) failure.trace = recorderTail(recorder, world, names, failureSeq, failingSlot);
  opts.record?.onLog(stepLog(recorder, names, stopSeq));
  opts.inspect?.(world);
  return buildReport(s, world, control, names, { elapsedMs, interrupted, failure, series }, {
    lockStat: sumRows(reports.filter((r) => r !== undefined).map((r) => r.lockStat)),
    missing: names.filter((_, slot) => reports[slot] === undefined),
    unit: 'ns',
    lockdep: sharedLockdepGraph(control.syncWords(), { seed: s.seed, threads: names, locks: world.locks }),
  });
}

function stepLog(recorder: FlightRecorder, names: readonly string[], stopSeq: number): HwStepLog {
  const events = names.flatMap((_, t) => recorder.ring(t).filter((e) => STEP_KINDS.has(e.kind)));
  events.sort((a, b) => a.seq - b.seq);
  const lost: Record<string, number> = {};
  names.forEach((n, t) => {
    if (recorder.lost(t) > 0) lost[n] = recorder.lost(t);
  });
  return {
    threads: names,
    stopSeq,
    lost,
    seq: events.map((e) => e.seq),
    thread: events.map((e) => e.thread),
    kind: events.map((e) => e.kind),
    arg: events.map((e) => e.arg),
  };
}

/** The merged tail of the flight recorder, with locks and vCPUs named. */
function recorderTail(recorder: FlightRecorder, world: World, names: readonly string[], upTo: number, thread: number): string[] {
  const vcpuName = (v: number) => world.vcpus[v]?.name ?? `vcpu #${v}`;
  return recorder.tail(TRACE_TAIL, upTo, thread).map((e) =>
    formatEvent(e, names, (kind, arg) => {
      if (kind === EVENT_KIND.LOCK || kind === EVENT_KIND.UNLOCK) return world.locks[arg]?.name ?? `lock #${arg}`;
      if (kind === EVENT_KIND.POINT || kind === EVENT_KIND.PARK) return labelOf(arg) ?? `label #${arg}`;
      if (kind === EVENT_KIND.LOAD || kind === EVENT_KIND.PUT) return `${vcpuName(arg >> 8)} on cpu ${arg & 0xff}`;
      if (kind === EVENT_KIND.REQUEST_RAISE || kind === EVENT_KIND.REQUEST_SERVICE) return `${vcpuName(arg >> 8)} 0x${(arg & 0xff).toString(16)}`;
      return '';
    }),
  );
}
