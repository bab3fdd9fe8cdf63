/**
 * Scenarios that race the vPMU's configuration and migration paths, each built so that the
 * clean model explores to SUCCESS and a planted bug of the catalog (check/bugs.ts names the
 * scenario of each) makes `explore` fail with that bug's oracle. Configuration that the bug
 * is about happens in VMM threads, not in set-up, so the oracles see it (world-setup.ts).
 */
import { PMUVER } from '../arch/pmuver.js';
import type { ScenarioSpec } from './scenario.js';

/** A big.LITTLE host with PMUv3p5 (64-bit event counters, PMCR_EL0.LP): overflow width matters. */
const v3p5Host = {
  name: 'v3p5-big-little',
  description: 'a PMUv3p5 big.LITTLE host (Cortex-A520 + Cortex-A720 class): 64-bit event counters',
  pmus: [
    { name: 'armv9_cortex_a520', cpus: [0, 1, 2, 3], counters: 6, pmuver: PMUVER.V3P5 },
    { name: 'armv9_cortex_a720', cpus: [4, 5, 6, 7], counters: 6, pmuver: PMUVER.V3P5 },
  ],
};

/**
 * One VM: vCPU 0 runs `workload` on CPU 0 (fully set up); vCPU 1 is INITed but has no PMU
 * INIT, so a VMM thread can still configure the VM through it after vCPU 0 ran (§3.0's
 * prologue checks only the vCPU's own `created`).
 */
export function withConfigurator(workload: string) {
  return {
    vcpus: [
      { workload, cycles: 10_000, start: 0 },
      { workload: 'idle', cycles: 10_000, start: 1, setup: 'vcpu-init' as const },
    ],
  };
}

