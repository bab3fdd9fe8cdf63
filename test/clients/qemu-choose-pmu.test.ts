import { describe, expect, it } from 'vitest';
import { runClient } from '../../src/clients/index.js';
import { lines, range, typeOf } from './helpers.js';

describe('qemu-choose-pmu: the "Choose PMU backend" RFC (hosts §2)', () => {
  it('rk3588 under mainline: no PMU covers all CPUs and attr 5 is unknown, so NONE', () => {
    const o = runClient('qemu-choose-pmu', { host: 'rk3588' });
    expect(o.ok).toBe(true);
    expect(lines(o, /FIXED_COUNTERS_ONLY/).map((l) => l.ret)).toEqual(['ENXIO']);
    expect(o.notes).toContain('choose_pmu: NONE');
    expect(o.mode).toBe('none');
    expect(o.pmu).toBeNull();
    expect(lines(o, /^KVM_ARM_VCPU_INIT\(vcpu\d, PMU_V3\)/)).toEqual([]);
    expect(o.nrCounters).toBeNull();
    expect(o.runnableCpus).toEqual(range(0, 7));
    expect(o.countingCpus).toEqual([]);
  });

  it('rk3588 under fixed-counters-only: FIXED mode, N=0, the cycle counter counts on every CPU', () => {
    const o = runClient('qemu-choose-pmu', { host: 'rk3588', profile: 'fixed-counters-only' });
    expect(o.ok).toBe(true);
    expect(o.mode).toBe('fixed-counters-only');
    expect(o.nrCounters).toBe(0);
    expect(o.countingCpus).toEqual(range(0, 7));
    // Right after each vCPU's INIT, in the vCPU's thread, with no HAS first.
    const fixed = lines(o, /^KVM_SET_DEVICE_ATTR\(vcpu\d, PMU_V3_CTRL, FIXED_COUNTERS_ONLY\)/);
    expect(fixed.map((l) => `${l.actor} ${l.ret}`)).toEqual(['vcpu0 OK', 'vcpu1 OK']);
    // Upstream QEMU on the same host and kernel counts only on the A55 cluster.
    expect(runClient('qemu', { host: 'rk3588', profile: 'fixed-counters-only' }).countingCpus).toEqual(range(0, 3));
  });

  it('sm8350-legacy-dt: one armv8_pmuv3 over all CPUs is an EVENT_SOURCE, SET_PMU on every vCPU', () => {
    const o = runClient('qemu-choose-pmu', { host: 'sm8350-legacy-dt' });
    const type = typeOf('sm8350-legacy-dt', 'armv8_pmuv3');
    expect(o.notes).toContain(`choose_pmu: EVENT_SOURCE armv8_pmuv3 (type ${type})`);
    expect(lines(o, /^KVM_SET_DEVICE_ATTR\(vcpu\d, PMU_V3_CTRL, SET_PMU=/).map((l) => l.actor)).toEqual(['vcpu0', 'vcpu1']);
    expect(o.mode).toBe('set-pmu');
    expect(o.pmu).toBe('armv8_pmuv3');
    expect(o.runnableCpus).toEqual(range(0, 7));
    expect(o.countingCpus).toEqual(range(0, 7));
  });

  it('tensor-g1: the trial SET_PMU of the DSU uncore PMU returns ENXIO and it is skipped', () => {
    const o = runClient('qemu-choose-pmu', { host: 'tensor-g1' });
    const dsu = typeOf('tensor-g1', 'arm_dsu_0');
    const probe = lines(o, new RegExp(`^KVM_SET_DEVICE_ATTR\\(scratch2\\.vcpu0, PMU_V3_CTRL, SET_PMU=${dsu}\\)$`));
    expect(probe.map((l) => l.ret)).toEqual(['ENXIO']);
    expect(lines(o, /^KVM_SET_DEVICE_ATTR\(scratch2\.vcpu0, PMU_V3_CTRL, SET_PMU=/).map((l) => l.ret)).toEqual([
      'OK',
      'OK',
      'OK',
      'ENXIO',
    ]);
    expect(o.mode).toBe('none');
  });

  it('CPUs no PMU covers: NONE without probing FIXED_COUNTERS_ONLY', () => {
    const host = { name: 'gap', cpus: 4, pmus: [{ name: 'a', cpus: [0, 1] }, { name: 'b', cpus: [2] }] };
    const o = runClient('qemu-choose-pmu', { host });
    expect(o.notes).toContain('choose_pmu: NONE');
    expect(lines(o, /FIXED_COUNTERS_ONLY/)).toEqual([]);
  });
});
