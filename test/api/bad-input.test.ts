/**
 * API.md: the library throws only for misuse of the library itself, with a message naming
 * the bad field or value and, for names, listing the valid choices.
 */
import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { VpmuLabError } from '../../src/host/errors.js';

function vcpu() {
  const host = createHost('rk3399');
  const vm = host.createVm();
  return { vm, v: vm.createVcpu() };
}

describe('library misuse is a VpmuLabError with a useful message', () => {
  it('an unknown register name lists the valid names', () => {
    const { v } = vcpu();
    expect(() => v.getOneReg('PMFOO_EL0')).toThrow(VpmuLabError);
    expect(() => v.getOneReg('PMFOO_EL0')).toThrow(/unknown register "PMFOO_EL0"; valid registers: .*PMCR_EL0.*PMCCFILTR_EL0/);
    expect(() => v.setOneReg('PMEVCNTR31_EL0', 0n)).toThrow(/unknown register "PMEVCNTR31_EL0"/);
  });

  it('non-integer CPUs and non-bigint register values name the argument', () => {
    const { v } = vcpu();
    expect(() => v.init({ pmu: true }, { cpu: 6 })).toThrow(/init: from.cpu: expected an integer 0..5, got 6/);
    expect(() => v.run({ cpu: 1.5 })).toThrow(/run: cpu: expected an integer 0..5, got 1.5/);
    expect(() => v.setOneReg('PMCR_EL0', 1 as unknown as bigint)).toThrow(/value must be a bigint/);
    expect(() => v.setDeviceAttr(0, 2, { baseEvent: 0, nevents: 70000, action: 0 })).toThrow(/FILTER.nevents \(u16\)/);
  });

  it('an unknown irqchip, a malformed topology and a bad switch are named', () => {
    expect(() => createHost('rk3399').createVm({ irqchip: 'gicv5' as never })).toThrow(/unknown irqchip "gicv5"; valid irqchips: vgic-v3, none/);
    expect(() => createHost({ name: 'x', pmus: [{ name: 'p', cpus: [0], counters: 40 }] })).toThrow(
      /topology.pmus\[0\].counters: expected an integer 0..31, got 40/,
    );
    expect(() => createHost('rk3399', { switches: { pmuListDesign: 'seqlock' as never } })).toThrow(/valid pmuListDesigns: mutex, rcu/);
  });

  it('vCPU creation after vGIC init is refused as the kernel refuses it (EBUSY)', () => {
    const { vm } = vcpu();
    expect(vm.vgicInit()).toBe(0);
    expect(() => vm.createVcpu()).toThrow(/KVM_CREATE_VCPU: EBUSY/);
  });
});
