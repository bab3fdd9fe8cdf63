/**
 * kvmtool `lkvm run --pmu [--vcpu-affinity LIST]` (hosts-and-clients §1.2): the main thread
 * INITs every vCPU, initialises the vGIC, picks a PMU for the affinity cpuset (or the main
 * thread's CPU) and SET_PMUs it on every vCPU between IRQ and INIT; die() on any failure.
 */
import { uapi } from '../arch/uapi.js';
import { formatCpuList } from '../host/cpumask.js';
import type { Client } from './client.js';
import type { ClientContext } from './context.js';
import { createVmAndVcpus, hasThenSet, initVcpusFromMain, vgicInit } from './steps.js';
import { strerror } from './strerror.js';
import { eventSources, readCpus, readType } from './sysfs.js';

const A = uapi;

/**
 * `find_pmu`: the first event source whose `cpus` contains the whole target set; a PMU that
 * only intersects it stops the search; sources without `cpus` (uncore) are skipped.
 */
function findPmu(ctx: ClientContext, target: readonly number[]): number | null {
  for (const e of eventSources(ctx)) {
    const cpus = readCpus(ctx, 'main', e);
    if (cpus === null) continue;
    const common = target.filter((c) => cpus.includes(c));
    if (common.length === 0) continue;
    if (common.length !== target.length) return null;
    return readType(ctx, 'main', e);
  }
  return null;
}

/** `set_pmu_attr`: HAS then SET, die_perror on either failing. */
function setPmuAttr(ctx: ClientContext, vcpuId: number, attr: number, value?: number): void {
  const failed = hasThenSet(ctx.vcpus[vcpuId]!, 'main', attr, value);
  if (failed) ctx.die(`PMU ${failed.ioctl}: ${strerror(failed.ret)}`);
}

export const kvmtool: Client = {
  name: 'kvmtool',
  description: 'kvmtool lkvm run --pmu: main thread INITs all vCPUs; SET_PMU of the PMU covering --vcpu-affinity (or the main CPU)',
  takesAffinity: true,
  run(ctx) {
    if (!ctx.tracer.checkPmuCap('main')) ctx.die('Fatal: PMUv3 is not supported');
    createVmAndVcpus(ctx);
    initVcpusFromMain(ctx, true, () => 'Fatal: Unable to initialise vcpu');
    vgicInit(ctx, (ret) => `Fatal: gic__init_gic: ${strerror(ret)}`);
    let pmuType: number | null = null;
    if (ctx.vcpus[0]!.has('main', A.KVM_ARM_VCPU_PMU_V3_SET_PMU) === 0) {
      const target = ctx.options.affinity ?? [ctx.options.mainCpu];
      pmuType = findPmu(ctx, target);
      if (pmuType === null) ctx.note(`no PMU covers all of CPUs ${formatCpuList(target)}: PMU events might not work`);
    }
    for (let id = 0; id < ctx.options.vcpus; id++) {
      setPmuAttr(ctx, id, A.KVM_ARM_VCPU_PMU_V3_IRQ, ctx.options.irqs[id]);
      if (pmuType !== null) setPmuAttr(ctx, id, A.KVM_ARM_VCPU_PMU_V3_SET_PMU, pmuType);
      setPmuAttr(ctx, id, A.KVM_ARM_VCPU_PMU_V3_INIT);
    }
  },
};
