import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { getDeviceAttr, hasDeviceAttr, setDeviceAttr } from '../../src/kvm/vcpu-ioctl.js';
import { runDirect } from '../../src/sync/direct.js';
import { Stepper } from '../../src/sync/stepper.js';
import { ALLOW, CTRL, E, FILTER, FIXED, INIT, IRQ, SET_NR, SET_PMU, initedVm, pmuInitAll } from './helpers.js';

const MAINLINE_ATTRS = [IRQ, INIT, FILTER, SET_PMU, SET_NR];

// spec §3.1–§3.6 GET/HAS rows: HAS = 0 iff the vCPU has the PMU feature (for known attrs);
// GET only answers IRQ (and FIXED in the FIXED series); neither takes a KVM lock (§3 intro).
describe('KVM_HAS_DEVICE_ATTR (spec §3.1–§3.5)', () => {
  it.each(MAINLINE_ATTRS)('attr %i: 0 with the PMU feature, before and after PMU INIT', (attr) => {
    const s = initedVm('rk3588');
    expect(s.vcpus[0]!.hasDeviceAttr(CTRL, attr)).toBe(0);
    pmuInitAll(s);
    expect(s.vcpus[0]!.hasDeviceAttr(CTRL, attr)).toBe(0);
  });

  it.each(MAINLINE_ATTRS)('attr %i: ENXIO before any KVM_ARM_VCPU_INIT, and without the PMU feature', (attr) => {
    const vm = createHost('rk3588').createVm();
    const v = vm.createVcpu();
    expect(v.hasDeviceAttr(CTRL, attr)).toBe(E.ENXIO);
    expect(v.init({ pmu: false })).toBe(0);
    expect(v.hasDeviceAttr(CTRL, attr)).toBe(E.ENXIO);
  });

  it.each([FIXED, 6, 100])('unknown attr %i → ENXIO even with the PMU feature (mainline)', (attr) => {
    const { vcpus } = initedVm('rk3588');
    expect(vcpus[0]!.hasDeviceAttr(CTRL, attr)).toBe(E.ENXIO);
  });

  it('does not need an irqchip', () => {
    const { vcpus } = initedVm('rk3588', { irqchip: 'none' });
    expect(vcpus[0]!.hasDeviceAttr(CTRL, IRQ)).toBe(0);
  });
});

describe('KVM_GET_DEVICE_ATTR (spec §3.1–§3.5)', () => {
  it('IRQ: no irqchip → EINVAL, checked before the PMU feature', () => {
    const vm = createHost('rk3588').createVm({ irqchip: 'none' });
    const v = vm.createVcpu();
    expect(v.getDeviceAttr(CTRL, IRQ).ret).toBe(E.EINVAL);
    expect(v.init({ pmu: true })).toBe(0);
    expect(v.getDeviceAttr(CTRL, IRQ).ret).toBe(E.EINVAL);
  });

  it('IRQ: irqchip but no PMU feature → ENODEV', () => {
    const vm = createHost('rk3588').createVm();
    const v = vm.createVcpu();
    expect(v.getDeviceAttr(CTRL, IRQ).ret).toBe(E.ENODEV);
    expect(v.init({ pmu: false })).toBe(0);
    expect(v.getDeviceAttr(CTRL, IRQ).ret).toBe(E.ENODEV);
  });

  it('IRQ: not set → ENXIO with no value; set → 0 and the value', () => {
    const { vcpus } = initedVm('rk3588');
    const v = vcpus[0]!;
    expect(v.getDeviceAttr(CTRL, IRQ)).toEqual({ ret: E.ENXIO });
    expect(v.setDeviceAttr(CTRL, IRQ, 300)).toBe(0);
    expect(v.getDeviceAttr(CTRL, IRQ)).toEqual({ ret: 0, value: 300 });
  });

  it('IRQ survives PMU INIT and a vCPU reset', () => {
    const s = initedVm('rk3588');
    pmuInitAll(s, 21);
    const v = s.vcpus[0]!;
    expect(v.init({ pmu: true })).toBe(0);
    expect(v.getDeviceAttr(CTRL, IRQ)).toEqual({ ret: 0, value: 21 });
  });

  it.each([INIT, FILTER, SET_PMU, SET_NR, FIXED, 9])('attr %i → ENXIO, even after being set', (attr) => {
    const s = initedVm('rk3588', { n: 2 });
    const cfg = s.vcpus[1]!;
    expect(cfg.setDeviceAttr(CTRL, FILTER, { baseEvent: 0, nevents: 1, action: ALLOW })).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_PMU, s.host.pmus[0]!.type)).toBe(0);
    expect(cfg.setDeviceAttr(CTRL, SET_NR, 2)).toBe(0);
    pmuInitAll(s);
    expect(cfg.getDeviceAttr(CTRL, attr).ret).toBe(E.ENXIO);
  });
});

describe('GET and HAS take no KVM lock (spec §3 entry points)', () => {
  it('they complete while another thread holds config_lock in the middle of a SET', () => {
    const { vcpus, vm } = initedVm('rk3588', { n: 2 });
    const [v0, v1] = [vcpus[0]!.model, vcpus[1]!.model];
    expect(runDirect(setDeviceAttr(v1, CTRL, IRQ, 23), 'set irq')).toBe(0);
    const s = new Stepper();
    const t = s.spawn('vmm', setDeviceAttr(v0, CTRL, SET_NR, 2));
    s.step(t); // vcpu0->mutex
    s.step(t); // config_lock
    expect(vm.model.configLock.owner()).not.toBe(0);
    expect(runDirect(getDeviceAttr(v1, CTRL, IRQ), 'get')).toEqual({ ret: 0, value: 23 });
    expect(runDirect(hasDeviceAttr(v1, CTRL, SET_NR), 'has')).toBe(0);
    s.finish();
    expect(vm.model.nrPmuCounters).toBe(2);
  });
});
