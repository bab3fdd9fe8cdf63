/**
 * Scenarios that race the locking designs (arm_pmus under a mutex or RCU, config_lock), each
 * built so that the clean model explores to SUCCESS and a planted design bug of the catalog
 * (check/bugs.ts) makes `explore` fail with that bug's oracle. (`pmu-list-race`, beside the
 * demonstrations, is the third: the writer against the per-load check, where
 * free-before-grace-period reads a reclaimed snapshot.)
 */
import type { ScenarioSpec } from './scenario.js';

/** One vCPU per cluster of the rk3588 that KVM_RUNs once: the VMM threads are the race. */
const twoIdleVcpus = (setup: 'none' | 'vcpu-init') =>
  [
    { workload: 'idle', cycles: 1000, start: 0, setup },
    { workload: 'idle', cycles: 1000, start: 4, setup },
  ] as const;

export const syncScenarios: Readonly<Record<string, ScenarioSpec>> = Object.freeze({
  'pmu-probe-race': {
    name: 'pmu-probe-race',
    description:
      "A VMM thread's first KVM_ARM_VCPU_INITs — kvm_supports_guest_pmuv3, then the default-PMU probe (spec §1.3) — read arm_pmus while a hotplug thread republishes it under RCU (spec §1.2). Clean; reader-outside-read-section probes outside a read-side section, synchronize-under-reader-lock takes arm_pmus_lock inside one",
    host: 'rk3588',
    profile: 'fixed-counters-only',
    scheduler: { policy: 'pinned' },
    quanta: 1,
    vms: [{ config: 'default-pmu', vcpus: [...twoIdleVcpus('none')] }],
    vmm: [
      { name: 'hotplug', iterations: 6, steps: [{ op: 'republish-pmus' }] },
      {
        name: 'init',
        iterations: 1,
        steps: [
          { op: 'vcpu-init', vcpu: 0, cpu: 4 },
          { op: 'vcpu-init', vcpu: 1, cpu: 0 },
        ],
      },
    ],
  },
  'set-pmu-vs-hotplug': {
    name: 'set-pmu-vs-hotplug',
    description:
      'SET_PMU (config_lock, then arm_pmus_lock: spec §5.1) from one VMM thread while another republishes arm_pmus under arm_pmus_lock (mainline: the mutex design). Clean; config-lock-inversion makes the writer take config_lock under arm_pmus_lock',
    host: 'rk3588',
    profile: 'mainline',
    scheduler: { policy: 'pinned' },
    quanta: 1,
    vms: [{ config: 'default-pmu', vcpus: [...twoIdleVcpus('vcpu-init')] }],
    vmm: [
      { name: 'hotplug', iterations: 4, steps: [{ op: 'republish-pmus' }] },
      { name: 'set-pmu', iterations: 2, steps: [{ op: 'set-attr', vcpu: 1, attr: 'SET_PMU', value: 'armv8_cortex_a76' }] },
    ],
  },
});
