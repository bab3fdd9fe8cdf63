import { describe, expect, it } from 'vitest';
import type { Vcpu } from '../../src/api/vcpu.js';
import type { HostOptions } from '../../src/api/host.js';
import { CTRL, E, SET_NR, initedVm, pmuInitAll, readN } from './helpers.js';

/** v0 runs; v1 (never PMU-INITed) then tries SET_NR_COUNTERS(2). Returns its errno and N. */
function setNrAfterRun(host: HostOptions): { ret: number; n: number } {
  const s = initedVm('rk3588', { n: 2, host });
  const [v0, v1] = s.vcpus as [Vcpu, Vcpu];
  pmuInitAll({ ...s, vcpus: [v0] });
  expect(v0.run({ cpu: 0 }).ret).toBe(0);
  const ret = v1.setDeviceAttr(CTRL, SET_NR, 2);
  return { ret, n: readN(v0) };
}

// spec §9 a / §3.5 / §8 item 13: switch nrCountersFrozenAfterRun — mainline lets a not-yet-
// INITed vCPU change nr_pmu_counters after the VM ran; the FIXED series refuses with EBUSY.
describe('profile switch nrCountersFrozenAfterRun (spec §9 a, §8 item 13)', () => {
  it('mainline (off): SET_NR_COUNTERS after first run → 0 and N changes under the running vCPU', () => {
    expect(setNrAfterRun({})).toEqual({ ret: 0, n: 2 });
  });

  it('mainline + switch on: → EBUSY, N unchanged', () => {
    expect(setNrAfterRun({ switches: { nrCountersFrozenAfterRun: true } })).toEqual({ ret: E.EBUSY, n: 6 });
  });

  it('fixed-counters-only profile (on by default): → EBUSY', () => {
    expect(setNrAfterRun({ profile: 'fixed-counters-only' })).toEqual({ ret: E.EBUSY, n: 6 });
  });

  it('fixed-counters-only with the switch off: → 0', () => {
    expect(setNrAfterRun({ profile: 'fixed-counters-only', switches: { nrCountersFrozenAfterRun: false } })).toEqual({
      ret: 0,
      n: 2,
    });
  });

  it('switch on: before the first run SET_NR_COUNTERS still works, and EFAULT still comes first', () => {
    const s = initedVm('rk3588', { n: 2, host: { switches: { nrCountersFrozenAfterRun: true } } });
    const [v0, v1] = s.vcpus as [Vcpu, Vcpu];
    expect(v1.setDeviceAttr(CTRL, SET_NR, 3)).toBe(0);
    expect(readN(v1)).toBe(3);
    pmuInitAll({ ...s, vcpus: [v0] });
    expect(v0.run({ cpu: 0 }).ret).toBe(0);
    expect(v1.setDeviceAttr(CTRL, SET_NR)).toBe(E.EFAULT);
  });
});
