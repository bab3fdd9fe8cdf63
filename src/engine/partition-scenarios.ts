/**
 * Scenarios of the partitioned PMU (spec §6; profile `partition`): guests that own a slice
 * of the hardware counters, their context swapped at every vcpu_load / vcpu_put.
 */
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
});
