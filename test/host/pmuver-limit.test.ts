import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { PMUVER } from '../../src/arch/pmuver.js';
import type { TopologySpec } from '../../src/host/topology.js';
import { CTRL, E, FILTER, ALLOW } from '../kvm/helpers.js';

function twoClusters(a: number, b: number, extra: Partial<TopologySpec> = {}): TopologySpec {
  return { name: 'mix', pmus: [{ name: 'little', cpus: [0, 1], pmuver: a }, { name: 'big', cpus: [2, 3], pmuver: b }], ...extra };
}

// spec §1.2 `kvm_arm_pmu_get_pmuver_limit`, §8 item 23 (non-uniform PMUVer refuses the vPMU),
// hosts §3 (Apple IMPDEF trap → guest PMUVer 1).
describe('PMUVer limit and whether the vPMU is offered (spec §1.2)', () => {
  it.each([
    [PMUVER.IMP, PMUVER.IMP],
    [PMUVER.V3P1, PMUVER.V3P1],
    [PMUVER.V3P4, PMUVER.V3P4],
    [PMUVER.V3P5, PMUVER.V3P5],
    [PMUVER.V3P7, PMUVER.V3P5], // capped at V3P5
  ])('uniform PMUVer %i → limit %i, arm_pmus filled', (ver, limit) => {
    const host = createHost(twoClusters(ver, ver));
    expect(host.model.pmuverLimit).toBe(limit);
    expect(host.model.list.count()).toBe(2);
    const v = host.createVm().createVcpu();
    expect(v.init({ pmu: true })).toBe(0);
    expect(v.model.vm.pmuver).toBe(limit);
  });

  it('non-uniform PMUVer → limit NI, empty arm_pmus, INIT with the PMU feature → EINVAL', () => {
    const host = createHost(twoClusters(PMUVER.IMP, PMUVER.V3P1));
    expect(host.model.pmuverLimit).toBe(PMUVER.NI);
    expect(host.model.list.count()).toBe(0);
    const vm = host.createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: true }, { cpu: 0 })).toBe(E.EINVAL);
    expect(v.init({ pmu: true }, { cpu: 3 })).toBe(E.EINVAL);
    // The refusal is about the feature only: a vCPU without the PMU initialises fine.
    expect(v.init({ pmu: false })).toBe(0);
  });

  it('a failed PMU INIT on a vPMU-less host leaves the vCPU uninitialised (ONE_REG → ENOEXEC)', () => {
    const host = createHost(twoClusters(PMUVER.V3P1, PMUVER.V3P4));
    const v = host.createVm().createVcpu();
    expect(v.init({ pmu: true })).toBe(E.EINVAL);
    expect(v.getOneReg('PMCR_EL0').ret).toBe(E.ENOEXEC);
  });

  it('IMPDEF PMUs without the Apple trap workaround → no vPMU', () => {
    const host = createHost(twoClusters(PMUVER.IMP_DEF, PMUVER.IMP_DEF));
    expect(host.model.pmuverLimit).toBe(PMUVER.NI);
    expect(host.createVm().createVcpu().init({ pmu: true })).toBe(E.EINVAL);
  });

  it('the Apple IMPDEF-trap workaround spoofs PMUv3 v8.0 (IMP)', () => {
    const host = createHost('apple-m1');
    expect(host.model.pmuverLimit).toBe(PMUVER.IMP);
    expect(host.createVm().createVcpu().init({ pmu: true })).toBe(0);
  });

  it('the Apple workaround is checked before the sanitised value (spec §1.2 step 2 before 3)', () => {
    // Step 2 returns IMP whatever the sanitised PMUVer is, even when it sanitises to NI.
    const host = createHost(twoClusters(PMUVER.IMP_DEF, PMUVER.V3P1, { appleImpdefTraps: true }));
    expect(host.model.pmuverLimit).toBe(PMUVER.IMP);
    expect(host.createVm().createVcpu().init({ pmu: true })).toBe(0);
  });

  it('a host with only uncore PMUs offers no vPMU', () => {
    const host = createHost({ name: 'u', cpus: 2, pmus: [{ name: 'dsu', kind: 'uncore' }] });
    expect(host.pmus).toEqual([]);
    expect(host.createVm().createVcpu().init({ pmu: true })).toBe(E.EINVAL);
  });

  it('FILTER sizes its event space from the host limit: 1024 events on v8.0, 65536 from v3p1 (spec §3.3 step 1)', () => {
    for (const [preset, last] of [['rk3399', 0x3ff], ['rk3588', 0xffff]] as const) {
      const host = createHost(preset);
      const v = host.createVm().createVcpu();
      expect(v.init({ pmu: true })).toBe(0);
      expect(v.setDeviceAttr(CTRL, FILTER, { baseEvent: last, nevents: 1, action: ALLOW })).toBe(0);
      expect(v.setDeviceAttr(CTRL, FILTER, { baseEvent: last, nevents: 2, action: ALLOW })).toBe(E.EINVAL);
    }
  });

  it('event counters are 64-bit only from PMUv3p5 (spec §2.1 counters_are_64bit)', () => {
    const big = 0x1_0000_0005n;
    for (const [ver, expected] of [[PMUVER.V3P4, 5n], [PMUVER.V3P5, big], [PMUVER.V3P7, big]] as const) {
      const v = createHost(twoClusters(ver, ver)).createVm().createVcpu();
      expect(v.init({ pmu: true })).toBe(0);
      expect(v.setOneReg('PMEVCNTR0_EL0', big)).toBe(0);
      expect(v.getOneReg('PMEVCNTR0_EL0').value).toBe(expected);
    }
  });
});
