/**
 * `npm run bench:partition`: what the partitioned PMU (spec §6, docs/partition.md) costs at
 * vcpu_load + vcpu_put against the emulated path, and how a guest's PMU accesses are served
 * with and without FEAT_FGT — all in one run, next to the physical floor (raw Atomics.add,
 * DESIGN principle 6). Figures only: issue 8 gives no targets.
 *
 * What is timed: the model's own `vcpuLoad` + `vcpuPut` (src/kvm/arm.ts — MDCR_EL2, perf
 * sched-in/out, the §6.4 swap), stepped by the hw driver (`runHw`, what a pCPU worker runs
 * them with inside `vcpuRun`), on a shared-memory rk3588 host, alternating CPUs 4 and 5 (one
 * A76 PMU, so no reload request). Not `vcpu.run`: KVM_RUN's mutex, request servicing and
 * guest entry would be common to every row and only blur the difference. Before timing,
 * each vCPU runs its guest program once (vcpu.run, CPU 4), which leaves it in the state a
 * load then works on:
 *   - idle guest: executes cycles, never touches the PMU;
 *   - pmu guest:  PMCNTENSET = 1, PMEVTYPER0 = CPU_CYCLES, PMCR.E, runs, reads PMEVCNTR0.
 * Configurations, every one profile `partition` on the same topology:
 *   - emulated: ENABLE_PARTITION not set (the baseline; differs from the others only there);
 *   - partition-eager / -lazy / -lazy-debug: ENABLE_PARTITION(1), switch `partitionSwap`;
 *   - mainline: profile mainline, for reference (should match emulated).
 * Each figure is the median (min–max) over the repetitions of tinybench's mean per pair
 * (batches of BATCH pairs; the tasks' order rotates between repetitions), as a ratio to the
 * emulated row of the same guest and to the floor of the same repetitions.
 * Registers moved per load / per put: PSTAT REGS_LOADED / REGS_PUT over the timed pairs.
 *
 * Trap counts: the same guest program on fresh vCPUs with topology `features.fgt` true and
 * false, three KVM_RUNs each on CPU 4: full exits / hyp fast-path hits / direct (untrapped)
 * accesses from PSTAT. PSTAT counts partitioned vCPUs only; on the emulated path every
 * access traps to KVM (a full exit), so its row shows GuestCpu.accesses as full exits.
 *
 * Options: `--quick` (CI: short), `--reps N` (≥ 5), `--time MS` (per task and repetition),
 * `--json` (one line on stdout, nothing on stderr).
 */
import { createHost } from '../src/api/host.js';
import type { Vcpu } from '../src/api/vcpu.js';
import { uapi } from '../src/arch/uapi.js';
import { formatTable } from '../src/cli/table.js';
import { readListAsWorker } from '../src/engine/leaf-reader.js';
import { presets } from '../src/host/presets.js';
import { vcpuLoad, vcpuPut } from '../src/kvm/arm.js';
import type { GuestCpu } from '../src/kvm/guest-cpu.js';
import type { ProfileSwitches } from '../src/kvm/profile.js';
import { PSTAT, VCPU_FLAG } from '../src/kvm/vcpu-state.js';
import type { Spread } from '../src/report/comparison.js';
import { spreadOf } from '../src/report/spread.js';
import { HwTask, runHw } from '../src/sync/hw.js';
import { RcuDomain, rcuLayout } from '../src/sync/rcu.js';
import type { Op } from '../src/sync/seam.js';
import { BATCH, measureMicro, type MicroTask } from './micro.js';

