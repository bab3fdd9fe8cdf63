/**
 * Built-in host topologies: the heterogeneous machines of hosts-and-clients §3 plus a
 * homogeneous control host. perf type ids are assigned in list order from 8 (dynamic
 * types start at 6 on a real host; kprobe/uprobe usually take the first two).
 */
import { PMUVER } from '../arch/pmuver.js';
import { APPLE_M1_EVENTS, ARMV8_0_EVENTS, ARMV8_2_EVENTS } from './events.js';
import type { PmuSpec, TopologySpec } from './topology.js';

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** A Cortex-A PMUv3 instance: N = 6 for every core in §3's table. */
function cortex(core: string, cpus: number[], pmuver: number): PmuSpec {
  return {
    name: `armv8_cortex_${core}`,
    cpus,
    counters: 6,
    pmuver,
    events: [...(pmuver === PMUVER.IMP ? ARMV8_0_EVENTS : ARMV8_2_EVENTS)],
  };
}

const V8_0 = PMUVER.IMP;
const V8_1 = PMUVER.V3P1;

export const presets: Readonly<Record<string, TopologySpec>> = Object.freeze({
  rk3588: {
    name: 'rk3588',
    description:
      'Rockchip RK3588/RK3588S (Rock 5B, Orange Pi 5): 4×A55 + 4×A76; one A76 PMU spans two DVFS clusters',
    pmus: [cortex('a55', range(0, 3), V8_1), cortex('a76', range(4, 7), V8_1)],
  },
  rk3399: {
    name: 'rk3399',
    description: 'Rockchip RK3399 (RockPro64, Pinebook Pro, gru Chromebooks): 4×A53 + 2×A72',
    pmus: [cortex('a53', range(0, 3), V8_0), cortex('a72', range(4, 5), V8_0)],
  },
  'tensor-g1': {
    name: 'tensor-g1',
    description: 'Google Tensor G1 / gs101 (Pixel 6): 4×A55 + 2×A76 + 2×X1, plus a DSU uncore PMU',
    pmus: [
      cortex('a55', range(0, 3), V8_1),
      cortex('a76', range(4, 5), V8_1),
      cortex('x1', range(6, 7), V8_1), // N and PMUVer of X1 unverified (hosts §3)
      { name: 'arm_dsu_0', kind: 'uncore', counters: 6 },
    ],
  },
  'apple-m1': {
    name: 'apple-m1',
    description:
      'Apple M1 / t8103 (Asahi): 4×Icestorm + 4×Firestorm; IMPDEF PMU behind the IMPDEF-trap workaround (guest N = 1)',
    appleImpdefTraps: true,
    aarch32El0: false,
    pmus: [
      { name: 'apple_icestorm_pmu', cpus: range(0, 3), counters: 10, pmuver: PMUVER.IMP_DEF, events: [...APPLE_M1_EVENTS], mapsEvents: true },
      { name: 'apple_firestorm_pmu', cpus: range(4, 7), counters: 10, pmuver: PMUVER.IMP_DEF, events: [...APPLE_M1_EVENTS], mapsEvents: true },
    ],
  },
  sm8350: {
    name: 'sm8350',
    description: 'Qualcomm SM8350 / Snapdragon 888 with the 2024 per-core PMU DT: 4×A55 + 3×A78 + 1×X1',
    pmus: [cortex('a55', range(0, 3), V8_1), cortex('a78', range(4, 6), V8_1), cortex('x1', [7], V8_1)],
  },
  'sm8350-legacy-dt': {
    name: 'sm8350-legacy-dt',
    description: 'Qualcomm SM8350 with the pre-2024 DT: one armv8_pmuv3 PMU over all 8 heterogeneous CPUs',
    pmus: [{ name: 'armv8_pmuv3', cpus: range(0, 7), counters: 6, pmuver: V8_1, events: [...ARMV8_2_EVENTS] }],
  },
  sc7280: {
    name: 'sc7280',
    description: 'Qualcomm SC7280 / QCM6490 (herobrine, Fairphone 5): 4×A55 + 4×A78 (3 DVFS clusters, 2 PMUs)',
    pmus: [cortex('a55', range(0, 3), V8_1), cortex('a78', range(4, 7), V8_1)],
  },
  qcs615: {
    name: 'qcs615',
    description: 'Qualcomm QCS615 / SM6150 "talos": 6×A55 + 2×A76 (PMU on PPI 5)',
    pmus: [cortex('a55', range(0, 5), V8_1), cortex('a76', range(6, 7), V8_1)],
  },
  mt8173: {
    name: 'mt8173',
    description: 'MediaTek MT8173 (elm/hana Chromebooks): 2×A53 + 2×A72 (PMU IRQs are SPIs)',
    pmus: [cortex('a53', range(0, 1), V8_0), cortex('a72', range(2, 3), V8_0)],
  },
  homogeneous: {
    name: 'homogeneous',
    description: 'Control host: 4×Cortex-A76, one PMU over every CPU',
    pmus: [cortex('a76', range(0, 3), V8_1)],
  },
});

export const presetNames: readonly string[] = Object.freeze(Object.keys(presets));
