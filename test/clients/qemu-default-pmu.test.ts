import { describe, expect, it } from 'vitest';
import { runClient } from '../../src/clients/index.js';
import { indexOf, lines, range } from './helpers.js';

describe('qemu: the default PMU comes from the pCPU of the first PMU INIT (hosts §1.1)', () => {
  it('rk3588, main thread on cpu0: A55 PMU, N=6, runs everywhere but counts only on 0-3', () => {
    const o = runClient('qemu', { host: 'rk3588' });
    expect(o.ok).toBe(true);
    expect(o.pmu).toBe('armv8_cortex_a55');
    expect(o.mode).toBe('default');
    expect(o.nrCounters).toBe(6);
    expect(o.runnableCpus).toEqual(range(0, 7));
    expect(o.countingCpus).toEqual(range(0, 3));
  });

  it('main thread on cpu5: the A76 PMU, counting only on 4-7', () => {
    const o = runClient('qemu', { host: 'rk3588', mainCpu: 5 });
    expect(o.pmu).toBe('armv8_cortex_a76');
    expect(o.runnableCpus).toEqual(range(0, 7));
    expect(o.countingCpus).toEqual(range(4, 7));
  });

  it("the vCPU0 thread's CPU decides, not the scratch probe on the main thread", () => {
    const o = runClient('qemu', { host: 'rk3588', mainCpu: 0, vcpuCpus: [6, 1] });
    expect(lines(o, /^KVM_ARM_VCPU_INIT\(scratch\.vcpu0/)[0]!.note).toBe('VM PMU: armv8_cortex_a55');
    const first = lines(o, /^KVM_ARM_VCPU_INIT\(vcpu0, PMU_V3\) on cpu6$/)[0]!;
    expect(first).toMatchObject({ actor: 'vcpu0', ret: 'OK', note: 'VM PMU: armv8_cortex_a76' });
    expect(o.pmu).toBe('armv8_cortex_a76');
  });

  it('reads every PMU register before the PMU INIT, never SET_PMUs, and writes them back after the reset', () => {
    const o = runClient('qemu', { host: 'rk3588', vcpus: 1 });
    const firstGet = indexOf(o, /^KVM_GET_ONE_REG\(vcpu0, PMINTENSET_EL1\)/);
    const pmuInit = indexOf(o, /^KVM_SET_DEVICE_ATTR\(vcpu0, PMU_V3_CTRL, INIT\)/);
    expect(firstGet).toBeGreaterThan(-1);
    expect(firstGet).toBeLessThan(pmuInit);
    expect(lines(o, /SET_PMU/)).toEqual([]);
    const reInit = o.trace.findIndex((l, i) => i > pmuInit && /^KVM_ARM_VCPU_INIT\(vcpu0/.test(l.call));
    expect(reInit).toBeGreaterThan(pmuInit);
    const writes = lines(o, /^KVM_SET_ONE_REG\(vcpu0,/);
    expect(writes.length).toBe(lines(o, /^KVM_GET_ONE_REG\(vcpu0,/).filter((l) => l.actor === 'vcpu0').length);
    expect(writes.every((l) => l.ret === 'OK')).toBe(true);
    // QEMU never re-issues IRQ/INIT after the reset: KVM keeps `created` across a repeated INIT.
    expect(o.runnableCpus.length).toBe(8);
  });

  it('a SET(IRQ) failure aborts with QEMU\'s own message and nothing is run', () => {
    const o = runClient('qemu', { host: 'rk3588', irq: [23, 24] });
    expect(o.ok).toBe(false);
    expect(o.error).toBe('PMU: KVM_SET_DEVICE_ATTR: Invalid argument; failed to set irq for PMU; abort()');
    expect(lines(o, /^KVM_RUN/)).toEqual([]);
    expect(o.runnableCpus).toEqual([]);
  });
});
