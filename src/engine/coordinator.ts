/**
 * The coordinator (main thread): builds the world on SharedArrayBuffers, sets the VMs up,
 * starts one worker per physical CPU and one per VMM thread — once per run — then watches:
 * progress (a callback every `progressMs`), the end (duration elapsed, or every vCPU done
 * and every VMM script finished), faults (a worker that throws or exits: reported with its
 * thread, the run ends and no other worker is left hanging), a watchdog (no progress for
 * `watchdogMs`: the lock table is dumped), and an abort signal (SIGINT: partial report).
 */
import { Worker } from 'node:worker_threads';
import { Vcpu } from '../api/vcpu.js';
import { createVcpu } from '../kvm/vm-ioctl.js';
import { runDirect } from '../sync/direct.js';
import { errnoName } from '../arch/errno.js';
import { formatCpuList } from '../host/cpumask.js';
import { workload } from '../guest/index.js';
import { Control, CRASH, ERRNO_SLOTS, SCHED, STAT, STATUS } from './control.js';
import { EVENT_KIND, FlightRecorder, formatEvent } from './flight-recorder.js';
import { lockTable } from './lock-table.js';
import { threadNames, worldShapeOf, type WorkerJob } from './messages.js';
import type { RunReport } from './report.js';
import type { Scenario } from './scenario.js';
import { rngSeed, resolvePolicy } from './scheduler.js';
import { setUpVm } from './vm-setup.js';
import { workerPath } from './worker-path.js';
import { World } from './world.js';

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
  /** Aborting it stops the run early (SIGINT); the report says `interrupted`. */
  signal?: AbortSignal;
  /** Fault injection: `afterMs` into the run, terminate thread `thread`'s worker or make it throw. */
  fault?: { thread: number; afterMs: number; kind: 'terminate' | 'throw' };
  /** Control-plane inspection of the final model state, after every worker stopped. */
  inspect?: (world: World) => void;
}

const GRACE_MS = 2000;
const TRACE_TAIL = 40;

function setUpWorld(world: World, s: Scenario): void {
  s.vms.forEach((plan, i) => {
    const vm = world.vms[i]!;
    vm.vcpus.forEach((v, j) => {
      if (plan.vcpus[j]!.setup !== 'uncreated') runDirect(createVcpu(vm, v), `vm${i} KVM_CREATE_VCPU`);
    });
    setUpVm(
      vm,
      vm.vcpus.map((v) => new Vcpu(v)),
      {
        config: plan.config,
        pmuType: plan.pmu === undefined ? undefined : s.topology.pmus.find((p) => p.name === plan.pmu)!.type,
        initCpu: plan.initCpu,
        vcpuSetup: plan.vcpus.map((v) => v.setup),
        vgicInit: plan.vgicInit,
      },
    );
  });
}

