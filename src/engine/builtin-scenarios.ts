/**
 * The scenarios `vpmu-lab run NAME` knows without a file: the demonstrations here, and the
 * scenarios in which `explore` finds each planted bug of the catalog (check/bugs.ts) — model
 * races in race-scenarios.ts, locking-design races in sync-scenarios.ts; and the partitioned
 * PMU's in partition-scenarios.ts.
 */
import { partitionScenarios } from './partition-scenarios.js';
import { raceScenarios, withConfigurator } from './race-scenarios.js';
import type { ScenarioSpec } from './scenario.js';
import { syncScenarios } from './sync-scenarios.js';

const oneDividerVcpu = [{ workload: 'cycle-divider', cycles: 1_000_000, start: 0 }] as const;

export const builtinScenarios: Readonly<Record<string, ScenarioSpec>> = Object.freeze({
  flagship: {
    name: 'flagship',
    description:
      'The three-configuration demonstration on real workers: a Windows-like guest per VM ping-pongs between clusters under the default PMU, SET_PMU(A55) and FIXED_COUNTERS_ONLY',
    host: 'rk3588',
    profile: 'fixed-counters-only',
    scheduler: { policy: 'ping-pong' },
    quanta: 16,
    durationMs: 20_000,
    vms: [
      { config: 'default-pmu', vcpus: [...oneDividerVcpu] },
      { config: 'set-pmu', pmu: 'armv8_cortex_a55', vcpus: [...oneDividerVcpu] },
      { config: 'fixed-counters-only', vcpus: [...oneDividerVcpu] },
    ],
  },
  'config-race': {
    name: 'config-race',
    description:
      'VMM threads issue FILTER / SET_PMU / SET_NR_COUNTERS / FIXED_COUNTERS_ONLY / INIT through vCPUs 2-3 while vCPUs 0-1 run perf-stat and migrate at random (spec §8 items 13, 24, 25)',
    host: 'rk3588',
    scheduler: { policy: 'random', seed: 1 },
    durationMs: 1500,
    vms: [
      {
        config: 'default-pmu',
        vcpus: [
          { workload: 'perf-stat', cycles: 20_000 },
          { workload: 'perf-stat', cycles: 20_000 },
          { workload: 'perf-stat', cycles: 20_000, setup: 'vcpu-init' },
          { workload: 'perf-stat', cycles: 20_000, setup: 'vcpu-init' },
        ],
      },
    ],
    vmm: [
      {
        name: 'configurator',
        steps: [
          { op: 'set-attr', vcpu: 2, attr: 'FILTER', value: { baseEvent: 0x08, nevents: 1, action: 1 } },
          { op: 'set-attr', vcpu: 3, attr: 'SET_PMU', value: 'armv8_cortex_a76' },
          { op: 'set-attr', vcpu: 2, attr: 'SET_NR_COUNTERS', value: 2 },
          { op: 'set-attr', vcpu: 3, attr: 'SET_NR_COUNTERS', value: 6 },
          { op: 'set-attr', vcpu: 3, attr: 'FIXED_COUNTERS_ONLY' },
        ],
      },
      {
        name: 'initialiser',
        steps: [
          { op: 'vcpu-init', vcpu: 2, cpu: 4 },
          { op: 'set-attr', vcpu: 2, attr: 'IRQ', value: 23 },
          { op: 'set-attr', vcpu: 2, attr: 'INIT' },
          { op: 'vcpu-init', vcpu: 3, cpu: 0 },
          { op: 'get-reg', vcpu: 0, reg: 'PMCR_EL0' },
          { op: 'republish-pmus' },
        ],
      },
    ],
  },
  'bring-up-race': {
    name: 'bring-up-race',
    description:
      'A VMM thread creates vCPUs 2-3, INITs them, initialises the vGIC and PMU-INITs every vCPU while another VMM thread configures the PMU and the pCPUs already try to run whatever exists (spec §3.7 ordering, §8 items 3, 5, 24)',
    host: 'rk3588',
    profile: 'fixed-counters-only',
    scheduler: { policy: 'random', seed: 2 },
    durationMs: 1000,
    vms: [
      {
        vgicInit: false,
        vcpus: [
          { workload: 'perf-stat', cycles: 10_000, setup: 'vcpu-init' },
          { workload: 'cycle-divider', cycles: 10_000, setup: 'vcpu-init' },
          { workload: 'perf-stat', cycles: 10_000, setup: 'uncreated' },
          { workload: 'idle', cycles: 10_000, setup: 'uncreated' },
        ],
      },
    ],
    vmm: [
      {
        name: 'bring-up',
        iterations: 1,
        steps: [
          { op: 'create-vcpu', vcpu: 2 },
          { op: 'create-vcpu', vcpu: 3 },
          { op: 'vcpu-init', vcpu: 2, cpu: 0 },
          { op: 'vcpu-init', vcpu: 3, cpu: 0 },
          { op: 'vgic-init' },
          ...[0, 1, 2, 3].flatMap((vcpu) => [
            { op: 'set-attr', vcpu, attr: 'IRQ', value: 23 },
            { op: 'set-attr', vcpu, attr: 'INIT' },
          ]),
          { op: 'create-vcpu', vcpu: 3 },
        ],
      },
      {
        name: 'configurator',
        steps: [
          { op: 'set-attr', vcpu: 1, attr: 'SET_PMU', value: 'armv8_cortex_a76' },
          { op: 'set-attr', vcpu: 3, attr: 'FIXED_COUNTERS_ONLY' },
          { op: 'set-attr', vcpu: 2, attr: 'FILTER', value: { baseEvent: 0x11, nevents: 1, action: 0 } },
          { op: 'set-attr', vcpu: 0, attr: 'SET_NR_COUNTERS', value: 3 },
        ],
      },
    ],
  },
  'pmu-list-race': {
    name: 'pmu-list-race',
    description:
      'arm_pmus readers (the FIXED per-load check of two migrating vCPUs, the default-PMU probe of a re-INIT) walk the list while a VMM thread republishes it — the writer copies, publishes, waits a grace period, reclaims (spec §1.2, §8 item 18). Clean under mutex and rcu; rcu-no-grace-period reclaims a snapshot under a reader',
    host: 'rk3588',
    profile: 'fixed-counters-only',
    design: 'rcu',
    scheduler: { policy: 'ping-pong' },
    quanta: 6,
    vms: [
      {
        config: 'fixed-counters-only',
        vcpus: [
          { workload: 'cycle-divider', cycles: 10_000, start: 0 },
          { workload: 'cycle-divider', cycles: 10_000, start: 4 },
          { workload: 'idle', cycles: 10_000, start: 1 },
        ],
      },
    ],
    vmm: [
      { name: 'hotplug', iterations: 12, steps: [{ op: 'republish-pmus' }] },
      { name: 'reset', iterations: 4, steps: [{ op: 'vcpu-init', vcpu: 2, cpu: 5 }] },
    ],
  },
  'nr-counters-race': {
    name: 'nr-counters-race',
    description:
      'vCPU 0 runs perf-stat over 4 event counters while a VMM thread issues SET_NR_COUNTERS(2) through vCPU 1, whose PMU INIT has not happened (spec §8 item 13): mainline lets it through and the running guest loses counters 2-3 (UNDEF, possibly inside one KVM_RUN); the fixed-counters-only profile freezes the count after the first run (EBUSY)',
    host: 'rk3588',
    scheduler: { policy: 'pinned' },
    quanta: 4,
    vms: [withConfigurator('perf-stat')],
    vmm: [{ name: 'configurator', iterations: 1, steps: [{ op: 'set-attr', vcpu: 1, attr: 'SET_NR_COUNTERS', value: 2 }] }],
  },
  hammer: {
    name: 'hammer',
    description: 'The PMU hammer: guest PMU register accesses as fast as the trap path allows, one vCPU pinned per cluster',
    host: 'rk3588',
    scheduler: { policy: 'pinned' },
    durationMs: 2000,
    vms: [
      {
        vcpus: [
          { workload: 'pmu-hammer', accesses: 20_000, cycles: 1000, start: 0 },
          { workload: 'pmu-hammer', accesses: 20_000, cycles: 1000, start: 4 },
        ],
      },
    ],
  },
  'perf-stat-pingpong': {
    name: 'perf-stat-pingpong',
    description: 'Four perf-stat guests under the default PMU, moved to the other cluster every quantum: counters freeze, never run backwards',
    host: 'rk3588',
    scheduler: { policy: 'ping-pong' },
    durationMs: 1500,
    vms: [{ vcpus: [0, 1, 2, 3].map(() => ({ workload: 'perf-stat', cycles: 50_000 })) }],
  },
  ...raceScenarios,
  ...syncScenarios,
  ...partitionScenarios,
});

export const builtinScenarioNames: readonly string[] = Object.freeze(Object.keys(builtinScenarios));
