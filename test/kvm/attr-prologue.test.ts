import { describe, expect, it } from 'vitest';
import { createHost } from '../../src/api/host.js';
import { ALLOW, CTRL, E, FILTER, FIXED, INIT, IRQ, SET_NR, SET_PMU, initedVm, pmuInitAll } from './helpers.js';

const ATTRS = [IRQ, INIT, FILTER, SET_PMU, SET_NR, FIXED, 6, 99];
/** A plausible payload for each attribute, so the prologue is what decides. */
function payload(attr: number) {
  if (attr === FILTER) return { baseEvent: 0x11, nevents: 1, action: ALLOW };
  if (attr === IRQ) return 23;
  if (attr === SET_PMU) return 8;
  if (attr === SET_NR) return 1;
  return undefined;
}

// spec §3.0: SET prologue — no PMU feature → ENODEV, this vCPU created → EBUSY, then the
// attribute switch (unknown → ENXIO); guest.c: unknown group → ENXIO before all of it.
describe('KVM_SET_DEVICE_ATTR common prologue (spec §3.0)', () => {
  it.each(ATTRS)('attr %i on a vCPU without the PMU feature → ENODEV', (attr) => {
    const vm = createHost('rk3588').createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: false })).toBe(0);
    expect(v.setDeviceAttr(CTRL, attr, payload(attr))).toBe(E.ENODEV);
  });

  it.each(ATTRS)('attr %i on a vCPU of a VM where no vCPU has INITed yet → ENODEV', (attr) => {
    const v = createHost('rk3588').createVm().createVcpu();
    expect(v.setDeviceAttr(CTRL, attr, payload(attr))).toBe(E.ENODEV);
  });

  it.each(ATTRS)('attr %i with a missing payload still gets ENODEV first', (attr) => {
    const vm = createHost('rk3588').createVm();
    const v = vm.createVcpu();
    expect(v.init({ pmu: false })).toBe(0);
    expect(v.setDeviceAttr(CTRL, attr)).toBe(E.ENODEV);
  });

  it.each(ATTRS)('attr %i after this vCPU’s PMU INIT → EBUSY (a second INIT included)', (attr) => {
    const s = initedVm('rk3588');
    pmuInitAll(s);
    expect(s.vcpus[0]!.setDeviceAttr(CTRL, attr, payload(attr))).toBe(E.EBUSY);
  });

  it('EBUSY is per vCPU: a vCPU not yet PMU-INITed can still configure the VM', () => {
    const s = initedVm('rk3588', { n: 2 });
    const [v0, v1] = s.vcpus as [typeof s.vcpus[0], typeof s.vcpus[0]];
    expect(s.vm.vgicInit()).toBe(0);
    expect(v0.setDeviceAttr(CTRL, IRQ, 23)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, INIT)).toBe(0);
    expect(v0.setDeviceAttr(CTRL, SET_NR, 2)).toBe(E.EBUSY);
    expect(v1.setDeviceAttr(CTRL, SET_NR, 2)).toBe(0);
    expect(s.vm.model.nrPmuCounters).toBe(2);
  });

  it.each([6, 7, 99, 0x7fffffff])('unknown attr %i on a PMU vCPU → ENXIO (mainline)', (attr) => {
    const { vcpus } = initedVm('rk3588');
    expect(vcpus[0]!.setDeviceAttr(CTRL, attr)).toBe(E.ENXIO);
  });

  it('attr 5 is unknown in mainline → ENXIO', () => {
    const { vcpus } = initedVm('rk3588');
    expect(vcpus[0]!.setDeviceAttr(CTRL, FIXED)).toBe(E.ENXIO);
  });

  it.each([1, 2, 99])('unknown group %i → ENXIO for SET, GET and HAS, before the PMU checks', (group) => {
    for (const pmu of [true, false]) {
      const vm = createHost('rk3588').createVm();
      const v = vm.createVcpu();
      expect(v.init({ pmu })).toBe(0);
      expect(v.setDeviceAttr(group, IRQ, 23)).toBe(E.ENXIO);
      expect(v.getDeviceAttr(group, IRQ).ret).toBe(E.ENXIO);
      expect(v.hasDeviceAttr(group, IRQ)).toBe(E.ENXIO);
    }
  });

  it('every SET releases config_lock and vcpu->mutex, whatever it returns', () => {
    const s = initedVm('rk3588');
    const v = s.vcpus[0]!;
    v.setDeviceAttr(CTRL, 99);
    v.setDeviceAttr(CTRL, SET_PMU, 12345);
    v.setDeviceAttr(CTRL, SET_PMU, 9);
    pmuInitAll(s);
    v.setDeviceAttr(CTRL, IRQ, 23);
    expect(s.vm.model.configLock.owner()).toBe(0);
    expect(v.model.mutex.owner()).toBe(0);
    expect(s.host.model.list.lock.owner()).toBe(0);
  });
});
