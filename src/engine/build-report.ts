/** The run report (report.ts) from the final world and control region: shared by the hw and sim drivers. */
import { hostState } from '../kvm/host-state.js';
import { PSTAT } from '../kvm/vcpu-state.js';
import { errnoName } from '../arch/errno.js';
import { registerNames } from '../arch/registers.js';
import { formatCpuList } from '../host/cpumask.js';
import { workload } from '../guest/index.js';
import type { LockdepGraph } from '../check/lockdep.js';
import type { LockStatRow } from '../check/lock-stat.js';
import { CRASH, ERRNO_SLOTS, SCHED, STAT, type Control } from './control.js';
import type { TimeSeries } from '../report/comparison.js';
import type { RunReport } from './report.js';
import type { Scenario } from './scenario.js';
import type { World } from './world.js';

export function buildReport(
  s: Scenario,
  world: World,
  control: Control,
  names: readonly string[],
  /** `series` absent: the driver does not sample (the sim), an empty series with intervalMs 0. */
  run: { elapsedMs: number; interrupted: boolean; failure: RunReport['failure']; series?: TimeSeries },
  /** What the driver's lockdep and lock_stat saw. */
  sync: { lockStat: LockStatRow[]; unit: RunReport['lockStatUnit']; lockdep: LockdepGraph; missing?: string[] },
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
  const plans = s.vms.flatMap((vm, i) => vm.vcpus.map((p, id) => ({ vm: i, id, workload: p.workload })));
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
    series: run.series ?? { intervalMs: 0, loadsPerSec: [], migrationsPerSec: [], guestAccessesPerSec: [], ioctlsPerSec: [] },
    vms: world.vms.map((vm, i) => ({
      id: i,
      config: s.vms[i]!.config,
      pmu: world.host.pmuName(vm.armPmu),
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
        ...crashOf(world, control, v),
        lastCpu: control.lastCpu(v),
        loadReloads: vcpu.loadReloads,
        guest: workload(p.workload).report(world.guestMemory[v]!),
        host: {
          mdcrEl2: `0x${vcpu.mdcrAtLoad.toString(16)}`,
          pmuOwner: hostState(vcpu).pmuOwner,
          swaps: { loads: vcpu.stat(PSTAT.SWAP_LOADS), registersLoaded: vcpu.stat(PSTAT.REGS_LOADED), puts: vcpu.stat(PSTAT.SWAP_PUTS), registersPut: vcpu.stat(PSTAT.REGS_PUT) },
        },
      };
    }),
    runErrnos: errnoBreakdown(control, Array.from({ length: s.topology.cpus }, (_, cpu) => cpu)),
    vmm: s.vmm.map((_, i) => {
      const slot = s.topology.cpus + i;
      return { name: names[slot]!, ioctls: Number(control.stat(slot, STAT.IOCTLS)), results: errnoBreakdown(control, [slot]) };
    }),
    lockStat: sync.lockStat,
    lockStatUnit: sync.unit,
    lockStatMissing: sync.missing ?? [],
    lockdep: sync.lockdep.toJSON(),
    invariants: {
      item4GuestEntryOutsideSupportedCpus: total(STAT.ITEM4),
      item13NrCountersChangedAfterRun: world.vms.reduce((n, vm) => n + vm.nrCountersChangedAfterRun, 0),
    },
    ...(run.failure ? { failure: run.failure } : {}),
  };
}

function crashOf(world: World, control: Control, v: number): Pick<RunReport['vcpus'][number], 'crash' | 'crashRecord'> {
  if (control.crashKind(v) === CRASH.NONE) return {}; // the common case: no record to decode
  const c = control.crash(v);
  const pmu = (entry: number) => world.host.pmuName(entry);
  return {
    crash: c.kind === CRASH.UNDEF ? 'undef' : 'workload',
    crashRecord: {
      cpu: c.cpu,
      quantum: c.quantum,
      register: c.register >= 0 ? registerNames[c.register]! : null,
      sourcePmu: pmu(c.sourcePmu),
      targetPmu: pmu(c.targetPmu),
      countChangedInRun: c.countChangedInRun !== 0,
      message: c.message,
    },
  };
}

/**
 * Results by errno name over the threads' histograms ("other" for errnos past the table).
 * A plain loop over the words: every report reads every slot, and most are zero.
 */
function errnoBreakdown(control: Control, slots: readonly number[]): Record<string, number> {
  const results: Record<string, number> = {};
  for (const slot of slots) {
    for (let e = 0; e < ERRNO_SLOTS; e++) {
      const n = control.errnoCount(slot, e);
      if (n === 0n) continue;
      const name = e === ERRNO_SLOTS - 1 ? 'other' : errnoName(-e);
      results[name] = (results[name] ?? 0) + Number(n);
    }
  }
  return results;
}
