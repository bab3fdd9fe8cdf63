/**
 * Scenarios of the partitioned PMU (spec §6; profile `partition`): guests that own a slice
 * of the hardware counters, their context swapped at every vcpu_load / vcpu_put. The swap's
 * planted bugs (src/check/bugs.ts) are found here: `partition-sampler` (an overflow flag that
 * crosses a put, a PMU given up and taken again), `partition-no-fgt` (TPM always set).
 */
import { presets } from '../host/presets.js';
import type { ScenarioSpec } from './scenario.js';

export const partitionScenarios: Readonly<Record<string, ScenarioSpec>> = Object.freeze({
  'partition-pingpong': {
    name: 'partition-pingpong',
    description:
      'A partitioned VM (profile partition, ENABLE_PARTITION) runs a perf-stat guest and a Windows-like guest that ping-pong between clusters: each load swaps the guest\'s counters into that CPU\'s hardware and each put reads them back (spec §6.4, §6.5)',
    host: 'rk3588',
    profile: 'partition',
    scheduler: { policy: 'ping-pong' },
    quanta: 6,
    vms: [
      {
        config: 'partition',
        vcpus: [
          { workload: 'perf-stat', cycles: 10_000, start: 0 },
          { workload: 'cycle-divider', cycles: 10_000, start: 4 },
        ],
      },
    ],
  },
  'partition-sampler': {
    name: 'partition-sampler',
    description:
      'Two partitioned sampler guests, one per cluster, under the debug-register rule (partitionSwap lazy-debug): each quantum counts a 32-bit wrap and stops its PMU, so the overflow flag crosses vcpu_put in hardware and the next quantum\'s first access takes the PMU again and loads the context (spec §6.4–§6.6)',
    host: 'rk3588',
    profile: 'partition',
    switches: { partitionSwap: 'lazy-debug' },
    scheduler: { policy: 'pinned' },
    quanta: 3,
    vms: [
      {
        config: 'partition',
        vcpus: [
          { workload: 'sampler', cycles: 10_000, start: 0 },
          { workload: 'sampler', cycles: 10_000, start: 4 },
        ],
      },
    ],
  },
  'partition-no-fgt': {
    name: 'partition-no-fgt',
    description:
      'A partitioned VM on an rk3588 without FEAT_FGT: TPM stays set, so the context is never swapped and the hyp fast path serves the counters (spec §6.2, §6.4); two perf-stat guests ping-pong between clusters (their perf events count only on the VM\'s own cluster, as in mainline)',
    host: { ...presets.rk3588!, features: { fgt: false } },
    profile: 'partition',
    scheduler: { policy: 'ping-pong' },
    quanta: 4,
    vms: [
      {
        config: 'partition',
        vcpus: [
          { workload: 'perf-stat', cycles: 10_000, start: 0 },
          { workload: 'perf-stat', cycles: 10_000, start: 4 },
        ],
      },
    ],
  },
});
