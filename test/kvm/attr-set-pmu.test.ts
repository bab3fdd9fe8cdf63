import { describe, expect, it } from 'vitest';
import type { Vcpu } from '../../src/api/vcpu.js';
import { uapi } from '../../src/arch/uapi.js';
import type { TopologySpec } from '../../src/host/topology.js';
import { ALLOW, CTRL, E, FILTER, SET_NR, SET_PMU, initedVm, pmuInitAll, readN, typeOf } from './helpers.js';

const split: TopologySpec = {
  name: 'split',
  pmus: [
    { name: 'little', cpus: [0, 1, 2, 3], counters: 4 },
    { name: 'big', cpus: [4, 5, 6, 7], counters: 6 },
  ],
};

function vm(topology: string | TopologySpec = split, fromCpu = 0) {
  const s = initedVm(topology, { n: 2, fromCpu });
  const [runner, cfg] = s.vcpus as [Vcpu, Vcpu];
  return { ...s, runner, cfg, initRunner: () => pmuInitAll({ ...s, vcpus: [runner] }) };
}

// spec §3.4 KVM_ARM_VCPU_PMU_V3_SET_PMU: EFAULT; unknown type → ENXIO; ran once, or a filter
// with a different PMU → EBUSY; success selects the PMU, resets nr_pmu_counters to its max
// and narrows supported_cpus.
describe('KVM_ARM_VCPU_PMU_V3_SET_PMU (spec §3.4)', () => {
  it('missing payload → EFAULT', () => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_PMU)).toBe(E.EFAULT);
  });

  it.each([0, 1, 5, 7, 10, 9999, -1])('type %i matches no CPU PMU → ENXIO', (type) => {
    const { cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, type)).toBe(E.ENXIO);
  });

  it('tensor-g1: the DSU uncore PMU’s type → ENXIO; every CPU PMU’s type → 0', () => {
    const { host, cfg } = vm('tensor-g1');
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'arm_dsu_0'))).toBe(E.ENXIO);
    for (const p of host.pmus) expect(cfg.setDeviceAttr(CTRL, SET_PMU, p.type)).toBe(0);
  });

  it('success: nr_pmu_counters = the PMU’s max, supported_cpus = its CPUs', () => {
    const { host, vm: theVm, cfg } = vm(split, 0);
    expect(readN(cfg)).toBe(4);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(0);
    expect(readN(cfg)).toBe(6);
    expect(theVm.model.supportedCpuList()).toEqual([4, 5, 6, 7]);
  });

  it('KVM_RUN off the selected PMU’s CPUs → FAIL_ENTRY / CPU_UNSUPPORTED with that CPU, ret 0', () => {
    const { host, runner, initRunner } = vm('rk3588', 0);
    expect(runner.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'armv8_cortex_a76'))).toBe(0);
    initRunner();
    expect(runner.run({ cpu: 2 })).toEqual({
      ret: 0,
      exitReason: uapi.KVM_EXIT_FAIL_ENTRY,
      failEntry: { hardwareEntryFailureReason: uapi.KVM_EXIT_FAIL_ENTRY_CPU_UNSUPPORTED, cpu: 2 },
    });
    expect(runner.run({ cpu: 6 })).toEqual({ ret: 0 });
  });

  it('cancels an earlier SET_NR_COUNTERS', () => {
    const { host, cfg } = vm(split, 4);
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 2)).toBe(0);
    expect(readN(cfg)).toBe(2);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(0); // even the same PMU
    expect(readN(cfg)).toBe(6);
  });

  it('cancels an earlier userspace PMCR_EL0.N write', () => {
    const { host, cfg } = vm(split, 0);
    expect(cfg.setOneReg('PMCR_EL0', 1n << 11n)).toBe(0);
    expect(readN(cfg)).toBe(1);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'little'))).toBe(0);
    expect(readN(cfg)).toBe(4);
  });

  it('the last successful SET_PMU wins', () => {
    const { host, vm: theVm, cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'little'))).toBe(0);
    expect(readN(cfg)).toBe(4);
    expect(theVm.model.supportedCpuList()).toEqual([0, 1, 2, 3]);
  });

  it('after the VM ran once → EBUSY (state unchanged); an unknown type is still ENXIO', () => {
    const { host, vm: theVm, runner, cfg, initRunner } = vm();
    initRunner();
    expect(runner.run({ cpu: 0 }).ret).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(E.EBUSY);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'little'))).toBe(E.EBUSY);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, 4242)).toBe(E.ENXIO);
    expect(readN(cfg)).toBe(4);
    expect(theVm.model.supportedCpuList()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('a filter exists and the PMU differs from the current one → EBUSY; the same PMU → 0', () => {
    const { host, vm: theVm, cfg } = vm(split, 0);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW })).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(E.EBUSY);
    expect(theVm.model.supportedCpuList()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // Selecting the (default) PMU the VM already has is allowed, and narrows supported_cpus.
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'little'))).toBe(0);
    expect(theVm.model.supportedCpuList()).toEqual([0, 1, 2, 3]);
  });

  it('SET_PMU then FILTER then SET_PMU of another PMU → EBUSY', () => {
    const { host, cfg } = vm(split, 0);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0x11, nevents: 1, action: ALLOW })).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'little'))).toBe(E.EBUSY);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(0);
    expect(readN(cfg)).toBe(6);
  });

  it('GET SET_PMU → ENXIO; HAS SET_PMU → 0', () => {
    const { host, cfg } = vm();
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'))).toBe(0);
    expect(cfg.getDeviceAttr(CTRL, SET_PMU).ret).toBe(E.ENXIO);
    expect(cfg.hasDeviceAttr(CTRL, SET_PMU)).toBe(0);
  });

  it('leaves arm_pmus_lock and config_lock free', () => {
    const { host, vm: theVm, cfg } = vm();
    cfg.setDeviceAttr(CTRL, SET_PMU, typeOf(host, 'big'));
    cfg.setDeviceAttr(CTRL, SET_PMU, 77);
    expect(host.model.list.lock.owner()).toBe(0);
    expect(theVm.model.configLock.owner()).toBe(0);
  });
});
