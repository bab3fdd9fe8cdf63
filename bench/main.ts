/**
 * `npm run bench`: the physical floor of this machine (a raw Atomics.add, a CAS lock, a
 * one-way wake between two workers), measured in the same run, and the emulator's paths as
 * ratios to it or to the bare work they wrap, against the targets of issue 9. Every figure
 * is the median of ≥ 5 repetitions with its min–max. Figures, not pass/fail tests: the
 * machine is noisy.
 *
 * The scaling table (bench/scaling.ts): pinned quanta/s, migrations/s and guest accesses/s
 * with 1, 2, 4 and 8 pCPU workers — past the machine's cores the larger rows oversubscribe
 * it, and show what that costs.
 *
 * `--json` prints only one line, API.md "Benchmark JSON": `{ floor, figures }` (figures.ts).
 * `--quick` shortens every measurement (CI smoke runs: `node dist/bench/main.js --quick`).
 */
import { createHost } from '../src/api/host.js';
import { uapi } from '../src/arch/uapi.js';
import { formatTable } from '../src/cli/table.js';
import { runScenario } from '../src/engine/coordinator.js';
import { HAMMER_REGS } from '../src/guest/pmu-hammer.js';
import { presets } from '../src/host/presets.js';
import { resolveTopology } from '../src/host/topology.js';
import { EVENT_KIND } from '../src/engine/flight-recorder.js';
import { readListAsWorker } from '../src/engine/leaf-reader.js';
import { runProbes } from '../src/engine/run-probes.js';
import { resolveScenario } from '../src/engine/scenario.js';
import { vcpuLoad, vcpuPut } from '../src/kvm/arm.js';
import type { LoadCheck } from '../src/kvm/profile.js';
import { Control, STATUS } from '../src/engine/control.js';
import { accountQuantum, HW_PUBLISH_EVERY } from '../src/engine/pcpu-loop.js';
import { clusterOf, nextCpu, resolvePolicy } from '../src/engine/scheduler.js';
import { HwTask, runHw } from '../src/sync/hw.js';
import { LOCK_WORDS, LockRef } from '../src/sync/lock.js';
import { RcuDomain, rcuLayout } from '../src/sync/rcu.js';
import type { Op } from '../src/sync/seam.js';
import { engineTask } from './engine-task.js';
import { buildBenchJson, type Floor, type Measured, type Target } from './figures.js';
import { listReadTasks } from './list-read.js';
import { BATCH, measureMicroFigures, type MicroTask } from './micro.js';
import { measureOneWayWake } from './one-way-wake.js';
import { measureScaling, SCALING_KINDS, SCALING_WORKERS, scalingName, scalingTable } from './scaling.js';
import { BARE_THREADS, figureOf, measureSimStep, type Figure } from './sim-step.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const json = args.has('--json');
/** Repetitions of every figure (each figure is their median). */
const REPS = quick ? 5 : 7;
/** tinybench time per micro task per repetition. */
const MICRO_MS = quick ? 25 : 150;
/** Engine run length per repetition. */
const RUN_MS = quick ? 250 : 1200;
/** Scaling table: warm-up and counted time of each (kind, workers) cell per repetition. */
const SCALING_WARM_MS = quick ? 150 : 1000;
const SCALING_MS = quick ? 150 : 500;
/** Repetitions of each scaling cell (its runs are long: the minimum a figure needs). */
const SCALING_REPS = 5;

const log = (m: string) => {
  if (!json) process.stderr.write(`${m}\n`);
};

const ratioAtMost = (limit: number, of: string): Target => ({ limit, text: `≤ ${limit}× ${of}` });

