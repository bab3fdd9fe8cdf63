/**
 * `npm run bench`: the physical floor of this machine, measured in the same run, and the
 * emulator's synchronisation and trap paths as ratios to it, against the targets of the
 * engine issue. Figures, not pass/fail tests: the machine is noisy. `--json` prints only
 * the JSON object; `--quick` shortens every measurement (for CI smoke runs).
 */
import { createHost } from '../src/api/host.js';
import { uapi } from '../src/arch/uapi.js';
import { formatTable } from '../src/cli/table.js';
import { runScenario } from '../src/engine/coordinator.js';
import { leafReaderFor } from '../src/engine/leaf-reader.js';
import { runProbes } from '../src/engine/run-probes.js';
import { resolveScenario } from '../src/engine/scenario.js';
import { PmuList, pmuListLayout } from '../src/host/pmu-list.js';
import { vcpuLoad, vcpuPut } from '../src/kvm/arm.js';
import { HwTask, runHw } from '../src/sync/hw.js';
import { LOCK_WORDS, LockRef } from '../src/sync/lock.js';
import { RcuDomain, rcuLayout } from '../src/sync/rcu.js';
import { BATCH, measureMicro, type MicroTask } from './micro.js';
import { BARE_THREADS, measureSimStep, type Figure } from './sim-step.js';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const MICRO_MS = quick ? 100 : 600;
const RUN_MS = quick ? 400 : 2000;

interface Row {
  name: string;
  value: number;
  unit: string;
  /** Ratio to the floor it is compared with, if any. */
  ratio?: number;
  target?: string;
  met?: boolean;
  /** Spread over repetitions, when the figure is a median of several. */
  min?: number;
  max?: number;
}

/** A figure of API.md "Benchmark JSON": ns per operation, ratio = median / baseline's. */
interface JsonFigure {
  name: string;
  median: number;
  min: number;
  max: number;
  ratio: number;
  baseline: string;
  target?: string;
  met?: boolean;
}

const log = (m: string) => {
  if (!args.has('--json')) process.stderr.write(`${m}\n`);
};

/** Every host PMU list design, on an 8-PMU list so a lookup walks a few entries. */
function lists() {
  const rcu = new RcuDomain(rcuLayout.allocate(true));
  const make = (design: 'mutex' | 'rcu') => {
    const list = new PmuList(pmuListLayout.allocate(true), design);
    const task = new HwTask(`bench ${design}`, design === 'rcu' ? 1 : 2, rcu);
    for (let i = 0; i < 8; i++) runHw(list.append(i, 8 + i, [i]), task);
    return { list, task };
  };
  return { rcu, mutex: make('mutex'), rcuList: make('rcu') };
}

async function micro(): Promise<Map<string, number>> {
  const words = new Int32Array(new SharedArrayBuffer(64));
  const lockWords = new Int32Array(new SharedArrayBuffer(4 * LOCK_WORDS));
  const configLock = new LockRef('config_lock', 'bench config_lock', lockWords, 0);
  const { rcu, mutex, rcuList } = lists();
  rcuList.list.leaf = leafReaderFor(rcuList.list, rcuList.task);
  mutex.list.leaf = leafReaderFor(mutex.list, mutex.task);
  const bare = new PmuList(rcuList.list.region, 'rcu'); // same list, no read-side marking

  // vcpu_load + put with the FIXED per-load check, alternating clusters (the check fires).
  const host = createHost('rk3588', { profile: 'fixed-counters-only', shared: true });
  const vm = host.createVm();
  const vcpu = vm.createVcpu();
  vcpu.init({ pmu: true }, { cpu: 0 });
  vcpu.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY);
  const vcpuTask = new HwTask('bench vcpu', 3, rcu);
  host.model.list.leaf = leafReaderFor(host.model.list, vcpuTask);
  const loadPut = (cpus: readonly number[]) => () => {
    for (let i = 0; i < BATCH; i++) {
      runHw(vcpuLoad(vcpu.model, cpus[i & 1]!), vcpuTask);
      vcpuPut(vcpu.model);
    }
  };

  // Guest PMU register accesses, through the whole trap path.
  const guestVcpu = (() => {
    const v = createHost('rk3588').createVm({ irqchip: 'none' }).createVcpu();
    v.init({ pmu: true }, { cpu: 0 });
    v.setDeviceAttr(uapi.KVM_ARM_VCPU_PMU_V3_CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT);
    return v;
  })();
  const ioctlVcpu = guestVcpu;

  const tasks: MicroTask[] = [
    { name: 'raw Atomics.add', batch: () => { for (let i = 0; i < BATCH; i++) Atomics.add(words, 0, 1); } },
    {
      name: 'raw CAS lock + unlock',
      batch: () => {
        for (let i = 0; i < BATCH; i++) {
          while (Atomics.compareExchange(words, 1, 0, 1) !== 0);
          Atomics.store(words, 1, 0);
        }
      },
    },
    {
      name: 'config_lock acquire + release',
      batch: () => {
        for (let i = 0; i < BATCH; i++) {
          configLock.acquireBlocking(7);
          configLock.releaseBy(7);
        }
      },
    },
    { name: 'unprotected arm_pmus walk', batch: () => { for (let i = 0; i < BATCH; i++) bare.firstCovering(i & 7); } },
    { name: 'RCU read-side arm_pmus lookup', batch: () => { for (let i = 0; i < BATCH; i++) rcuList.list.firstCovering(i & 7); } },
    { name: 'mutex arm_pmus lookup', batch: () => { for (let i = 0; i < BATCH; i++) mutex.list.firstCovering(i & 7); } },
    { name: 'RCU quiescent-state report', batch: () => { for (let i = 0; i < BATCH; i++) rcuList.task.quiescent(); } },
    { name: 'vcpu_load + put, same cluster', batch: loadPut([4, 5]) },
    { name: 'vcpu_load + put, cluster change (check fires)', batch: loadPut([0, 4]) },
    {
      name: 'guest PMU register access (trap path)',
      batch: () => {
        guestVcpu.run({ cpu: 0, guest: (g) => { for (let i = 0; i < BATCH; i++) g.read('PMCCNTR_EL0'); } });
      },
    },
    { name: 'ioctl KVM_GET_ONE_REG (direct API)', batch: () => { for (let i = 0; i < BATCH; i++) ioctlVcpu.getOneReg('PMCR_EL0'); } },
  ];
  log(`micro: ${tasks.length} tasks × ${MICRO_MS} ms …`);
  return measureMicro(tasks, MICRO_MS);
}