const argv = process.argv.slice(2);
function fail(message: string): never {
  process.stderr.write(`bench:partition: ${message}\n`);
  process.exit(2);
}
function intOption(name: string, dflt: number, min: number, max: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const raw = argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} expects an integer in ${min}..${max}, got ${raw}`);
  return n;
}
const quick = argv.includes('--quick');
const json = argv.includes('--json');
const REPS = intOption('reps', quick ? 5 : 7, 5, 100);
const TIME_MS = intOption('time', quick ? 20 : 250, 10, 10_000);
/** KVM_RUNs of the guest program per trap-count vCPU. */
const TRAP_RUNS = 3;
/** CPUs the timed pairs alternate between: both A76 (one PMU), as bench/main.ts "same cluster". */
const CPUS = [4, 5] as const;

const say = (m: string) => {
  if (!json) process.stderr.write(`${m}\n`);
};

// ---------------------------------------------------------------- configurations and guests

interface Config {
  readonly name: string;
  readonly profile: 'partition' | 'mainline';
  readonly partitioned: boolean;
  readonly switches: Partial<ProfileSwitches>;
  /** Not one of the compared rows: shown for reference. */
  readonly reference?: boolean;
}

const CONFIGS: readonly Config[] = [
  { name: 'emulated', profile: 'partition', partitioned: false, switches: {} },
  { name: 'partition-eager', profile: 'partition', partitioned: true, switches: { partitionSwap: 'eager' } },
  { name: 'partition-lazy', profile: 'partition', partitioned: true, switches: { partitionSwap: 'lazy' } },
  { name: 'partition-lazy-debug', profile: 'partition', partitioned: true, switches: { partitionSwap: 'lazy-debug' } },
  { name: 'mainline', profile: 'mainline', partitioned: false, switches: {}, reference: true },
];

type GuestKind = 'idle' | 'pmu';
const GUESTS: Record<GuestKind, (g: GuestCpu) => void> = {
  idle: (g) => g.exec(1000),
  pmu: (g) => {
    g.write('PMCNTENSET_EL0', 1n); // first: an access FGT does not trap (lazy: the switch shows)
    g.write('PMEVTYPER0_EL0', 0x11n); // CPU_CYCLES; FGT still traps event types
    g.write('PMCR_EL0', 1n); // E
    g.exec(1000);
    g.read('PMEVCNTR0_EL0');
  },
};
const GUEST_KINDS: readonly GuestKind[] = ['idle', 'pmu'];

function check(ret: number, what: string): void {
  if (ret !== 0) throw new Error(`bench:partition: ${what} returned ${ret}`);
}

/** A vCPU on rk3588 with the PMU (vGIC, PPI 23), ENABLE_PARTITION(1) if partitioned, INIT done. */
function setUp(cfg: Config, fgt: boolean): Vcpu {
  const host = createHost({ ...presets.rk3588!, features: { fgt } }, { profile: cfg.profile, switches: cfg.switches, shared: true });
  const vm = host.createVm();
  const vcpu = vm.createVcpu();
  check(vcpu.init({ pmu: true }, { cpu: CPUS[0] }), 'KVM_ARM_VCPU_INIT');
  const CTRL = uapi.KVM_ARM_VCPU_PMU_V3_CTRL;
  if (cfg.partitioned) check(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_ENABLE_PARTITION, 1), 'ENABLE_PARTITION');
  check(vm.vgicInit(), 'vgic init');
  check(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_IRQ, 23), 'PMU IRQ');
  check(vcpu.setDeviceAttr(CTRL, uapi.KVM_ARM_VCPU_PMU_V3_INIT), 'PMU INIT');
  return vcpu;
}

/** One KVM_RUN of `guest` on `cpu`; the number of PMU accesses the program made. */
function runGuest(vcpu: Vcpu, cpu: number, guest: (g: GuestCpu) => void): number {
  let accesses = 0;
  const r = vcpu.run({
    cpu,
    guest: (g) => {
      guest(g);
      accesses = g.accesses;
    },
  });
  if (r.ret !== 0) throw new Error(`bench:partition: KVM_RUN returned ${JSON.stringify(r)}`);
  return accesses;
}

const STATS = ['SWAP_LOADS', 'REGS_LOADED', 'SWAP_PUTS', 'REGS_PUT', 'HOST_EVENTS_MOVED', 'DIRECT', 'FAST_PATH', 'FULL_EXITS'] as const;
type Stats = Record<(typeof STATS)[number], number>;
function stats(v: Vcpu): Stats {
  return Object.fromEntries(STATS.map((k) => [k, v.model.stat(PSTAT[k])])) as Stats;
}
function delta(a: Stats, b: Stats): Stats {
  return Object.fromEntries(STATS.map((k) => [k, b[k] - a[k]])) as Stats;
}

// ---------------------------------------------------------------- load + put timing


/**
 * vcpu_put, whether the model has it as a plain function or as a generator of seam steps
 * (then stepped by the same hw driver as the load): a generator called and not run would
 * silently skip the put.
 */
function put(model: Vcpu['model'], task: HwTask): void {
  const op: unknown = vcpuPut(model);
  if (typeof op === 'object' && op !== null && typeof (op as Op<void>).next === 'function') runHw(op as Op<void>, task);
}

/** One load + put must leave the vCPU unloaded with its context back in the vCPU file. */
function checkPair(s: { vcpu: Vcpu; task: HwTask }, what: string): void {
  const m = s.vcpu.model;
  runHw(vcpuLoad(m, CPUS[1]), s.task);
  put(m, s.task);
  if (m.hasFlag(VCPU_FLAG.LOADED) || m.contextCpu !== -1) throw new Error(`bench:partition: ${what}: vcpu_put left the vCPU loaded (contextCpu ${m.contextCpu})`);
}

interface Subject {
  readonly cfg: Config;
  readonly guest: GuestKind;
  readonly vcpu: Vcpu;
  readonly task: MicroTask;
  pairs: number;
  before: Stats;
}

const FLOOR = 'raw Atomics.add';
const key = (cfg: string, guest: GuestKind) => `${cfg} / ${guest}`;

function subjects(rcu: RcuDomain): Subject[] {
  const out: Subject[] = [];
  let slot = 1;
  for (const cfg of CONFIGS) {
    for (const guest of GUEST_KINDS) {
      const vcpu = setUp(cfg, true);
      runGuest(vcpu, CPUS[0], GUESTS[guest]);
      const model = vcpu.model;
      const task = new HwTask(`bench ${key(cfg.name, guest)}`, slot++, rcu);
      readListAsWorker(model.vm.host.list, task);
      const s: Subject = {
        cfg,
        guest,
        vcpu,
        pairs: 0,
        before: stats(vcpu),
        task: {
          name: key(cfg.name, guest),
          batch: () => {
            for (let i = 0; i < BATCH; i++) {
              runHw(vcpuLoad(model, CPUS[i & 1]!), task);
              put(model, task);
            }
            s.pairs += BATCH;
          },
        },
      };
      checkPair({ vcpu, task }, s.task.name);
      s.before = stats(vcpu);
      out.push(s);
    }
  }
  return out;
}

interface LoadPutFigure extends Spread {
  config: string;
  guest: GuestKind;
  reference: boolean;
  /** median / the emulated median of the same guest kind. */
  ratioEmulated: number;
  /** median / the floor's median. */
  ratioFloor: number;
  pairs: number;
  swapsPerLoad: number;
  regsPerLoad: number;
  regsPerPut: number;
  hostEventsMovedPerPair: number;
}

async function timeLoadPut(): Promise<{ floor: Spread; figures: LoadPutFigure[] }> {
  const rcu = new RcuDomain(rcuLayout.allocate(true));
  const words = new Int32Array(new SharedArrayBuffer(64));
  const subs = subjects(rcu);
  const floorTask: MicroTask = { name: FLOOR, batch: () => { for (let i = 0; i < BATCH; i++) Atomics.add(words, 0, 1); } };
  const tasks = [floorTask, ...subs.map((s) => s.task)];
  const samples = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  for (let rep = 0; rep < REPS; rep++) {
    say(`load + put: repetition ${rep + 1}/${REPS}, ${tasks.length} tasks × ${TIME_MS} ms …`);
    const order = [...tasks.slice(rep % tasks.length), ...tasks.slice(0, rep % tasks.length)];
    const ns = await measureMicro(order, TIME_MS);
    for (const [name, v] of ns) samples.get(name)!.push(v);
  }
  const floor = spreadOf(samples.get(FLOOR)!);
  const medians = new Map(subs.map((s) => [s.task.name, spreadOf(samples.get(s.task.name)!)]));
  const figures = subs.map((s): LoadPutFigure => {
    const f = medians.get(s.task.name)!;
    const d = delta(s.before, stats(s.vcpu));
    if (d.SWAP_LOADS !== d.SWAP_PUTS) throw new Error(`bench:partition: ${s.task.name}: ${d.SWAP_LOADS} swap loads but ${d.SWAP_PUTS} swap puts`);
    const per = (n: number) => (s.pairs === 0 ? NaN : n / s.pairs);
    return {
      config: s.cfg.name,
      guest: s.guest,
      reference: s.cfg.reference === true,
      ...f,
      ratioEmulated: f.median / medians.get(key('emulated', s.guest))!.median,
      ratioFloor: f.median / floor.median,
      pairs: s.pairs,
      swapsPerLoad: per(d.SWAP_LOADS),
      regsPerLoad: per(d.REGS_LOADED),
      regsPerPut: per(d.REGS_PUT),
      hostEventsMovedPerPair: per(d.HOST_EVENTS_MOVED),
    };
  });
  return { floor, figures };
}

// ---------------------------------------------------------------- trap counts

interface TrapCounts {
  accesses: number;
  fullExits: number;
  fastPath: number;
  direct: number;
  swapLoads: number;
}
interface TrapFigure {
  config: string;
  guest: GuestKind;
  fgt: boolean;
  /** The first KVM_RUN (lazy: FREE → GUEST_OWNED happens here). */
  first: TrapCounts;
  /** Each later KVM_RUN (the same for all of them, else `later` is their mean). */
  later: TrapCounts;
}

function trapCounts(d: Stats, accesses: number, partitioned: boolean, runs: number): TrapCounts {
  const c: TrapCounts = partitioned
    ? { accesses, fullExits: d.FULL_EXITS, fastPath: d.FAST_PATH, direct: d.DIRECT, swapLoads: d.SWAP_LOADS }
    : { accesses, fullExits: accesses, fastPath: 0, direct: 0, swapLoads: 0 }; // emulated: every access traps
  return Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v / runs])) as unknown as TrapCounts;
}

function measureTraps(): TrapFigure[] {
  const out: TrapFigure[] = [];
  for (const cfg of CONFIGS) {
    for (const guest of GUEST_KINDS) {
      for (const fgt of [true, false]) {
        const vcpu = setUp(cfg, fgt);
        const s0 = stats(vcpu);
        const a1 = runGuest(vcpu, CPUS[0], GUESTS[guest]);
        const s1 = stats(vcpu);
        let later = 0;
        for (let k = 1; k < TRAP_RUNS; k++) later += runGuest(vcpu, CPUS[0], GUESTS[guest]);
        const s2 = stats(vcpu);
        out.push({
          config: cfg.name,
          guest,
          fgt,
          first: trapCounts(delta(s0, s1), a1, cfg.partitioned, 1),
          later: trapCounts(delta(s1, s2), later, cfg.partitioned, TRAP_RUNS - 1),
        });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------- output

const time = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)} µs` : `${v.toFixed(1)} ns`);
const num = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));
const traps = (c: TrapCounts) => `${num(c.fullExits)}/${num(c.fastPath)}/${num(c.direct)}`;
const sameCounts = (a: TrapCounts, b: TrapCounts) => traps(a) === traps(b) && a.swapLoads === b.swapLoads;
function trapCell(t: TrapFigure): string {
  const swaps = (c: TrapCounts) => (c.swapLoads ? `, ${num(c.swapLoads)} swap` : '');
  const cell = `${traps(t.first)}${swaps(t.first)}`;
  return sameCounts(t.first, t.later) ? cell : `${cell}; then ${traps(t.later)}${swaps(t.later)}`;
}

