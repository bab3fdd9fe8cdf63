import { describe, expect, it } from 'vitest';
import type { Vcpu } from '../../src/api/vcpu.js';
import { ALLOW, CTRL, E, FILTER, FIXED, initedVm, pmuInitAll, readN } from './helpers.js';

const F = { baseEvent: 0x11, nevents: 1, action: ALLOW };

function vm(fixedExcludesFilter: boolean) {
  const s = initedVm('rk3588', { n: 2, host: { profile: 'fixed-counters-only', switches: { fixedExcludesFilter } } });
  const [runner, cfg] = s.vcpus as [Vcpu, Vcpu];
  return { ...s, runner, cfg };
}

// spec §9 e / §3.3 step 5 / §3.6: switch fixedExcludesFilter — v8 makes FILTER and
// FIXED_COUNTERS_ONLY mutually exclusive in both orders; the reviewer wants it dropped.
describe('profile switch fixedExcludesFilter (spec §9 e, §3.3 step 5, §3.6)', () => {
  it('on (v8 default): FILTER then FIXED → EBUSY; FIXED then FILTER → EBUSY', () => {
    const a = vm(true);
    expect(a.cfg.setDeviceAttr(CTRL, FILTER, F)).toBe(0);
    expect(a.cfg.setDeviceAttr(CTRL, FIXED)).toBe(E.EBUSY);
    const b = vm(true);
    expect(b.cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(b.cfg.setDeviceAttr(CTRL, FILTER, F)).toBe(E.EBUSY);
  });

  it('off: both orders succeed; FIXED still wins for N and PMCEID', () => {
    const a = vm(false);
    expect(a.cfg.setDeviceAttr(CTRL, FILTER, F)).toBe(0);
    expect(a.cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    const b = vm(false);
    expect(b.cfg.setDeviceAttr(CTRL, FIXED)).toBe(0);
    expect(b.cfg.setDeviceAttr(CTRL, FILTER, F)).toBe(0);
    expect(b.vm.model.hasFilter()).toBe(true);
    expect(readN(b.cfg)).toBe(0);
    pmuInitAll({ ...b, vcpus: [b.runner] });
    let p = [-1n, -1n];
    expect(b.runner.run({ cpu: 0, guest: (g) => void (p = [g.read('PMCEID0_EL0'), g.read('PMCEID1_EL0')]) }).ret).toBe(0);
    expect(p).toEqual([0n, 0n]);
  });

  it('off: the other FIXED exclusions (ran once, explicit SET_PMU) still apply', () => {
    const a = vm(false);
    expect(a.cfg.setDeviceAttr(CTRL, 3, a.host.pmus[0]!.type)).toBe(0);
    expect(a.cfg.setDeviceAttr(CTRL, FIXED)).toBe(E.EBUSY);
    const b = vm(false);
    pmuInitAll({ ...b, vcpus: [b.runner] });
    expect(b.runner.run({ cpu: 0 }).ret).toBe(0);
    expect(b.cfg.setDeviceAttr(CTRL, FIXED)).toBe(E.EBUSY);
  });
});