/** Wait/notify round trip between two workers, in ns. */
async function waitNotifyRoundTrip(): Promise<number> {
  const rounds = quick ? 5_000 : 50_000;
  const buffer = new SharedArrayBuffer(8);
  const [first] = await runProbes([
    { kind: 'pingpong', buffer, me: 0, rounds },
    { kind: 'pingpong', buffer, me: 1, rounds },
  ]);
  // Timed inside the worker from its first turn, so worker start-up is not counted.
  return first!.elapsedNs! / rounds;
}

/** Engine runs: migration handoff, guest accesses per worker, ioctls per second. */
async function engine() {
  const two = { name: 'two', pmus: [{ name: 'little', cpus: [0] }, { name: 'big', cpus: [1] }] };
  const quantum = (policy: string) =>
    resolveScenario({ name: policy, host: two, durationMs: RUN_MS, scheduler: { policy: policy as 'pinned' }, vms: [{ vcpus: [{ workload: 'idle', cycles: 0, start: 0 }] }] });
  log('engine: pinned vs ping-pong quanta …');
  const pinned = await runScenario(quantum('pinned'));
  const pingpong = await runScenario(quantum('ping-pong'));
  const nsPer = (r: typeof pinned) => (r.elapsedMs * 1e6) / Math.max(1, r.totals.loads);
  log('engine: PMU hammer …');
  const hammer = await runScenario(
    resolveScenario({
      name: 'hammer',
      host: two,
      durationMs: RUN_MS,
      scheduler: { policy: 'pinned' },
      vms: [{ vcpus: [{ workload: 'pmu-hammer', accesses: 20_000, cycles: 0, start: 0 }] }],
    }),
  );
  log('engine: VMM ioctls …');
  const ioctls = await runScenario(
    resolveScenario({
      name: 'ioctls',
      host: two,
      durationMs: RUN_MS,
      vms: [{ vcpus: [{ workload: 'idle', start: 0 }] }],
      vmm: [{ steps: [{ op: 'get-reg', vcpu: 0, reg: 'PMCR_EL0' }, { op: 'set-attr', vcpu: 0, attr: 'SET_PMU', value: 8 }] }],
    }),
  );
  return {
    quantumPinnedNs: nsPer(pinned),
    quantumPingPongNs: nsPer(pingpong),
    handoffNs: nsPer(pingpong) - nsPer(pinned),
    hammerAccessesPerSec: hammer.rates.guestAccesses,
    ioctlsPerSec: ioctls.rates.ioctls,
  };
}

/** The sim driver's step against a bare seeded generator step loop (DESIGN principle 1), same run. */
function simSteps() {
  const opts = quick ? { reps: 5, simSteps: 20_000, bareSteps: 1_000_000 } : { reps: 7, simSteps: 300_000, bareSteps: 10_000_000 };
  log(`sim: bare generator loop vs runExecution, ${opts.reps} alternating repetitions …`);
  return measureSimStep(opts);
}

/** ≥ 1 M sim steps/s on one core (the engine issue). */
const SIM_STEP_LIMIT_NS = 1000;
const SIM_STEP_TARGET = '≥ 1 M steps/s (≤ 1000 ns)';

