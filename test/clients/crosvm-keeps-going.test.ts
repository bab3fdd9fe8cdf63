import { describe, expect, it } from 'vitest';
import { runClient } from '../../src/clients/index.js';
import { lines, range } from './helpers.js';

describe('crosvm: init_pmu results folded with a non-short-circuit AND (hosts §1.3)', () => {
  it('a failure on vCPU1 drops the PMU node but vCPU2 still gets IRQ and INIT', () => {
    const o = runClient('crosvm', { host: 'rk3588', vcpus: 3, irq: [23, 24, 23] });
    expect(o.ok).toBe(true);
    expect(lines(o, /vcpu1, PMU_V3_CTRL/).map((l) => `${l.call} ${l.ret}`)).toEqual([
      'KVM_HAS_DEVICE_ATTR(vcpu1, PMU_V3_CTRL, IRQ) OK',
      'KVM_SET_DEVICE_ATTR(vcpu1, PMU_V3_CTRL, IRQ=24) EINVAL',
    ]);
    expect(lines(o, /vcpu2, PMU_V3_CTRL/).map((l) => `${l.call} ${l.ret}`)).toEqual([
      'KVM_HAS_DEVICE_ATTR(vcpu2, PMU_V3_CTRL, IRQ) OK',
      'KVM_SET_DEVICE_ATTR(vcpu2, PMU_V3_CTRL, IRQ=23) OK',
      'KVM_SET_DEVICE_ATTR(vcpu2, PMU_V3_CTRL, INIT) OK',
    ]);
    expect(o.notes).toContain('use_pmu = false: the FDT gets no PMU node');
    expect(o.runnableCpus).toEqual(range(0, 7));
  });

  it('no HAS before INIT, every vCPU INITed by the main thread from its CPU', () => {
    const o = runClient('crosvm', { host: 'rk3588', mainCpu: 7, vcpuCpus: [0, 0] });
    expect(lines(o, /HAS_DEVICE_ATTR\(.*INIT\)/)).toEqual([]);
    expect(lines(o, /^KVM_ARM_VCPU_INIT/).map((l) => `${l.actor} ${l.call}`)).toEqual([
      'main KVM_ARM_VCPU_INIT(vcpu0, PMU_V3) on cpu7',
      'main KVM_ARM_VCPU_INIT(vcpu1, PMU_V3) on cpu7',
    ]);
    expect(o.pmu).toBe('armv8_cortex_a76');
    expect(o.notes).toEqual([]);
  });

  it('a failure on vCPU0 leaves it with PMU_V3 but no PMU: its KVM_RUN fails everywhere', () => {
    const o = runClient('crosvm', { host: 'rk3588', irq: [1, 23] });
    expect(o.ok).toBe(true);
    expect(lines(o, /vcpu1, PMU_V3_CTRL, INIT/)[0]!.ret).toBe('OK');
    expect(lines(o, /^KVM_RUN\(vcpu0\)/).every((l) => l.ret === 'EINVAL')).toBe(true);
    expect(o.runnableCpus).toEqual([]);
  });
});
