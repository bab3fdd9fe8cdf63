/**
 * Firecracker (hosts-and-clients §1.5): never enables the PMU. vCPUs are INITed without
 * PMU_V3, so the PMU registers are hidden and no PMU attribute is ever touched.
 */
import type { Client } from './client.js';
import { createVmAndVcpus, initVcpusFromMain, vgicInit } from './steps.js';
import { strerror } from './strerror.js';

export const firecracker: Client = {
  name: 'firecracker',
  description: 'Firecracker: never enables the PMU (vCPUs INITed without PMU_V3, PMU registers hidden)',
  run(ctx) {
    createVmAndVcpus(ctx);
    initVcpusFromMain(ctx, false, (id, ret) => `Failed to init vcpu ${id}: ${strerror(ret)}`);
    vgicInit(ctx, (ret) => `Failed to finalize the GIC: ${strerror(ret)}`);
    ctx.note('PMU_V3 never requested (a CPU template setting it is refused with UnsupportedPmuV3)');
  },
};