/** The single-thread micro figures: the floor's Atomics and CAS, the list read sides, the vCPU paths. */
async function micro(): Promise<Map<string, Figure>> {
  const words = new Int32Array(new SharedArrayBuffer(64));
  const lockWords = new Int32Array(new SharedArrayBuffer(4 * LOCK_WORDS));
  const configLock = new LockRef('config_lock', 'bench config_lock', lockWords, 0);
  const rcu = new RcuDomain(rcuLayout.allocate(true));

  // vcpu_load + put with the FIXED per-load check, inside an engine-like thread loop (one
  // runHw a batch; every seam step and load/put a recorder event, as on a pCPU worker): the
  // profile's check (v8's probe of both CPUs under the arm_pmus read side), and the designs
  // without a walk (kvm/load-check.ts) for comparison.
  const loadPutVcpu = (slot: number, loadCheck?: LoadCheck) => {
    const host = createHost('rk3588', { profile: 'fixed-counters-only', shared: true, ...(loadCheck ? { switches: { loadCheck } } : {}) });
    const vcpu = host.createVm().createVcpu();
    vcpu.init({ pmu: true }, { cpu: 0 });
    vcpu.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY);
    const task = engineTask(slot, rcu, [host.model.list.lock]);
    readListAsWorker(host.model.list, task);
    vcpu.model.trace = (event, arg) => task.record(event === 'load' ? EVENT_KIND.LOAD : event === 'put' ? EVENT_KIND.PUT : EVENT_KIND.REQUEST_RAISE, arg);
    function* loadPuts(cpus: readonly number[]): Op<void> {
      for (let i = 0; i < BATCH; i++) {
        yield* vcpuLoad(vcpu.model, cpus[i & 1]!);
        yield* vcpuPut(vcpu.model);
      }
    }
    return (cpus: readonly number[]) => runHw(loadPuts(cpus), task);
  };
  const loadPut = loadPutVcpu(20);
  const loadPutCycleOnly = loadPutVcpu(22, 'cycle-only');
  const loadPutEveryCounter = loadPutVcpu(23, 'every-counter');

  // Guest PMU register accesses through the whole trap path, the hammer's mix as the hammer
  // makes it (guest/pmu-hammer.ts: PMCCNTR read, PMSELR write, PMXEVTYPER read, PMCR read,
  // registers resolved once); `guest-access-by-name` names them at every access (API.md).
  const guestVcpu = (() => {
    const v = createHost('rk3588').createVm({ irqchip: 'none' }).createVcpu();
    v.init({ pmu: true }, { cpu: 0 });
    v.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT);
    return v;
  })();
  const qsTask = new HwTask('bench quiescent', 21, rcu);

  // The pCPU loop's per-quantum bookkeeping outside KVM_RUN (pcpu-loop.ts), as a pinned
  // quantum pays it: the claim (doorbell, stop and fault words, the claim CAS, status), the
  // accounting (statistics batched as on a worker, the vCPU's words) and the placement
  // (policy, PRNG word, scheduling word and doorbell).
  const bk = Control.create({ cpus: 2, vcpus: 1, threads: 2 });
  const bkStats = bk.threadStats(0, HW_PUBLISH_EVERY);
  const bkTopology = resolveTopology(presets['rk3588']);
  const bkPolicy = resolvePolicy('pinned', 1);
  const bkGroup = clusterOf(bkTopology);
  const bkGuest = { accesses: 0, cycles: 0 };
  bk.setSched(0, 0);
  const bookkeeping = () => {
    for (let i = 0; i < BATCH; i++) {
      bk.doorbell(0);
      if (bk.stopped() || !bk.claim(0, 0) || bk.faultInjected(0)) throw new Error('bench bookkeeping: claim failed');
      bk.setStatus(0, STATUS.RUNNING);
      const last = bk.lastCpu(0);
      const quanta = accountQuantum(bkStats, bk, bkGroup, 0, { guest: bkGuest, loaded: true, last, cpu: 0, endedOn: 0, reloads: 0 });
      const next = nextCpu(bkPolicy, bkTopology, { current: 0, quanta, rng: bk.rngState(0) });
      bk.setRngState(0, next.rng);
      bk.setSched(0, next.cpu, 0);
    }
  };

  const tasks: MicroTask[] = [
    { name: 'atomics-add', batch: () => { for (let i = 0; i < BATCH; i++) Atomics.add(words, 0, 1); } },
    {
      name: 'cas-lock',
      batch: () => {
        for (let i = 0; i < BATCH; i++) {
          while (Atomics.compareExchange(words, 1, 0, 1) !== 0);
          Atomics.store(words, 1, 0);
        }
      },
    },
    {
      name: 'config-lock',
      batch: () => {
        for (let i = 0; i < BATCH; i++) {
          configLock.acquireBlocking(7);
          configLock.releaseBy(7);
        }
      },
    },
    ...listReadTasks([4, 8]),
    { name: 'rcu-quiescent', batch: () => { for (let i = 0; i < BATCH; i++) qsTask.quiescent(); } },
    { name: 'load-put', batch: () => loadPut([4, 5]) },
    { name: 'load-put-cluster-change', batch: () => loadPut([0, 4]) },
    { name: 'load-put-cycle-only', batch: () => loadPutCycleOnly([4, 5]) },
    { name: 'load-put-every-counter', batch: () => loadPutEveryCounter([4, 5]) },
    {
      name: 'guest-access',
      batch: () => {
        guestVcpu.run({
          cpu: 0,
          guest: (g) => {
            for (let k = 0; k < BATCH; k += 4) {
              g.read(HAMMER_REGS.PMCCNTR);
              g.write(HAMMER_REGS.PMSELR, 31n);
              g.read(HAMMER_REGS.PMXEVTYPER);
              g.read(HAMMER_REGS.PMCR);
            }
          },
        });
      },
    },
    {
      name: 'guest-access-by-name',
      batch: () => {
        guestVcpu.run({
          cpu: 0,
          guest: (g) => {
            for (let k = 0; k < BATCH; k += 4) {
              g.read('PMCCNTR_EL0');
              g.write('PMSELR_EL0', 31n);
              g.read('PMXEVTYPER_EL0');
              g.read('PMCR_EL0');
            }
          },
        });
      },
    },
    { name: 'quantum-bookkeeping', batch: bookkeeping },
    { name: 'ioctl-get-one-reg', batch: () => { for (let i = 0; i < BATCH; i++) guestVcpu.getOneReg('PMCR_EL0'); } },
  ];
  log(`micro: ${tasks.length} tasks × ${REPS} repetitions × ${MICRO_MS} ms …`);
  return measureMicroFigures(tasks, MICRO_MS, REPS);
}