async function main(): Promise<void> {
  const m = await micro();
  const sim = simSteps();
  log('wait/notify round trip between two workers …');
  const rt = await waitNotifyRoundTrip();
  const e = await engine();
  const ns = (name: string) => m.get(name)!;
  const rows: Row[] = [
    { name: 'raw Atomics.add', value: ns('raw Atomics.add'), unit: 'ns' },
    { name: 'raw CAS lock + unlock', value: ns('raw CAS lock + unlock'), unit: 'ns' },
    { name: 'Atomics.wait/notify round trip, 2 workers', value: rt, unit: 'ns' },
    { name: 'unprotected arm_pmus walk', value: ns('unprotected arm_pmus walk'), unit: 'ns' },
  ];
  const vs = (name: string, value: number, unit: string, floor: number, limit: number, target: string): Row => {
    const ratio = value / floor;
    return { name, value, unit, ratio, target, met: ratio <= limit };
  };
  rows.push(
    vs('config_lock acquire + release', ns('config_lock acquire + release'), 'ns', ns('raw CAS lock + unlock'), 2, '≤ 2× raw CAS lock'),
    vs('RCU read-side arm_pmus lookup', ns('RCU read-side arm_pmus lookup'), 'ns', ns('unprotected arm_pmus walk'), 1.2, '≤ 1.2× unprotected walk'),
    { name: 'mutex arm_pmus lookup', value: ns('mutex arm_pmus lookup'), unit: 'ns', ratio: ns('mutex arm_pmus lookup') / ns('unprotected arm_pmus walk') },
    { name: 'RCU quiescent-state report (once per operation)', value: ns('RCU quiescent-state report'), unit: 'ns' },
    { name: 'vcpu_load + put, same cluster', value: ns('vcpu_load + put, same cluster'), unit: 'ns', target: '≤ 1 µs', met: ns('vcpu_load + put, same cluster') <= 1000 },
    {
      name: 'vcpu_load + put, cluster change (check fires)',
      value: ns('vcpu_load + put, cluster change (check fires)'),
      unit: 'ns',
      target: '≤ 1 µs',
      met: ns('vcpu_load + put, cluster change (check fires)') <= 1000,
    },
    { name: 'engine quantum, pinned (KVM_RUN, idle guest)', value: e.quantumPinnedNs, unit: 'ns' },
    vs('migration handoff between pCPU workers', e.handoffNs, 'ns', rt, 2, '≤ 2× wait/notify round trip'),
    {
      name: 'guest PMU accesses per second, one thread',
      value: 1e9 / ns('guest PMU register access (trap path)'),
      unit: '/s',
      target: '≥ 10 M/s per worker',
      met: 1e9 / ns('guest PMU register access (trap path)') >= 10e6,
    },
    { name: 'guest PMU accesses per second, engine worker', value: e.hammerAccessesPerSec, unit: '/s', target: '≥ 10 M/s per worker', met: e.hammerAccessesPerSec >= 10e6 },
    { name: 'ioctls per second, direct API', value: 1e9 / ns('ioctl KVM_GET_ONE_REG (direct API)'), unit: '/s' },
    { name: 'ioctls per second, engine VMM thread', value: e.ioctlsPerSec, unit: '/s' },
  );
  const median = (name: string, f: Figure, extra: Omit<Row, 'name' | 'value' | 'unit' | 'min' | 'max'> = {}): Row => ({
    name,
    value: f.median,
    unit: 'ns',
    min: f.min,
    max: f.max,
    ...extra,
  });
  const figures: JsonFigure[] = [];
  const atomicsAddNs = ns('raw Atomics.add');
  figures.push({ name: 'bare-generator-step', median: sim.bare.median, min: sim.bare.min, max: sim.bare.max, ratio: sim.bare.median / atomicsAddNs, baseline: 'atomicsAddNs' });
  rows.push(median(`bare seeded generator step, ${BARE_THREADS} threads (bare-generator-step)`, sim.bare, { ratio: sim.bare.median / atomicsAddNs }));
  for (const { case: c, figure: f, executions } of sim.sims) {
    const met = f.median <= SIM_STEP_LIMIT_NS;
    figures.push({ name: c.name, median: f.median, min: f.min, max: f.max, ratio: f.median / sim.bare.median, baseline: 'bare-generator-step', target: SIM_STEP_TARGET, met });
    rows.push(median(`sim step, ${c.label}, random, oracles off (${c.name}; ${executions} executions)`, f, { ratio: f.median / sim.bare.median, target: SIM_STEP_TARGET, met }));
  }
  const json = { machine: { node: process.version, cpus: (await import('node:os')).cpus().length }, quick, rows, figures };
  if (args.has('--json')) {
    console.log(JSON.stringify(json, null, 2));
    return;
  }
  const time = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} µs` : `${v.toFixed(1)} ns`);
  const fmt = (r: Row) =>
    r.unit === '/s' ? `${(r.value / 1e6).toFixed(2)} M/s` : r.min !== undefined && r.max !== undefined ? `${time(r.value)} (${time(r.min)}–${time(r.max)})` : time(r.value);
  console.log(
    formatTable(
      ['measurement', 'value', 'ratio', 'target', 'met'],
      rows.map((r) => [r.name, fmt(r), r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`, r.target ?? '', r.met === undefined ? '' : r.met ? 'yes' : 'NO']),
    ),
  );
  console.log('\n' + JSON.stringify(json));
}

await main();
