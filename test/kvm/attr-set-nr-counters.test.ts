import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import type { Vcpu } from '../../src/api/vcpu.js';
import { ALLOW, CTRL, E, FILTER, SET_NR, initedVm, pmuInitAll, readN } from './helpers.js';

function vm() {
  const s = initedVm('rk3588', { n: 2 });
  const [runner, cfg] = s.vcpus as [Vcpu, Vcpu];
  return { ...s, runner, cfg, initRunner: () => pmuInitAll({ ...s, vcpus: [runner] }) };
}

// spec §3.5 KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS: EFAULT; no arm_pmu → EINVAL; n > max →
// EINVAL; else nr_pmu_counters = n. No explicit-PMU, filter or has-run check in mainline.
describe('KVM_ARM_VCPU_PMU_V3_SET_NR_COUNTERS (spec §3.5)', () => {
  it('missing payload → EFAULT', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_NR)).toBe(E.EFAULT);
  });

  it.each([0, 1, 5, 6])('n = %i ≤ max (6) → 0 and PMCR_EL0.N = n on every vCPU', (n) => {
    const { runner, cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_NR, n)).toBe(0);
    expect(readN(cfg)).toBe(n);
    expect(readN(runner)).toBe(n);
  });

  it.each([7, 31, 32, 0xffffffff, -1])('n = %i > max → EINVAL (unsigned compare), N unchanged', (n) => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 3)).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_NR, n)).toBe(E.EINVAL);
    expect(readN(cfg)).toBe(3);
  });

  // Reachable only because mainline copies the feature bitmap before the default-PMU probe
  // fails and does not restore it (spec §1.3, §8 item 27), so the prologue sees a PMU vCPU.
  it('no arm_pmu (first INIT failed with ENODEV, features already copied) → EINVAL; EFAULT comes first', () => {
    const vm = createHost({ name: 'gap', cpus: 5, pmus: [{ name: 'a', cpus: [0, 1, 2, 3] }] }).createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: true }, { cpu: 4 })).toBe(E.ENODEV);
    expect(vm.model.armPmu).toBe(-1);
    expect(v.setDeviceAttr(CTRL, SET_NR)).toBe(E.EFAULT);
    expect(v.setDeviceAttr(CTRL, SET_NR, 0)).toBe(E.EINVAL);
  });

  it('needs no explicit SET_PMU and ignores an existing filter', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW })).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 2)).toBe(0);
    expect(readN(cfg)).toBe(2);
  });

  it('mainline: after the VM ran, a not-yet-INITed vCPU still changes the count (spec §8 item 13)', () => {
    const { runner, cfg, initRunner } = vm();
    initRunner();
    expect(runner.run({ cpu: 0 }).ret).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 2)).toBe(0);
    let guestN = -1n;
    runner.run({ cpu: 0, guest: (g) => void (guestN = (g.read('PMCR_EL0') >> 11n) & 0x1fn) });
    expect(guestN).toBe(2n);
  });

  it('the new count shapes the reset masks of a later vCPU reset', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 3)).toBe(0);
    expect(cfg.init({ pmu: true })).toBe(0); // KVM_ARM_VCPU_INIT again = reset
    expect(cfg.getOneReg('PMCNTENSET_EL0').value).toBe(0xdbadc0den & 0x80000007n);
  });

  it('GET → ENXIO; HAS → 0', () => {
    const { cfg } = vm();
    expect(cfg.getDeviceAttr(CTRL, SET_NR).ret).toBe(E.ENXIO);
    expect(cfg.hasDeviceAttr(CTRL, SET_NR)).toBe(0);
  });
});
