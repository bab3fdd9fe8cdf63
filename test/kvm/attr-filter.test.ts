import { describe, expect, it } from 'vitest';
import type { Vcpu } from '../../src/api/vcpu.js';
import { ALLOW, CTRL, DENY, E, FILTER, initedVm, pmuInitAll } from './helpers.js';

/** PMCEID0/1 as the guest reads them (a filter masks them, spec §4.8). */
function pmceid(v: Vcpu): [bigint, bigint] {
  let p: [bigint, bigint] = [-1n, -1n];
  expect(v.run({ cpu: 0, guest: (g) => void (p = [g.read('PMCEID0_EL0'), g.read('PMCEID1_EL0')]) }).ret).toBe(0);
  return p;
}
const has = (p: [bigint, bigint], ev: number) => ((p[ev < 32 ? 0 : 1] >> BigInt(ev & 31)) & 1n) === 1n;

/** One configuring vCPU and one that runs, so FILTER can still be issued after the first run. */
function vm() {
  const s = initedVm('rk3588', { n: 2 });
  const [runner, cfg] = s.vcpus as [Vcpu, Vcpu];
  return { s, runner, cfg, initRunner: () => pmuInitAll({ ...s, vcpus: [runner] }) };
}

// spec §3.3 KVM_ARM_VCPU_PMU_V3_FILTER SET, in order: size from the host limit; copy fails →
// EFAULT; range/action → EINVAL; ran once → EBUSY; (FIXED → EBUSY); first action picks the
// default; ALLOW sets, DENY clears.
describe('KVM_ARM_VCPU_PMU_V3_FILTER errnos (spec §3.3)', () => {
  it('missing payload → EFAULT', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER)).toBe(E.EFAULT);
  });

  it.each([
    [0xffff, 1, ALLOW, 0],
    [0, 0xffff, ALLOW, 0],
    [0x10000 - 5, 5, DENY, 0],
    [0x10000 - 5, 6, DENY, E.EINVAL],
    [0xffff, 0xffff, ALLOW, E.EINVAL],
    [0x11, 0, ALLOW, 0], // nevents == 0 is legal
    [0x11, 1, 2, E.EINVAL],
    [0x11, 1, 255, E.EINVAL],
  ])('base %i, nevents %i, action %i → %i', (baseEvent, nevents, action, ret) => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent, nevents, action })).toBe(ret);
  });

  it('an invalid filter leaves no bitmap behind', () => {
    const { s, cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0, nevents: 1, action: 7 })).toBe(E.EINVAL);
    expect(s.vm.model.hasFilter()).toBe(false);
  });

  it('after the first run: a valid filter → EBUSY, an invalid one → EINVAL, a missing one → EFAULT', () => {
    const { runner, cfg, initRunner } = vm();
    initRunner();
    expect(runner.run({ cpu: 0 }).ret).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW })).toBe(E.EBUSY);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: 2 })).toBe(E.EINVAL);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0xffff, nevents: 2, action: DENY })).toBe(E.EINVAL);
    expect(cfg.setDeviceAttr(CTRL, FILTER)).toBe(E.EFAULT);
  });

  it('a failed first KVM_RUN (no PMU INIT) does not count as "ran once"', () => {
    const { s, runner, cfg } = vm();
    expect(s.vm.vgicInit()).toBe(0);
    expect(runner.run({ cpu: 0 }).ret).toBe(E.EINVAL);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW })).toBe(0);
  });
});

describe('KVM_ARM_VCPU_PMU_V3_FILTER bitmap semantics (spec §3.3 steps 6–7, §4.8)', () => {
  it('no filter: PMCEID shows the host events plus SW_INCR and CHAIN', () => {
    const { runner, initRunner } = vm();
    initRunner();
    const p = pmceid(runner);
    for (const ev of [0x00, 0x08, 0x11, 0x1e, 0x21]) expect(has(p, ev)).toBe(true);
  });

  it('first action ALLOW → default deny: only the allowed range is advertised', () => {
    const { runner, cfg, initRunner } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW })).toBe(0);
    initRunner();
    const p = pmceid(runner);
    expect(has(p, 0x11)).toBe(true);
    for (const ev of [0x00, 0x08, 0x10, 0x12, 0x21]) expect(has(p, ev)).toBe(false);
  });

  it('first action DENY → default allow: everything but the denied range', () => {
    const { runner, cfg, initRunner } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x10, nevents: 2, action: DENY })).toBe(0);
    initRunner();
    const p = pmceid(runner);
    expect(has(p, 0x10)).toBe(false);
    expect(has(p, 0x11)).toBe(false);
    for (const ev of [0x08, 0x12, 0x21]) expect(has(p, ev)).toBe(true);
  });

  it('re-applying the opposite action does not restore the default', () => {
    const { runner, cfg, initRunner } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x08, nevents: 1, action: ALLOW })).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x08, nevents: 1, action: DENY })).toBe(0);
    initRunner();
    const p = pmceid(runner);
    expect(has(p, 0x08)).toBe(false);
    expect(has(p, 0x11)).toBe(false); // still default-deny from the first ALLOW
  });

  it('{0, 0, ALLOW} creates a deny-everything filter', () => {
    const { runner, cfg, initRunner } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0, nevents: 0, action: ALLOW })).toBe(0);
    initRunner();
    expect(pmceid(runner)).toEqual([0n, 0n]);
  });

  it('the filter is VM-wide: set through one vCPU, seen by another', () => {
    const { runner, cfg, initRunner } = vm();
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x21, nevents: 1, action: DENY })).toBe(0);
    initRunner();
    expect(has(pmceid(runner), 0x21)).toBe(false);
  });

  it('filtering CPU_CYCLES (0x11) stops the cycle counter', () => {
    for (const [action, expected] of [[DENY, 0n], [ALLOW, 100n]] as const) {
      const { runner, cfg, initRunner } = vm();
      expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action })).toBe(0);
      initRunner();
      let cycles = -1n;
      runner.run({
        cpu: 0,
        guest: (g) => {
          g.write('PMCNTENSET_EL0', 1n << 31n);
          g.write('PMCCNTR_EL0', 0n);
          g.write('PMCR_EL0', 1n);
          g.exec(100);
          cycles = g.read('PMCCNTR_EL0');
        },
      });
      expect(cycles).toBe(expected);
    }
  });
});
