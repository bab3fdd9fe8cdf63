import { describe, expect, it } from 'vitest';
import { runClient } from '../../src/clients/index.js';
import { lines, range } from './helpers.js';

describe('cloud-hypervisor: HAS(INIT) gate, then SET(IRQ) and SET(INIT) per vCPU (hosts §1.4)', () => {
  it('rk3588: HAS(INIT) before each SET pair, never HAS(IRQ); the main thread\'s CPU picks the PMU', () => {
    const o = runClient('cloud-hypervisor', { host: 'rk3588', mainCpu: 4 });
    expect(o.ok).toBe(true);
    expect(lines(o, /PMU_V3_CTRL/).map((l) => l.call.replace(/\(vcpu(\d).*?, (\w+)(=\d+)?\)/, ' $1 $2'))).toEqual([
      'KVM_HAS_DEVICE_ATTR 0 INIT',
      'KVM_SET_DEVICE_ATTR 0 IRQ',
      'KVM_SET_DEVICE_ATTR 0 INIT',
      'KVM_HAS_DEVICE_ATTR 1 INIT',
      'KVM_SET_DEVICE_ATTR 1 IRQ',
      'KVM_SET_DEVICE_ATTR 1 INIT',
    ]);
    expect(o.pmu).toBe('armv8_cortex_a76');
    expect(o.countingCpus).toEqual(range(4, 7));
  });

  it('without the cap: no PMU_V3, the first HAS(INIT) fails and init_pmu returns at once', () => {
    const host = { name: 'mixed', pmus: [{ name: 'v8', cpus: [0], pmuver: 1 }, { name: 'v81', cpus: [1], pmuver: 4 }] };
    const o = runClient('cloud-hypervisor', { host, vcpus: 3 });
    expect(o.ok).toBe(true);
    expect(lines(o, /PMU_V3_CTRL/).map((l) => `${l.call} ${l.ret}`)).toEqual([
      'KVM_HAS_DEVICE_ATTR(vcpu0, PMU_V3_CTRL, INIT) ENXIO',
    ]);
    expect(o.notes).toEqual(['PMU attribute is not supported in vCPU#0, skip PMU init!']);
    expect(o.mode).toBe('none');
  });

  it('a SET error fails the boot', () => {
    const o = runClient('cloud-hypervisor', { host: 'rk3588', irq: [23, 24] });
    expect(o.ok).toBe(false);
    expect(o.error).toBe('Error booting VM: VcpuInitPmu: Invalid argument');
  });
});
