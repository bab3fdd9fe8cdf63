/**
 * cloud-hypervisor (hosts-and-clients §1.4): PMU_V3 only if the VM fd has the cap; main
 * thread INITs every vCPU, VGIC_INIT, then `CpuManager::init_pmu(23)`: per vCPU HAS(INIT),
 * returning quietly at the first vCPU without it, else SET(IRQ), SET(INIT); a SET error
 * fails the boot.
 */
import { uapi } from '../arch/uapi.js';
import type { Client } from './client.js';
import { createVmAndVcpus, initVcpusFromMain, vgicInit } from './steps.js';
import { strerror } from './strerror.js';

const A = uapi;

export const cloudHypervisor: Client = {
  name: 'cloud-hypervisor',
  description: 'cloud-hypervisor: PMU_V3 if the VM has the cap; HAS(INIT) gate per vCPU, SET(IRQ)+SET(INIT), boot fails on error',
  run(ctx) {
    createVmAndVcpus(ctx);
    const cap = ctx.tracer.checkPmuCap('main');
    initVcpusFromMain(ctx, cap, (id, ret) => `Error booting VM: VcpuInit (vCPU ${id}): ${strerror(ret)}`);
    vgicInit(ctx, (ret) => `Error booting VM: vGIC init: ${strerror(ret)}`);
    for (const vcpu of ctx.vcpus) {
      if (vcpu.has('main', A.KVM_ARM_VCPU_PMU_V3_INIT)) {
        ctx.note(`PMU attribute is not supported in vCPU#${vcpu.raw.id}, skip PMU init!`);
        return;
      }
      const ret =
        vcpu.set('main', A.KVM_ARM_VCPU_PMU_V3_IRQ, ctx.options.irqs[vcpu.raw.id]) ||
        vcpu.set('main', A.KVM_ARM_VCPU_PMU_V3_INIT);
      if (ret) ctx.die(`Error booting VM: VcpuInitPmu: ${strerror(ret)}`);
    }
  },
};