export const raceScenarios: Readonly<Record<string, ScenarioSpec>> = Object.freeze({
  'attr-race': {
    name: 'attr-race',
    description:
      'A VMM thread brings vCPUs 0-1 up (INIT, IRQ, PMU INIT of vCPU 0) while another issues FILTER, FIXED_COUNTERS_ONLY and SET_PMU through vCPU 1 and vCPU 0 already runs perf-stat (spec §3.7, §8 items 3, 5, 25)',
    host: 'rk3588',
    profile: 'fixed-counters-only',
    scheduler: { policy: 'random', seed: 3 },
    // KVM_RUNs before the bring-up's PMU INIT fail (-EINVAL) and use up quanta.
    quanta: 10,
    vms: [
      {
        vcpus: [
          { workload: 'perf-stat', cycles: 10_000, start: 0, setup: 'none' },
          { workload: 'idle', cycles: 10_000, start: 4, setup: 'none' },
        ],
      },
    ],
    vmm: [
      {
        name: 'bring-up',
        iterations: 1,
        steps: [
          { op: 'vcpu-init', vcpu: 0, cpu: 0 },
          { op: 'set-attr', vcpu: 0, attr: 'IRQ', value: 23 },
          { op: 'set-attr', vcpu: 0, attr: 'INIT' },
          { op: 'vcpu-init', vcpu: 1, cpu: 4 },
        ],
      },
      {
        name: 'configurator',
        iterations: 1,
        steps: [
          { op: 'set-attr', vcpu: 1, attr: 'FILTER', value: { baseEvent: 0x08, nevents: 1, action: 1 } },
          { op: 'set-attr', vcpu: 1, attr: 'FIXED_COUNTERS_ONLY' },
          { op: 'set-attr', vcpu: 1, attr: 'SET_PMU', value: 'armv8_cortex_a55' },
        ],
      },
    ],
  },
  'set-pmu-pingpong': {
    name: 'set-pmu-pingpong',
    description:
      'A VM pinned to the A55 PMU by SET_PMU ping-pongs between clusters: on the A76 cluster KVM_RUN must fail with FAIL_ENTRY / CPU_UNSUPPORTED, never enter (spec §5.5, §8 item 4)',
    host: 'rk3588',
    scheduler: { policy: 'ping-pong' },
    quanta: 4,
    vms: [{ config: 'set-pmu', pmu: 'armv8_cortex_a55', vcpus: [{ workload: 'perf-stat', cycles: 10_000, start: 0 }] }],
  },
  'onereg-race': {
    name: 'onereg-race',
    description:
      'A VMM thread saves counters and bitmaps with GET_ONE_REG (as live migration does) and another restores a counter and PMOVSSET with SET_ONE_REG between the KVM_RUNs of a perf-stat guest (spec §4.3, §8 items 6, 8, 12)',
    host: 'rk3588',
    scheduler: { policy: 'pinned' },
    quanta: 4,
    vms: [{ vcpus: [{ workload: 'perf-stat', cycles: 10_000, start: 0 }] }],
    vmm: [
      {
        name: 'saver',
        iterations: 3,
        steps: [
          { op: 'get-reg', vcpu: 0, reg: 'PMEVCNTR0_EL0' },
          { op: 'get-reg', vcpu: 0, reg: 'PMCCNTR_EL0' },
          { op: 'get-reg', vcpu: 0, reg: 'PMOVSSET_EL0' },
        ],
      },
      {
        name: 'restorer',
        iterations: 1,
        steps: [
          // Forward only (above anything perf-stat counts here): the guest sees no counter go back.
          { op: 'set-reg', vcpu: 0, reg: 'PMEVCNTR1_EL0', value: '0x80000000' },
          { op: 'set-reg', vcpu: 0, reg: 'PMOVSSET_EL0', value: '0xffffffff' },
        ],
      },
    ],
  },
  'reset-race': {
    name: 'reset-race',
    description:
      'While vCPU 0 runs perf-stat, a VMM thread limits the counter count through vCPU 1, then resets both vCPUs with a repeated KVM_ARM_VCPU_INIT, under a profile whose reset re-creates events (spec §4.0, §8 items 10, 11)',
    host: 'rk3588',
    profile: 'fixed-counters-only',
    switches: { resetKeepsStaleEvents: false },
    scheduler: { policy: 'pinned' },
    quanta: 4,
    vms: [withConfigurator('perf-stat')],
    vmm: [
      {
        name: 'reset',
        iterations: 1,
        steps: [
          { op: 'set-attr', vcpu: 1, attr: 'SET_NR_COUNTERS', value: 4 },
          { op: 'vcpu-init', vcpu: 0, cpu: 0 },
          { op: 'vcpu-init', vcpu: 1, cpu: 1 },
        ],
      },
    ],
  },
  'nr-counters-shrink': {
    name: 'nr-counters-shrink',
    description:
      'Before the first run a VMM restores PMCR_EL0 (E, N = 6) and PMCNTENSET = 0x3f, then limits the VM to 2 counters: the first RELOAD must mask PMCNTENSET before it reprograms (spec §5.4, §8 item 9)',
    host: 'rk3588',
    scheduler: { policy: 'pinned' },
    // KVM_RUNs before the PMU INIT fail (-EINVAL) and use up quanta: enough for the restore to land.
    quanta: 40,
    vms: [{ vcpus: [{ workload: 'idle', cycles: 10_000, start: 0, setup: 'vcpu-init' }] }],
    vmm: [
      {
        name: 'restore',
        iterations: 1,
        steps: [
          { op: 'set-reg', vcpu: 0, reg: 'PMCR_EL0', value: '0x3001' },
          { op: 'set-reg', vcpu: 0, reg: 'PMCNTENSET_EL0', value: '0x3f' },
          { op: 'set-attr', vcpu: 0, attr: 'SET_NR_COUNTERS', value: 2 },
          { op: 'set-attr', vcpu: 0, attr: 'IRQ', value: 23 },
          { op: 'set-attr', vcpu: 0, attr: 'INIT' },
        ],
      },
    ],
  },
  'nr-counters-frozen': {
    name: 'nr-counters-frozen',
    description:
      'nr-counters-race under the fixed-counters-only profile, which freezes the counter count after the first run: SET_NR_COUNTERS through vCPU 1 while vCPU 0 runs perf-stat is EBUSY (spec §3.5, §8 item 13)',
    host: 'rk3588',
    profile: 'fixed-counters-only',
    scheduler: { policy: 'pinned' },
    quanta: 4,
    vms: [withConfigurator('perf-stat')],
    vmm: [{ name: 'configurator', iterations: 1, steps: [{ op: 'set-attr', vcpu: 1, attr: 'SET_NR_COUNTERS', value: 2 }] }],
  },
  'fixed-pingpong': {
    name: 'fixed-pingpong',
    description:
      'A FIXED_COUNTERS_ONLY VM with a Windows-like guest ping-pongs between clusters: every load on the other cluster must re-create the cycle counter on that PMU (spec §5.5, §8 items 17, 26)',
    host: 'rk3588',
    profile: 'fixed-counters-only',
    scheduler: { policy: 'ping-pong' },
    quanta: 6,
    vms: [{ config: 'fixed-counters-only', vcpus: [{ workload: 'cycle-divider', cycles: 10_000, start: 0 }] }],
  },
  'reinit-race': {
    name: 'reinit-race',
    description:
      'A VMM thread re-INITs (resets) vCPU 0 while another limits the counter count through vCPU 1, under a profile whose repeated INIT holds config_lock: the reset sees one N throughout (spec §4.0, §8 item 24)',
    host: 'rk3588',
    switches: { serializeRepeatedInit: true },
    scheduler: { policy: 'pinned' },
    quanta: 4,
    vms: [withConfigurator('idle')],
    vmm: [
      { name: 'reset', iterations: 2, steps: [{ op: 'vcpu-init', vcpu: 0, cpu: 0 }] },
      {
        name: 'configurator',
        iterations: 1,
        steps: [
          { op: 'set-attr', vcpu: 1, attr: 'SET_NR_COUNTERS', value: 2 },
          { op: 'set-attr', vcpu: 1, attr: 'SET_NR_COUNTERS', value: 6 },
          { op: 'set-attr', vcpu: 1, attr: 'SET_NR_COUNTERS', value: 1 },
        ],
      },
    ],
  },
  'overflow-wrap': {
    name: 'overflow-wrap',
    description:
      'On a PMUv3p5 host (64-bit event counters) a guest programs a counter just below its 32-bit wrap with PMCR_EL0.LP clear, every quantum: each quantum must raise PMOVSSET exactly once (spec §4.4, §8 item 20)',
    host: v3p5Host,
    scheduler: { policy: 'pinned' },
    quanta: 3,
    vms: [{ vcpus: [{ workload: 'overflow', cycles: 10_000, start: 0 }] }],
  },
});
