import { describe, expect, it } from 'vitest';
import { runClient } from '../../src/clients/index.js';
import { indexOf, lines, range, typeOf } from './helpers.js';

describe('kvmtool: SET_PMU of the PMU covering --vcpu-affinity (hosts §1.2)', () => {
  it('affinity 4-7 on rk3588: SET_PMU(A76) on every vCPU between IRQ and INIT; runnable exactly on 4-7', () => {
    const o = runClient('kvmtool', { host: 'rk3588', affinity: '4-7', vcpus: 3 });
    const a76 = typeOf('rk3588', 'armv8_cortex_a76');
    expect(o.ok).toBe(true);
    const sets = lines(o, /SET_PMU=/);
    expect(sets.map((l) => l.call)).toEqual(
      [0, 1, 2].map((i) => `KVM_SET_DEVICE_ATTR(vcpu${i}, PMU_V3_CTRL, SET_PMU=${a76})`),
    );
    expect(sets.every((l) => l.ret === 'OK')).toBe(true);
    // vCPU0's INIT (main thread on cpu0) chose the A55; SET_PMU replaces it after that INIT.
    expect(indexOf(o, /^KVM_ARM_VCPU_INIT\(vcpu0/)).toBeLessThan(indexOf(o, /SET_PMU=/));
    expect(o.pmu).toBe('armv8_cortex_a76');
    expect(o.mode).toBe('set-pmu');
    expect(o.runnableCpus).toEqual(range(4, 7));
    expect(o.countingCpus).toEqual(range(4, 7));
    const failed = lines(o, /^KVM_RUN\(vcpu0\) on cpu0$/)[0]!;
    expect(failed.note).toContain('KVM_EXIT_FAIL_ENTRY');
  });

  it('affinity 2-5 straddles two PMUs: the search stops at the A55, no SET_PMU, the default PMU stays', () => {
    const o = runClient('kvmtool', { host: 'rk3588', affinity: '2-5' });
    expect(o.ok).toBe(true);
    expect(lines(o, /SET_PMU=/)).toEqual([]);
    expect(lines(o, /^read .*\/cpus$/).map((l) => l.call)).toEqual(['read /sys/bus/event_source/devices/armv8_cortex_a55/cpus']);
    expect(o.notes.join('\n')).toMatch(/PMU events might not work/);
    expect(o.mode).toBe('default');
    expect(o.runnableCpus).toEqual(range(0, 7));
    expect(o.countingCpus).toEqual(range(0, 3));
  });

  it('without affinity the main thread\'s CPU is the target set', () => {
    const o = runClient('kvmtool', { host: 'rk3399', mainCpu: 5 });
    expect(lines(o, /SET_PMU=/)[0]!.call).toContain(`SET_PMU=${typeOf('rk3399', 'armv8_cortex_a72')}`);
    expect(o.runnableCpus).toEqual([4, 5]);
  });

  it('an uncore PMU without a cpus file is skipped, not a reason to stop', () => {
    const host = {
      name: 'dsu-first',
      pmus: [
        { name: 'arm_dsu_0', kind: 'uncore' as const },
        { name: 'little', cpus: [0, 1] },
        { name: 'big', cpus: [2, 3] },
      ],
    };
    const o = runClient('kvmtool', { host, affinity: [2, 3] });
    expect(lines(o, /arm_dsu_0\/cpus/)[0]!.ret).toBe('ENOENT');
    expect(o.pmu).toBe('big');
    expect(o.runnableCpus).toEqual([2, 3]);
  });

  it('dies with perror text on a failing SET and leaves the VM unrun', () => {
    const o = runClient('kvmtool', { host: 'rk3588', vcpus: 3, irq: [23, 24, 23] });
    expect(o.ok).toBe(false);
    expect(o.error).toBe('PMU KVM_SET_DEVICE_ATTR: Invalid argument');
    expect(lines(o, /vcpu2, PMU_V3_CTRL/)).toEqual([]);
    expect(o.runnableCpus).toEqual([]);
  });

  it('dies when KVM has no PMUv3 (non-uniform PMUVer, spec §1.2)', () => {
    const host = { name: 'mixed', pmus: [{ name: 'v8', cpus: [0], pmuver: 1 }, { name: 'v81', cpus: [1], pmuver: 4 }] };
    const o = runClient('kvmtool', { host });
    expect(o.ok).toBe(false);
    expect(o.error).toBe('Fatal: PMUv3 is not supported');
    expect(lines(o, /^KVM_CHECK_EXTENSION/)[0]!.note).toBe('= 0');
  });
});