export async function runScenario(s: Scenario, opts: RunOptions = {}): Promise<RunReport> {
  const world = World.create(worldShapeOf(s));
  setUpWorld(world, s);
  const names = threadNames(s);
  const plans = s.vms.flatMap((vm) => vm.vcpus);
  const control = Control.create({ cpus: s.topology.cpus, vcpus: plans.length, threads: names.length });
  const recorder = FlightRecorder.create(names.length);
  const policy = resolvePolicy(s.policy, s.seed);
  plans.forEach((p, v) => {
    control.setRngState(v, rngSeed(policy, v));
    control.setLastCpu(v, -1);
    control.setSched(v, p.setup === 'uncreated' ? SCHED.UNCREATED : p.start);
  });

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
    control.stop();
  };
  const job = (slot: number): WorkerJob => ({
    slot,
    scenario: s,
    world: world.buffers(),
    control: control.buffer,
    controlShape: control.shape,
    recorder: recorder.buffer,
  });
  const workers = names.map((name, slot) => {
    const w = new Worker(workerPath(slot < s.topology.cpus ? 'pcpu' : 'vmm'), { workerData: job(slot) });
    const ready = new Promise<void>((resolve) => w.once('message', () => resolve()));
    const exited = new Promise<number>((resolve) => w.once('exit', resolve));
    w.on('error', (e) => fail({ kind: 'worker-crash', thread: name, message: `${name} crashed: ${e.message}` }));
    void exited.then((code) => {
      world.rcu.offline(slot); // a dead thread holds no RCU reference: grace periods must not wait for it
      // Before the run was stopped, only a VMM thread that finished its script may end.
      const finished = code === 0 && control.status(slot).status === STATUS.EXITED;
      if (!control.stopped() && !finished) fail({ kind: 'worker-exit', thread: name, message: `${name} exited unexpectedly (code ${code})` });
    });
    return { w, name, ready, exited };
  });
  // Every worker attached and waiting — or one failed on the way, and the run is over.
  await Promise.race([Promise.all(workers.map((x) => x.ready)), failed]);

  const t0 = Date.now();
  control.start();
  const fault = opts.fault;
  const faultTimer = fault
    ? setTimeout(() => (fault.kind === 'throw' ? control.injectFault(fault.thread) : void workers[fault.thread]?.w.terminate()), fault.afterMs)
    : undefined;
  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    control.stop();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  // Watch until the run ends one way or another.
  const tick = opts.progressMs ?? 500;
  let lastBeat = -1n;
  let lastBeatAt = Date.now();
  // Per thread: its heartbeat and since when it has not moved (for threads stuck waiting).
  const beats = names.map(() => ({ beat: -1n, since: Date.now() }));
  let prev = { at: t0, loads: 0n, migrations: 0n, accesses: 0n, ioctls: 0n };
  const vmmSlots = names.map((_, i) => i).filter((i) => i >= s.topology.cpus);
  while (!control.stopped()) {
    await new Promise((r) => setTimeout(r, Math.min(tick, 100)));
    const now = Date.now();
    const vmmFinished = vmmSlots.every((t) => control.status(t).status === STATUS.EXITED);
    const vcpusFinished = plans.every((_, v) => {
      const st = control.sched(v);
      // A vCPU nobody created is finished once no VMM thread is left to create it.
      return st === SCHED.DONE || st === SCHED.CRASHED || (st === SCHED.UNCREATED && vmmFinished);
    });
    if (now - t0 >= s.durationMs || (vcpusFinished && vmmFinished && (plans.length > 0 || vmmSlots.length > 0))) {
      control.stop();
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
      const cur = {
        at: now,
        loads: control.total(STAT.LOADS),
        migrations: control.total(STAT.MIGRATIONS),
        accesses: control.total(STAT.ACCESSES),
        ioctls: control.total(STAT.IOCTLS),
      };
      const per = (a: bigint, b: bigint) => (Number(a - b) * 1000) / (cur.at - prev.at);
      opts.onProgress({
        elapsedMs: now - t0,
        loadsPerSec: per(cur.loads, prev.loads),
        migrationsPerSec: per(cur.migrations, prev.migrations),
        guestAccessesPerSec: per(cur.accesses, prev.accesses),
        ioctlsPerSec: per(cur.ioctls, prev.ioctls),
        crashes: Number(control.total(STAT.CRASHES)),
      });
      prev = cur;
    }
  }
  const elapsedMs = Date.now() - t0;
  if (faultTimer) clearTimeout(faultTimer);
  opts.signal?.removeEventListener('abort', onAbort);

  // No worker is left hanging: those that do not exit within the grace period are terminated.
  let graceTimer: NodeJS.Timeout | undefined;
  const grace = new Promise((r) => (graceTimer = setTimeout(r, GRACE_MS)));
  const stuck: string[] = [];
  await Promise.all(
    workers.map(async (x) => {
      if (!(await Promise.race([x.exited.then(() => true), grace.then(() => false)]))) stuck.push(x.name);
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
  opts.inspect?.(world);
  return buildReport(s, world, control, names, { elapsedMs, interrupted, failure });
}

/** The merged tail of the flight recorder, with locks and vCPUs named. */
function recorderTail(recorder: FlightRecorder, world: World, names: readonly string[], upTo: number, thread: number): string[] {
  const vcpuName = (v: number) => world.vcpus[v]?.name ?? `vcpu #${v}`;
  return recorder.tail(TRACE_TAIL, upTo, thread).map((e) =>
    formatEvent(e, names, (kind, arg) => {
      if (kind === EVENT_KIND.LOCK || kind === EVENT_KIND.UNLOCK) return world.locks[arg]?.name ?? `lock #${arg}`;
      if (kind === EVENT_KIND.LOAD || kind === EVENT_KIND.PUT) return `${vcpuName(arg >> 8)} on cpu ${arg & 0xff}`;
      if (kind === EVENT_KIND.REQUEST_RAISE || kind === EVENT_KIND.REQUEST_SERVICE) return `${vcpuName(arg >> 8)} 0x${(arg & 0xff).toString(16)}`;
      return '';
    }),
  );
}

function buildReport(
  s: Scenario,
  world: World,
  control: Control,
  names: readonly string[],
  run: { elapsedMs: number; interrupted: boolean; failure: RunReport['failure'] },
): RunReport {
  const total = (stat: number) => Number(control.total(stat));
  const perSec = (n: number) => (run.elapsedMs > 0 ? (n * 1000) / run.elapsedMs : 0);
  const totals = {
    loads: total(STAT.LOADS),
    migrations: total(STAT.MIGRATIONS),
    guestAccesses: total(STAT.ACCESSES),
    ioctls: total(STAT.IOCTLS),
    guestCrashes: total(STAT.CRASHES),
    failEntries: total(STAT.FAIL_ENTRIES),
    runErrors: total(STAT.RUN_ERRORS),
    loadReloads: total(STAT.LOAD_RELOADS),
    clusterMigrations: total(STAT.CLUSTER_MIGRATIONS),
    guestEntries: total(STAT.ENTRIES),
  };
  const plans = s.vms.flatMap((vm, i) => vm.vcpus.map((p, id) => ({ ...p, vm: i, id })));
  return {
    scenario: s.name,
    host: s.topology.name,
    profile: s.profile.name,
    design: s.profile.pmuListDesign,
    policy: s.policy,
    seed: s.seed,
    elapsedMs: run.elapsedMs,
    interrupted: run.interrupted,
    totals,
    cpus: Array.from({ length: s.topology.cpus }, (_, cpu) => ({
      cpu,
      loads: Number(control.stat(cpu, STAT.LOADS)),
      entries: Number(control.stat(cpu, STAT.ENTRIES)),
      failEntries: Number(control.stat(cpu, STAT.FAIL_ENTRIES)),
    })),
    rates: {
      loads: perSec(totals.loads),
      migrations: perSec(totals.migrations),
      guestAccesses: perSec(totals.guestAccesses),
      ioctls: perSec(totals.ioctls),
    },
    vms: world.vms.map((vm, i) => ({
      id: i,
      config: s.vms[i]!.config,
      pmu: vm.armPmu >= 0 ? world.host.pmuOf(vm.armPmu).name : null,
      nrCounters: vm.nrPmuCounters,
      supportedCpus: formatCpuList(vm.supportedCpuList()),
      hasRanOnce: vm.hasRanOnce(),
    })),
    vcpus: plans.map((p, v) => {
      const sched = control.sched(v);
      const vcpu = world.vcpus[v]!;
      return {
        vm: p.vm,
        id: p.id,
        workload: p.workload,
        quanta: control.vcpuQuanta(v),
        state: sched === SCHED.CRASHED ? 'crashed' : sched === SCHED.DONE ? 'done' : sched === SCHED.UNCREATED ? 'never created' : 'stopped',
        ...(control.crashKind(v) === CRASH.NONE ? {} : { crash: control.crashKind(v) === CRASH.UNDEF ? 'undef' : 'workload' }),
        lastCpu: control.lastCpu(v),
        loadReloads: vcpu.loadReloads,
        guest: workload(p.workload).report(world.guestMemory[v]!),
      };
    }),
    vmm: s.vmm.map((_, i) => {
      const slot = s.topology.cpus + i;
      const results: Record<string, number> = {};
      control.errnoCounts(slot).forEach((n, e) => {
        if (n > 0n) results[e === ERRNO_SLOTS - 1 ? 'other' : errnoName(-e)] = Number(n);
      });
      return { name: names[slot]!, ioctls: Number(control.stat(slot, STAT.IOCTLS)), results };
    }),
    invariants: {
      item4GuestEntryOutsideSupportedCpus: total(STAT.ITEM4),
      item13NrCountersChangedAfterRun: world.vms.reduce((n, vm) => n + vm.nrCountersChangedAfterRun, 0),
    },
    ...(run.failure ? { failure: run.failure } : {}),
  };
}
