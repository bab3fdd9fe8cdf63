/** The run report (report.ts) from the final world and control region: shared by the hw and sim drivers. */
import { errnoName } from '../arch/errno.js';
import { formatCpuList } from '../host/cpumask.js';
import { workload } from '../guest/index.js';
import { CRASH, ERRNO_SLOTS, SCHED, STAT, type Control } from './control.js';
import type { RunReport } from './report.js';
import type { Scenario } from './scenario.js';
import type { World } from './world.js';

export function buildReport(
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