/** Wait/notify round trips between two workers, ns each, one pair of workers a repetition. */
async function roundTrips(): Promise<Figure> {
  const rounds = quick ? 2_000 : 20_000;
  const out: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const buffer = new SharedArrayBuffer(8);
    const [first] = await runProbes([
      { kind: 'pingpong', buffer, me: 0, rounds },
      { kind: 'pingpong', buffer, me: 1, rounds },
    ]);
    // Timed inside the worker from its first turn, so worker start-up is not counted.
    out.push(first!.elapsedNs! / rounds);
  }
  return figureOf(out);
}

/**
 * Engine runs on two single-CPU PMUs, one idle vCPU: pinned vs ping-pong (every quantum a
 * migration to the other pCPU worker), alternating, REPS of each. A migration costs the
 * ping-pong run's time per load minus the pinned run's, paired per repetition; plus the
 * hammer's guest accesses per engine worker.
 */
async function engine(): Promise<{ migration: Figure; pinned: Figure; hammer: Figure }> {
  const two = { name: 'two', pmus: [{ name: 'little', cpus: [0] }, { name: 'big', cpus: [1] }] };
  const quantum = (policy: 'pinned' | 'ping-pong') =>
    resolveScenario({ name: policy, host: two, durationMs: RUN_MS, scheduler: { policy }, vms: [{ vcpus: [{ workload: 'idle', cycles: 0, start: 0 }] }] });
  const hammer = resolveScenario({
    name: 'hammer',
    host: two,
    durationMs: RUN_MS,
    scheduler: { policy: 'pinned' },
    vms: [{ vcpus: [{ workload: 'pmu-hammer', accesses: 20_000, cycles: 0, start: 0 }] }],
  });
  const nsPerLoad = (r: Awaited<ReturnType<typeof runScenario>>) => (r.elapsedMs * 1e6) / Math.max(1, r.totals.loads);
  const migration: number[] = [];
  const pinned: number[] = [];
  const access: number[] = [];
  for (let r = 0; r < REPS; r++) {
    log(`engine: repetition ${r + 1}/${REPS} (pinned, ping-pong, hammer) …`);
    const p = nsPerLoad(await runScenario(quantum('pinned')));
    const pp = nsPerLoad(await runScenario(quantum('ping-pong')));
    pinned.push(p);
    migration.push(pp - p);
    access.push(1e9 / (await runScenario(hammer)).rates.guestAccesses);
  }
  return { migration: figureOf(migration), pinned: figureOf(pinned), hammer: figureOf(access) };
}

/** ≥ 1 M sim steps/s on one core (the engine issue): ≤ 1000 ns a step. */
const SIM_STEP_TARGET: Target = { limit: 1000, text: '≥ 1 M steps/s (≤ 1000 ns)', absoluteNs: true };

