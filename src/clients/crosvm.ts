/**
 * crosvm (hosts-and-clients §1.3): main thread INITs every vCPU, VGIC_INIT, then per vCPU
 * `init_pmu(23)` = HAS(IRQ), SET(IRQ), SET(INIT). The results are folded into `use_pmu` with
 * a non-short-circuit AND: a failing vCPU only drops the FDT PMU node and the next vCPUs
 * still get IRQ/INIT.
 */
import { uapi } from '../arch/uapi.js';
import type { Client } from './client.js';
import { createVmAndVcpus, initVcpusFromMain, vgicInit } from './steps.js';
import { strerror } from './strerror.js';
import type { TracedVcpu } from './trace.js';

const A = uapi;

/** `KvmVcpu::init_pmu`: short-circuits within one vCPU; 0 or the failing -errno. */
function initPmu(vcpu: TracedVcpu, irq: number): number {
  return (
    vcpu.has('main', A.KVM_ARM_VCPU_PMU_V3_IRQ) ||
    vcpu.set('main', A.KVM_ARM_VCPU_PMU_V3_IRQ, irq) ||
    vcpu.set('main', A.KVM_ARM_VCPU_PMU_V3_INIT)
  );
}

export const crosvm: Client = {
  name: 'crosvm',
  description: 'crosvm run: main thread INITs all vCPUs; IRQ+INIT per vCPU, a failure only drops the PMU node and keeps going',
  run(ctx) {
    let usePmu = ctx.tracer.checkPmuCap('main');
    createVmAndVcpus(ctx);
    initVcpusFromMain(ctx, usePmu, (id, ret) => `failed to build VM: failed to initialize vcpu ${id}: ${strerror(ret)}`);
    vgicInit(ctx, (ret) => `failed to build VM: failed to finalize irqchip: ${strerror(ret)}`);
    if (!usePmu) return;
    for (const vcpu of ctx.vcpus) {
      const ret = initPmu(vcpu, ctx.options.irqs[vcpu.raw.id]!);
      if (ret) {
        ctx.note(`vcpu${vcpu.raw.id}: init_pmu failed (${strerror(ret)}); it keeps PMU_V3 without a PMU, so its KVM_RUN fails EINVAL`);
      }
      usePmu = ret === 0 && usePmu; // non-short-circuit: every vCPU is tried
    }
    if (!usePmu) ctx.note('use_pmu = false: the FDT gets no PMU node');
  },
};
