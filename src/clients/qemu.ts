/** Upstream QEMU (hosts-and-clients §1.1): the default PMU, never SET_PMU. */
import type { Client } from './client.js';
import { runQemu, scratchHostProbe } from './qemu-flow.js';

export const qemu: Client = {
  name: 'qemu',
  description:
    'QEMU -accel kvm -cpu host: scratch-VM probe, per-vCPU INIT from the vCPU thread (default PMU), IRQ+INIT, reset write-back',
  run(ctx) {
    runQemu(ctx, { probe: (c) => scratchHostProbe(c, true) });
  },
};
