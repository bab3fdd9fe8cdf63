import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import { ALLOW, CTRL, DENY, E, FILTER, FIXED, SET_NR, SET_PMU, initedVm, pmuInitAll, readN, typeOf } from './helpers.js';

const FCO = { profile: 'fixed-counters-only' };

function vm(fromCpu = 0) {
  const s = initedVm('rk3588', { n: 2, fromCpu, host: FCO });
  const [runner, cfg] = s.vcpus as [Vcpu, Vcpu];
  return { ...s, runner, cfg, initRunner: () => pmuInitAll({ ...s, vcpus: [runner] }) };
}

// spec §3.6 (FIXED series v8) and §9 f: attribute 5 exists only under the
// 'fixed-counters-only' profile; in mainline it is an unknown attribute.
describe('attribute 5 in mainline (spec §3.6, §9 f)', () => {
  it('SET, GET and HAS of attr 5 → ENXIO', () => {
    const { vcpus } = initedVm('rk3588');
    const v = vcpus[0]!;
    expect(v.setDeviceAttr(CTRL, FIXED)).toBe(E.ENXIO);
    expect(v.getDeviceAttr(CTRL, FIXED).ret).toBe(E.ENXIO);
    expect(v.hasDeviceAttr(CTRL, FIXED)).toBe(E.ENXIO);
    expect(readN(v)).toBe(6);
  });

  it('an attr5 switch on the mainline profile enables it', () => {
    const { vcpus } = initedVm('rk3588', { host: { switches: { attr5: 'fixed-counters-only' } } });
    expect(vcpus[0]!.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(readN(vcpus[0]!)).toBe(0);
  });
});

// spec §3.6 SET: ran once, a filter, or an explicit SET_PMU → EBUSY; else FIXED flag and
// nr_pmu_counters = 0. GET: set → 0, else ENXIO. HAS: PMU feature → 0.
describe('KVM_ARM_VCPU_PMU_V3_FIXED_COUNTERS_ONLY (spec §3.6)', () => {
  it('SET → 0 and is idempotent; N = 0; GET → 0 with no payload', () => {
    const { vm: theVm, cfg, runner } = vm();
    expect(cfg.getDeviceAttr(CTRL, FIXED)).toEqual({ ret: E.ENXIO });
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(cfg.getDeviceAttr(CTRL, FIXED)).toEqual({ ret: 0 });
    expect(runner.getDeviceAttr(CTRL, FIXED)).toEqual({ ret: 0 }); // VM-scoped
    expect(readN(cfg)).toBe(0);
    expect(theVm.model.maxCounters()).toBe(0);
  });

  it('arm_pmu stays the default PMU chosen at vCPU INIT', () => {
    const { host, vm: theVm, cfg } = vm(5);
    const before = theVm.model.armPmu;
    expect(host.model.pmuOf(before).name).toBe('armv8_cortex_a76');
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(theVm.model.armPmu).toBe(before);
  });

  it('HAS → 0 for a PMU vCPU, ENXIO for a vCPU without the PMU', () => {
    const { cfg } = vm();
    expect(cfg.hasDeviceAttr(CTRL, FIXED)).toBe(0);
    const nopmu = createHost('rk3588', FCO).createVm().createVcpu();
    expect(nopmu.init({ pmu: false })).toBe(0);
    expect(nopmu.hasDeviceAttr(CTRL, FIXED)).toBe(E.ENXIO);
    expect(nopmu.setDeviceAttr(CTRL, FIXED)).toBe(E.ENODEV);
  });

  it('after this vCPU’s PMU INIT → EBUSY (prologue)', () => {
    const { runner, initRunner } = vm();
    initRunner();
    expect(runner.setDeviceAttr(CTRL, FIXED)).toBe(E.EBUSY);
  });

  it('after the VM ran once → EBUSY', () => {
    const { runner, cfg, initRunner } = vm();
    initRunner();
    expect(runner.run({ cpu: 0 }).ret).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(E.EBUSY);
    expect(cfg.getDeviceAttr(CTRL, FIXED).ret).toBe(E.ENXIO);
  });

  it('after a FILTER → EBUSY', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0, nevents: 0, action: ALLOW })).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(E.EBUSY);
    expect(readN(cfg)).toBe(6);
  });

  it('after a successful SET_PMU (EXPLICIT) → EBUSY, even if it selected the default PMU', () => {
    const { host, cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'armv8_cortex_a55'))).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(E.EBUSY);
  });

  it('a failed SET_PMU (ENXIO) does not set EXPLICIT', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, 4242)).toBe(E.ENXIO);
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
  });

  it('after SET_NR_COUNTERS it is still allowed (and N becomes 0)', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 3)).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(readN(cfg)).toBe(0);
  });
});

describe('what FIXED_COUNTERS_ONLY forbids afterwards (spec §3.6 interactions, §3.3 step 5, §3.4 step 4)', () => {
  it('SET_PMU after FIXED → EBUSY (any CPU PMU); an unknown type is still ENXIO', () => {
    const { host, cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    for (const p of host.pmus) expect(cfg.setDeviceAttr(CTRL, SET_PMU, p.type)).toBe(E.EBUSY);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, 4242)).toBe(E.ENXIO);
    expect(readN(cfg)).toBe(0);
  });

  it('FILTER after FIXED → EBUSY; a bad filter is still EINVAL (step 3 before step 5)', () => {
    const { vm: theVm, cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: DENY })).toBe(E.EBUSY);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: 9 })).toBe(E.EINVAL);
    expect(theVm.model.hasFilter()).toBe(false);
  });

  it('SET_NR_COUNTERS(n > 0) after FIXED → EINVAL; n = 0 → 0', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 1)).toBe(E.EINVAL);
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 0)).toBe(0);
  });

  it('the guest sees N = 0 and PMCEID0/1 = 0', () => {
    const { cfg, runner, initRunner } = vm();
    expect(cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    initRunner();
    let seen: bigint[] = [];
    expect(runner.run({ cpu: 0, guest: (g) => void (seen = [g.read('PMCR_EL0'), g.read('PMCEID0_EL0'), g.read('PMCEID1_EL0')]) }).ret).toBe(0);
    expect((seen[0]! >> 11n) & 0x1fn).toBe(0n);
    expect(seen.slice(1)).toEqual([0n, 0n]);
  });
});
