import { describe, expect, it } from 'vitest';
import { createHost, type HostOptions } from '../../src/api/host.js';
import type { TopologySpec } from '../../src/host/topology.js';
import { E } from './helpers.js';

/** CPU 4 has no PMU at all (a hole in coverage). */
const hole: TopologySpec = { name: 'hole', cpus: 5, pmus: [{ name: 'a', cpus: [0, 1] }, { name: 'b', cpus: [2, 3] }] };

function initFrom(topology: string | TopologySpec, opts: HostOptions, cpu: number): number {
  return createHost(topology, opts).createVm().createVcpu().init({ pmu: true }, { cpu });
}

// spec §1.2 (v8 kvm_supports_guest_pmuv3) / §8 item 23: switch guestPmuNeedsFullCoverage —
// mainline offers the vPMU when arm_pmus is non-empty; v8 only when the PMUs cover every CPU.
describe('profile switch guestPmuNeedsFullCoverage (spec §1.2, §8 item 23)', () => {
  it('mainline (off): a host with an uncovered CPU still offers the vPMU from a covered CPU', () => {
    expect(initFrom(hole, {}, 0)).toBe(0);
    expect(initFrom(hole, {}, 3)).toBe(0);
    expect(initFrom(hole, {}, 4)).toBe(E.ENODEV); // the probe itself finds nothing
  });

  it('on: the same host refuses the PMU feature → EINVAL from any CPU', () => {
    const on = { switches: { guestPmuNeedsFullCoverage: true } };
    for (const cpu of [0, 3, 4]) expect(initFrom(hole, on, cpu)).toBe(E.EINVAL);
    expect(createHost(hole, on).createVm().createVcpu().init({ pmu: false }, { cpu: 4 })).toBe(0);
  });

  it('fixed-counters-only (on by default): refused on the hole host, accepted on fully covered presets', () => {
    const fco = { profile: 'fixed-counters-only' };
    expect(initFrom(hole, fco, 0)).toBe(E.EINVAL);
    for (const preset of ['rk3588', 'tensor-g1', 'apple-m1', 'homogeneous']) expect(initFrom(preset, fco, 0)).toBe(0);
    expect(initFrom(hole, { ...fco, switches: { guestPmuNeedsFullCoverage: false } }, 0)).toBe(0);
  });
});
