/**
 * QEMU with the RFC "target/arm/kvm: Choose PMU backend" (hosts-and-clients §2): phase A
 * without the PMCR_EL0 read, `choose_pmu` on a second scratch VM, and right after each
 * vCPU's INITV exactly one of SET(SET_PMU=type) / SET(FIXED_COUNTERS_ONLY) / nothing.
 */
import { uapi } from '../arch/uapi.js';
import { choosePmu, describeChoice, type PmuChoice } from './choose-pmu.js';
import type { Client } from './client.js';
import { runQemu, scratchHostProbe } from './qemu-flow.js';

export const qemuChoosePmu: Client = {
  name: 'qemu-choose-pmu',
  description:
    'QEMU + "Choose PMU backend" RFC: trial SET_PMU per event source; full-coverage PMU, else FIXED_COUNTERS_ONLY, else no vPMU',
  run(ctx) {
    let choice: PmuChoice = { kind: 'NONE' };
    runQemu(ctx, {
      probe(c) {
        if (scratchHostProbe(c, false)) choice = choosePmu(c);
        c.note(`choose_pmu: ${describeChoice(choice)}`);
        return choice.kind !== 'NONE';
      },
      afterInit(_c, vcpu, actor) {
        if (choice.kind === 'EVENT_SOURCE') return vcpu.set(actor, uapi.KVM_ARM_VCPU_PMU_V3_SET_PMU, choice.type);
        if (choice.kind === 'FIXED_COUNTERS_ONLY') return vcpu.set(actor, uapi.KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY);
        return 0;
      },
    });
  },
};
