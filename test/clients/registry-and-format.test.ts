import { describe, expect, it } from 'vitest';
import { clientNames, formatOutcome, runClient } from '../../src/clients/index.js';
import { VpmuLabError } from '../../src/host/errors.js';

describe('client registry and options', () => {
  it('lists the six clients', () => {
    expect([...clientNames].sort()).toEqual(
      ['cloud-hypervisor', 'crosvm', 'firecracker', 'kvmtool', 'qemu', 'qemu-choose-pmu'].sort(),
    );
  });

  it('an unknown client throws VpmuLabError naming the valid ones', () => {
    expect(() => runClient('libvirt', { host: 'rk3588' })).toThrow(VpmuLabError);
    expect(() => runClient('libvirt', { host: 'rk3588' })).toThrow(/valid clients: qemu, qemu-choose-pmu, kvmtool/);
  });

  it('rejects bad options with VpmuLabError', () => {
    expect(() => runClient('qemu', { host: 'rk3588', mainCpu: 8 })).toThrow(/mainCpu: expected a CPU id 0\.\.7/);
    expect(() => runClient('qemu', { host: 'rk3588', vcpus: 0 })).toThrow(/vcpus/);
    expect(() => runClient('qemu', { host: 'rk3588', vcpus: 2, vcpuCpus: [1] })).toThrow(/vcpuCpus: expected 2/);
    expect(() => runClient('qemu', { host: 'rk3588', affinity: '4-7' })).toThrow(/affinity is kvmtool's/);
    expect(() => runClient('kvmtool', { host: 'rk3588', affinity: '4-9' })).toThrow(/CPU 9 does not exist/);
    expect(() => runClient('kvmtool', { host: 'rk3588', affinity: '7-4' })).toThrow(/bad range/);
    expect(() => runClient('qemu', { host: 'nope' })).toThrow(/unknown preset "nope"/);
  });

  it('every outcome is plain data that survives JSON', () => {
    const o = runClient('kvmtool', { host: 'rk3588', affinity: [4, 5, 6, 7] });
    expect(JSON.parse(JSON.stringify(o))).toEqual(o);
  });
});

describe('formatOutcome', () => {
  it('prints the trace with results, folds register sweeps, and ends with the summary', () => {
    const text = formatOutcome(runClient('qemu', { host: 'rk3588' }));
    expect(text).toMatch(/vcpu0\s+KVM_GET_ONE_REG\(vcpu0, PMINTENSET_EL1 … PMCCFILTR_EL0\) ×\d+\s+OK/);
    expect(text).toMatch(/main\s+KVM_SET_DEVICE_ATTR\(vcpu1, PMU_V3_CTRL, IRQ=23\)\s+OK/);
    expect(text).toContain('PMU:        armv8_cortex_a55 (perf type 8), mode default');
    expect(text).toContain('PMCR_EL0.N: 6');
    expect(text).toContain('runs on:    0-7');
    expect(text).toContain('counts on:  0-3');
    expect(text).toContain('verdict:    boots with a default vPMU; guest counters silently stop on CPUs 4-7');
  });

  it("shows a dead client's own message as the verdict", () => {
    const text = formatOutcome(runClient('kvmtool', { host: 'rk3588', irq: [23, 24] }));
    expect(text).toContain('EINVAL');
    expect(text).toContain('verdict:    FAILED: PMU KVM_SET_DEVICE_ATTR: Invalid argument');
    expect(text).toContain('runs on:    not run (setup failed)');
  });
});