async function main(): Promise<void> {
  say(`bench:partition — rk3588, vcpu_load + vcpu_put via runHw, CPUs ${CPUS.join('/')}; ${REPS} repetitions × ${TIME_MS} ms per task; batches of ${BATCH}`);
  const traps = measureTraps();
  const { floor, figures } = await timeLoadPut();
  const os = await import('node:os');
  const result = {
    machine: { node: process.version, cpus: os.cpus().length },
    quick,
    host: 'rk3588',
    driver: 'runHw(vcpuLoad) + vcpuPut',
    reps: REPS,
    timeMs: TIME_MS,
    batch: BATCH,
    floor: { name: FLOOR, ...floor },
    loadPut: figures,
    traps,
  };
  if (json) {
    console.log(JSON.stringify(result));
    return;
  }
  const trapOf = (f: LoadPutFigure, fgt: boolean) => traps.find((t) => t.config === f.config && t.guest === f.guest && t.fgt === fgt)!;
  console.log(
    formatTable(
      ['configuration', 'guest', 'load + put, median (min–max)', '× emulated', '× floor', 'regs/load', 'regs/put', 'traps, FGT', 'traps, no FGT'],
      [
        [FLOOR, '', `${time(floor.median)} (${time(floor.min)}–${time(floor.max)})`, '', '1.00×', '', '', '', ''],
        ...figures.map((f) => [
          f.reference ? `${f.config} (ref)` : f.config,
          f.guest,
          `${time(f.median)} (${time(f.min)}–${time(f.max)})`,
          `${f.ratioEmulated.toFixed(2)}×`,
          `${f.ratioFloor.toFixed(1)}×`,
          num(f.regsPerLoad),
          num(f.regsPerPut),
          trapCell(trapOf(f, true)),
          trapCell(trapOf(f, false)),
        ]),
      ],
    ),
  );
  const accesses = traps.find((t) => t.guest === 'pmu')!.first.accesses;
  console.log(
    `\nload + put: one vcpu_load (runHw) + vcpu_put pair, median (min–max) over ${REPS} repetitions of tinybench's mean (${TIME_MS} ms each, batches of ${BATCH});` +
      `\n× emulated: against the emulated row of the same guest; × floor: against ${FLOOR} in the same repetitions.` +
      `\nregs/load, regs/put: PSTAT REGS_LOADED, REGS_PUT per timed pair.` +
      `\ntraps: full exits / hyp fast-path hits / direct accesses per KVM_RUN of the guest program (pmu guest: ${accesses} accesses; idle: none), PSTAT;` +
      `\n  emulated and mainline: every access is a full exit (GuestCpu.accesses; PSTAT counts partitioned vCPUs only); "; then": the later KVM_RUNs differ from the first.`,
  );
}

await main();