async function main(): Promise<void> {
  const m = await micro();
  const simOpts = quick ? { reps: REPS, simSteps: 20_000, bareSteps: 1_000_000 } : { reps: REPS, simSteps: 300_000, bareSteps: 10_000_000 };
  log(`sim: bare generator loop vs runExecution, ${simOpts.reps} alternating repetitions …`);
  const sim = measureSimStep(simOpts);
  log('one-way wake between two workers …');
  const wake = await measureOneWayWake(REPS, quick ? 300 : 3000);
  log('wait/notify round trip between two workers …');
  const rt = await roundTrips();
  const e = await engine();
  const scaling = await measureScaling(SCALING_REPS, SCALING_WARM_MS, SCALING_MS, log);

  const fig = (name: string) => {
    const f = m.get(name);
    if (!f) throw new Error(`bench: no micro figure ${name}`);
    return f;
  };
  const oneWay = figureOf(wake.perRep);
  const floor: Floor = { atomicsAddNs: fig('atomics-add').median, casLockNs: fig('cas-lock').median, oneWayWakeNs: oneWay.median };
  const measured: Measured[] = [
    { name: 'atomics-add', figure: fig('atomics-add'), baseline: 'atomicsAddNs', label: 'raw Atomics.add (floor)' },
    { name: 'cas-lock', figure: fig('cas-lock'), baseline: 'casLockNs', label: 'raw CAS lock + unlock (floor)' },
    { name: 'one-way-wake', figure: oneWay, baseline: 'oneWayWakeNs', label: `one-way wake, notify → waiter runs, 2 workers (floor; ${wake.dropped} samples dropped)` },
    { name: 'wake-round-trip', figure: rt, baseline: 'oneWayWakeNs', label: 'Atomics.wait/notify round trip, 2 workers' },
    { name: 'config-lock', figure: fig('config-lock'), baseline: 'casLockNs', label: 'config_lock acquire + release', target: ratioAtMost(2, 'casLockNs') },
  ];
  for (const n of [4, 8]) {
    const walk = `bare-walk-${n}`;
    measured.push(
      { name: walk, figure: fig(walk), baseline: walk, label: `arm_pmus walk, ${n} PMUs, no read side (${(fig(walk).median / floor.atomicsAddNs).toFixed(1)}× atomicsAdd)` },
      { name: `rcu-read-side-${n}`, figure: fig(`rcu-read-side-${n}`), baseline: walk, label: `RCU (QSBR) probe as the engine pays it, ${n} PMUs`, target: ratioAtMost(1.3, walk) },
      { name: `rcu-memb-read-side-${n}`, figure: fig(`rcu-memb-read-side-${n}`), baseline: walk, label: `RCU memb-flavour probe as the engine pays it (reader word, seq_cst), ${n} PMUs`, target: ratioAtMost(1.5, walk) },
      { name: `mutex-lookup-${n}`, figure: fig(`mutex-lookup-${n}`), baseline: walk, label: `arm_pmus_lock probe as the engine pays it, ${n} PMUs` },
    );
  }
  measured.push(
    { name: 'rcu-quiescent', figure: fig('rcu-quiescent'), baseline: 'atomicsAddNs', label: 'RCU quiescent-state report (once per operation)' },
    { name: 'guest-access', figure: fig('guest-access'), baseline: 'atomicsAddNs', label: 'guest PMU access, hammer mix, trap path, one thread', target: ratioAtMost(5, 'atomicsAddNs') },
    { name: 'guest-access-by-name', figure: fig('guest-access-by-name'), baseline: 'atomicsAddNs', label: 'guest PMU access, hammer mix, registers named at each access (API.md g.read(name))' },
    { name: 'engine-guest-access', figure: e.hammer, baseline: 'atomicsAddNs', label: 'guest PMU access, hammer, per engine pCPU worker' },
    { name: 'load-put', figure: fig('load-put'), baseline: 'atomicsAddNs', label: 'vcpu_load + put with the per-load check, same cluster', target: ratioAtMost(25, 'atomicsAddNs') },
    { name: 'load-put-cluster-change', figure: fig('load-put-cluster-change'), baseline: 'atomicsAddNs', label: 'vcpu_load + put, cluster change (check fires)' },
    { name: 'load-put-cycle-only', figure: fig('load-put-cycle-only'), baseline: 'atomicsAddNs', label: "vcpu_load + put, same cluster, check design cycle-only (the event's PMU, no arm_pmus walk)" },
    { name: 'load-put-every-counter', figure: fig('load-put-every-counter'), baseline: 'atomicsAddNs', label: 'vcpu_load + put, same cluster, check design every-counter (no arm_pmus walk)' },
    { name: 'ioctl-get-one-reg', figure: fig('ioctl-get-one-reg'), baseline: 'atomicsAddNs', label: 'ioctl KVM_GET_ONE_REG (direct API)' },
    { name: 'engine-quantum-pinned', figure: e.pinned, baseline: 'oneWayWakeNs', label: 'engine quantum, pinned (KVM_RUN, idle guest)' },
    {
      name: 'quantum-bookkeeping',
      figure: fig('quantum-bookkeeping'),
      baseline: 'engine-quantum-pinned',
      label: "pCPU loop's per-quantum bookkeeping (claim, statistics, placement)",
      target: { limit: 0.1, text: '≤ 10 % of a pinned quantum' },
    },
    { name: 'migration', figure: e.migration, baseline: 'oneWayWakeNs', label: 'migration between pCPU workers (ping-pong − pinned, per load)', target: ratioAtMost(1.5, 'oneWayWakeNs') },
    { name: 'bare-generator-step', figure: sim.bare, baseline: 'atomicsAddNs', label: `bare seeded generator step, ${BARE_THREADS} threads` },
  );
  for (const kind of SCALING_KINDS) {
    const base = scalingName(kind, kind === 'migrations' ? 2 : 1);
    for (const w of SCALING_WORKERS) {
      const f = scaling.figures.get(scalingName(kind, w));
      if (!f) continue;
      const what = kind === 'compute-floor' ? "plain arithmetic op, each worker on its own memory (the machine's scaling floor)" : kind === 'pinned-quanta' ? 'pinned quantum' : kind === 'migrations' ? 'migration' : 'guest PMU access (hammer)';
      const m: Measured = { name: scalingName(kind, w), figure: f, baseline: base, label: `${what}, ${w} pCPU worker${w > 1 ? 's' : ''} (ns per op of the whole run; ratio = ${base} rate ÷ this rate)` };
      // Issue 9: two workers run ≥ 1.6× the pinned quanta of one (ns per quantum ≤ 1/1.6).
      measured.push(kind === 'pinned-quanta' && w === 2 ? { ...m, target: { limit: 1 / 1.6, text: '≥ 1.6× the quanta/s of 1 worker (ratio ≤ 0.625)' } } : m);
    }
  }
  for (const { case: c, figure, executions } of sim.sims) {
    measured.push({ name: c.name, figure, baseline: 'bare-generator-step', label: `sim step, ${c.label}, random, oracles off (${executions} executions)`, target: SIM_STEP_TARGET });
  }
  const out = buildBenchJson(floor, measured);
  if (json) {
    process.stdout.write(`${JSON.stringify(out)}\n`);
    return;
  }
  const time = (v: number) => (Math.abs(v) >= 1000 ? `${(v / 1000).toFixed(2)} µs` : `${v.toFixed(1)} ns`);
  const label = new Map(measured.map((x) => [x.name, x.label]));
  console.log(
    formatTable(
      ['figure', 'measurement', 'median (min–max)', 'ratio', 'baseline', 'target', 'met'],
      out.figures.map((f) => [
        f.name,
        label.get(f.name)!,
        `${time(f.median)} (${time(f.min)}–${time(f.max)})`,
        `${f.ratio.toFixed(2)}×`,
        f.baseline,
        f.target ?? '',
        f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
      ]),
    ),
  );
  console.log(`\nscaling: ${SCALING_MS} ms counted after a ${SCALING_WARM_MS} ms warm-up, ${SCALING_REPS} runs a cell, median (min–max) and speed-up over 1 worker (migrations: over 2)`);
  console.log(formatTable(['workers', 'compute floor (plain ops/s)', 'pinned quanta/s', 'migrations/s', 'guest accesses/s (hammer)'], scalingTable(scaling)));
  console.log(
    `\nfloor: Atomics.add ${time(floor.atomicsAddNs)}, CAS lock ${time(floor.casLockNs)}, one-way wake ${time(floor.oneWayWakeNs)}; ` +
      `${REPS} repetitions a figure${quick ? ' (--quick)' : ''}; Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs`,
  );
}

await main();
